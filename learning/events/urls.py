"""Train je Collega and meetups, under /train-je-collega/ (site/urls.py includes this)."""

from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("sessies/<int:pk>/", views.session_detail, name="session"),
    path("sessies/<int:pk>/aanmelden/", views.signup_create, name="signup"),
    path("sessies/<int:pk>/afmelden/", views.signup_cancel, name="cancel"),
    path("sessies/<int:pk>/agenda.ics", views.session_ics, name="session_ics"),
    path("sessies/<int:pk>/deelnemers/", views.participants, name="participants"),
    path("sessies/<int:pk>/deelnemers.csv", views.participants_csv, name="participants_csv"),
    path("sessies/<int:pk>/bericht/", views.participants_message, name="message"),
    path("sessies/<int:pk>/annuleren/", views.session_cancel, name="session_cancel"),
    path("sessies/<int:pk>/wijzigen/", views.session_edit, name="session_edit"),
    path("sessies/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("edities/<int:edition_id>/aanbieden/", views.session_offer, name="offer"),
    path("bijeenkomst-organiseren/", views.meetup_create, name="meetup_create"),
    path("beoordelen/", views.review, name="review"),
    path("mijn-agenda/", views.my_agenda, name="my_agenda"),
    path("agenda/<str:token>.ics", views.agenda_feed, name="agenda_feed"),
]
