"""URLs for koffietafel.settings.bench only: the site's own URLs plus the bare benchmark view."""

from django.urls import path
from django.views.generic import TemplateView

from koffietafel.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("_bench/bare/", TemplateView.as_view(template_name="bench/bare.html"), name="bench_bare"),
    *site_urlpatterns,
]
