"""Wagtail admin: editions, sessions (editors review offered ones) and benchmark opt-ins as snippets."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import BenchmarkOptIn, Edition, Session


class EditionViewSet(SnippetViewSet):
    model = Edition
    icon = "date"
    menu_label = _("Edities")
    list_display = ["title", "starts_on", "ends_on", "open_for_offers", "review_required"]


class SessionViewSet(SnippetViewSet):
    model = Session
    icon = "group"
    menu_label = _("Sessies en bijeenkomsten")
    list_display = ["title", "kind", "starts_at", "status", "host"]
    list_filter = ["status", "kind", "edition"]
    search_fields = ["title", "description"]
    search_backend_name = None  # a plain model: search with the ORM


class BenchmarkOptInViewSet(SnippetViewSet):
    model = BenchmarkOptIn
    icon = "success"
    menu_label = _("Deelname aan de benchmark")
    list_display = ["organisation", "agreed_by", "agreed_on"]


class EventsViewSetGroup(SnippetViewSetGroup):
    items = (EditionViewSet, SessionViewSet, BenchmarkOptInViewSet)
    menu_icon = "date"
    menu_label = _("Train je Collega")
    menu_name = "train-je-collega"


register_snippet(EventsViewSetGroup)
