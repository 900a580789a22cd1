"""The benchmark pages, under /benchmark/ (site/urls.py includes this)."""

from django.urls import path

from . import dashboard_views

app_name = "benchmark"

urlpatterns = [
    path("", dashboard_views.index, name="index"),
    path("gemeenschappen/<slug:slug>/", dashboard_views.community, name="community"),
    path("gemeenschappen/<slug:slug>/cijfers.csv", dashboard_views.community_csv, name="community_csv"),
    path("organisaties/", dashboard_views.organisations, name="organisations"),
    path("organisaties/cijfers.csv", dashboard_views.organisations_csv, name="organisations_csv"),
]
