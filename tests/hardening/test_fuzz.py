"""Fuzzing the forms and query parameters: no 500 for any input, no stored script, text never lost.

Hypothesis generates text with scripts, markup, control characters, right-to-left marks and
lengths around the limits. Each example is a real request through the whole stack.
"""

from __future__ import annotations

import html

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from community.models import Answer, Post
from tests.community.conftest import ask

NASTY = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))", "\x00", "\u202e",
         "' OR 1=1 --", "{{ 7*7 }}", "{% debug %}", "%(name)s", "\r\n", "😀", "ñ", "&amp;", "<!--", "]]>"]
texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=20)), max_size=15).map("".join),
    st.integers(min_value=9, max_value=205).map(lambda n: "x" * n),
)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
NO_LIMITS = override_settings(KOFFIETAFEL_RATE_LIMITS={})


def assert_kept_or_stored(response, text, stored):
    """On a validation error the typed text comes back in the form; otherwise it was stored."""
    assert response.status_code < 500
    if stored:
        return
    if "\x00" in text or not text.strip():
        return  # refused outright (null characters) or nothing to keep
    page = html.unescape(response.content.decode())
    assert text.replace("\r\n", "\n").strip()[:50] in page.replace("\r\n", "\n")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@NO_LIMITS
@FUZZ
@given(title=texts, body=texts)
def test_ask_form(member_client, community, title, body):
    before = Post.objects.count()
    response = member_client.post(f"{community.url}vragen/nieuw/",
                                  {"title": title, "body": body, "suggesties_gezien": "1"})
    stored = Post.objects.count() > before or response.status_code == 302
    assert_kept_or_stored(response, body, stored)
    for post in Post.objects.all():
        assert "<script" not in post.body_html.lower() and "onerror" not in post.body_html.lower()


@NO_LIMITS
@FUZZ
@given(context=texts, tried=texts, obstacles=texts, status=st.sampled_from(["lopend", "geslaagd", "gestopt", "x", ""]))
def test_story_form(member_client, community, context, tried, obstacles, status):
    response = member_client.post(f"{community.url}verhalen/nieuw/", {
        "title": "Een praktijkverhaal om te testen", "story_status": status, "context": context, "tried": tried,
        "obstacles": obstacles,
    })
    assert response.status_code < 500
    for post in Post.objects.filter(kind="story"):
        for field in ("context_html", "tried_html", "obstacles_html"):
            assert "<script" not in getattr(post, field).lower()


@NO_LIMITS
@FUZZ
@given(body=texts, parent=st.one_of(st.none(), st.integers(), st.text(max_size=5)))
def test_answer_form(member_client, member, community, body, parent):
    post = Post.objects.first() or ask(member, community)
    data = {"body": body} if parent is None else {"body": body, "parent": parent}
    before = Answer.objects.count()
    response = member_client.post(f"{community.url}bijdragen/{post.pk}/antwoorden/", data)
    stored = Answer.objects.count() > before or response.status_code == 302
    assert_kept_or_stored(response, body, stored)
    for answer in Answer.objects.all():
        assert "<script" not in answer.body_html.lower()


@FUZZ
@given(display_name=texts, job_title=texts, expertise=texts)
def test_profile_form(member_client, display_name, job_title, expertise):
    response = member_client.post("/profiel/", {"display_name": display_name, "job_title": job_title,
                                                "expertise": expertise})
    assert response.status_code < 500


@FUZZ
@given(filter_=texts, theme=texts, page=st.one_of(texts, st.integers()))
def test_community_list_parameters(client, community, filter_, theme, page):
    response = client.get(community.url, {"filter": filter_, "thema": theme, "pagina": page})
    assert response.status_code == 200


@FUZZ
@given(email=texts, username=texts, password=texts)
def test_sign_up_form(client, site_tree, email, username, password):
    response = client.post("/account/signup/", {"email": email, "username": username, "password1": password,
                                                "password2": password, "display_name": username})
    assert response.status_code < 500


@pytest.mark.parametrize("page", [str(2**63), "9" * 30, str(-(2**63) - 1)])
def test_community_list_with_a_page_number_beyond_the_database_integer(client, community, page):
    """Found by the fuzzer on PostgreSQL: ?pagina=<huge> made an OFFSET beyond bigint and answered 500."""
    response = client.get(community.url, {"pagina": page})

    assert response.status_code == 200


@pytest.mark.parametrize("value", ["²", "١٢", "9" * 30, "\x00"])
def test_search_community_filter_with_odd_digits(client, site_tree, value):
    """Review finding: "²".isdigit() is True but int("²") fails."""
    response = client.get("/zoeken/", {"q": "schuldhulp", "gemeenschap": value})
    assert response.status_code == 200


ODD_IDS = ["²", "٣", "١٢", "9" * 30, "\x00", "1\x00", " 1", "-1", "0", ""]


@pytest.mark.parametrize("value", ODD_IDS)
def test_session_review_with_odd_session_id_is_404(client, db, value):
    """Review finding: the editors' review form parsed ``sessie`` with isdigit() and answered 500."""
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    editor = UserFactory(username="redacteur")
    editor.user_permissions.add(Permission.objects.get(codename="change_session", content_type__app_label="events"))
    client.force_login(editor)
    response = client.post("/train-je-collega/beoordelen/", {"sessie": value, "besluit": "goedkeuren", "note": ""})
    assert response.status_code == 404


@pytest.mark.parametrize("value", ODD_IDS)
def test_join_request_decision_with_odd_membership_id_is_400(client, community, facilitator, value):
    client.force_login(facilitator)
    response = client.post(community.url + "aanvragen/", {"membership": value, "decision": "approve"})
    assert response.status_code in (400, 404)


@pytest.mark.parametrize("value", ODD_IDS)
def test_follow_with_odd_id_is_404(client, community, member, value):
    client.force_login(member)
    assert client.post("/volgen/", {"soort": "gemeenschap", "id": value}).status_code == 404


@pytest.mark.parametrize("value", ODD_IDS)
def test_revoking_an_api_token_with_odd_id_changes_nothing(client, member, value):
    from wagtail.models import APIToken

    token, _plaintext = APIToken.create_token(user=member, name="Teamdashboard")
    client.force_login(member)
    response = client.post("/profiel/api-sleutels/", {"intrekken": value})
    assert response.status_code < 500
    token.refresh_from_db()
    assert token.revoked_at is None
