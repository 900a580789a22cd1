"""The English catalogue reaches the interface: every translated string is one the code asks for."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.models import Permission
from django.utils import translation

from learning.events.models import Session
from tests.events.conftest import edition, host, in_days, org_a, org_b  # noqa: F401 (fixtures)
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent


def test_no_msgid_holds_a_python_escape_that_xgettext_left_undecoded():
    """xgettext copies "\\u201c" from Python source literally; at run time the string has "“", so the
    translation would never be found. Write the character itself in the source."""
    po = (ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert "\\\\u20" not in po


def test_an_english_editor_is_told_in_english_that_a_session_is_published(client, edition, host):
    session = Session.objects.create(
        kind=Session.Kind.TRAINING, edition=edition, title="Draaitabellen", description="Uitleg.", host=host,
        organisation=host.profile.organisation, format=Session.Format.ONLINE, online_url="https://v.example/x",
        starts_at=in_days(14), duration_minutes=60, capacity=5, status=Session.Status.PROPOSED,
    )
    editor = UserFactory(username="editor")
    editor.user_permissions.add(Permission.objects.get(codename="change_session", content_type__app_label="events"))
    client.force_login(editor)
    with translation.override(translation.get_language()):  # the request switches the thread to English
        client.post("/taal/", {"language": "en", "next": "/"})
        response = client.post("/train-je-collega/beoordelen/",
                               {"sessie": session.pk, "besluit": "goedkeuren", "note": ""}, follow=True)
    assert "\u201cDraaitabellen\u201d has been published." in response.content.decode()


def test_no_template_shows_a_python_escape_instead_of_a_quotation_mark():
    """Template string literals are not Python: "\\u201c" in {% translate %} reached Dutch pages as is."""
    offenders = [
        str(path.relative_to(ROOT)) for folder in ("templates", "community", "learning", "home")
        for path in (ROOT / folder).rglob("*.html") if "\\u20" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
