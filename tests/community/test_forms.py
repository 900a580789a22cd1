"""Bad input on the ask, share and answer forms: a clear Dutch message at the field, text kept."""

from __future__ import annotations

import html

import pytest
from bs4 import BeautifulSoup

from community.models import Answer, Post
from tests.community.conftest import answer, ask, join
from tests.factories import UserFactory


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def ask_url(community):
    return f"{community.url}vragen/nieuw/"


def field_error(content, field):
    """The error text tied to a field (its input points at it with aria-describedby), or None."""
    soup = BeautifulSoup(content, "html.parser")
    error = soup.find(id=f"id_{field}_error")
    if error is None:
        return None
    widget = soup.find(id=f"id_{field}")
    assert f"id_{field}_error" in widget.get("aria-describedby", ""), "error not tied to its field"
    assert widget.get("aria-invalid") == "true"
    text = " ".join(error.get_text(" ").split())
    return text.removeprefix("Fout:").strip()


def test_empty_title_gets_a_dutch_message_and_keeps_the_body(member_client, community):
    response = member_client.post(ask_url(community), {"title": "", "body": "Mijn zorgvuldig getypte toelichting"})
    content = response.content.decode()
    assert response.status_code == 400
    assert field_error(content, "title") == "Geef je vraag een titel."
    assert "Mijn zorgvuldig getypte toelichting" in content
    assert 'aria-invalid="true"' in content
    assert not Post.objects.exists()


def test_short_title_says_how_long_it_must_be(member_client, community):
    response = member_client.post(ask_url(community), {"title": "Hulp?", "body": ""})
    assert "minstens 10 tekens" in field_error(response.content.decode(), "title")
    assert 'value="Hulp?"' in response.content.decode()


def test_too_long_title_is_refused(member_client, community):
    title = "Lange vraag " * 30
    response = member_client.post(ask_url(community), {"title": title, "body": ""})
    assert "maximaal 200 tekens" in field_error(response.content.decode(), "title")
    assert not Post.objects.exists()


def test_huge_paste_is_refused_and_kept(member_client, community):
    body = "Een hele lange plak tekst. " * 1000  # ~27,000 characters
    response = member_client.post(ask_url(community), {"title": "Een vraag met een lange bijlage", "body": body})
    content = response.content.decode()
    assert "te lang" in field_error(content, "body")
    assert body.strip()[:500] in html.unescape(content)
    assert not Post.objects.exists()


def test_script_in_markdown_is_stored_harmless(member_client, community):
    member_client.post(ask_url(community), {
        "title": "Vraag met een verdachte toelichting",
        "body": '<script>alert("x")</script><img src=x onerror="alert(1)"> [klik](javascript:alert(1))',
    })
    post = Post.objects.get()
    assert "<script" not in post.body_html and "onerror" not in post.body_html and "javascript:" not in post.body_html
    page = member_client.get(post.get_url()).content.decode()
    assert '<script>alert("x")' not in page


def test_double_submission_stores_one_question(member_client, community):
    data = {"title": "Wie heeft ervaring met budgetcursussen?", "body": "Graag jullie tips.", "suggesties_gezien": "1"}
    first = member_client.post(ask_url(community), data)
    second = member_client.post(ask_url(community), data)
    assert Post.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_story_needs_context_and_what_was_tried(member_client, community):
    response = member_client.post(f"{community.url}verhalen/nieuw/", {
        "title": "Spreekuur in de bibliotheek", "story_status": "gestopt", "context": "", "tried": "",
        "lessons": "We leerden veel.",
    })
    content = response.content.decode()
    assert field_error(content, "context") == "Vul dit veld in."
    assert field_error(content, "tried") == "Vul dit veld in."
    assert "We leerden veel." in content


def test_stopped_story_is_shown_with_its_status(member_client, community):
    member_client.post(f"{community.url}verhalen/nieuw/", {
        "title": "Digitale budgetcoach voor jongeren", "story_status": "gestopt",
        "context": "Jongeren met schulden", "tried": "Een app", "obstacles": "Niemand gebruikte hem",
        "lessons": "Persoonlijk contact werkt beter",
    })
    post = Post.objects.get()
    content = member_client.get(post.get_url()).content.decode()
    assert "Gestopt" in content and "Niemand gebruikte hem" in content


def test_empty_answer_gets_a_message(member_client, member, community):
    post = ask(member, community)
    response = member_client.post(f"{community.url}bijdragen/{post.pk}/antwoorden/", {"body": "   "})
    assert response.status_code == 400
    assert field_error(response.content.decode(), "body") == "Schrijf eerst je antwoord."
    assert not Answer.objects.exists()


def test_answer_to_a_deleted_question_keeps_the_text(member_client, member, community):
    other = UserFactory(username="asker")
    join(other, community)
    post = ask(other, community)
    url = f"{community.url}bijdragen/{post.pk}/antwoorden/"
    post.delete()
    response = member_client.post(url, {"body": "Mijn lange antwoord dat ik niet kwijt wil"})
    content = response.content.decode()
    assert response.status_code == 404
    assert "bestaat niet meer" in field_error(content, "body")
    assert "Mijn lange antwoord dat ik niet kwijt wil" in content
    assert not Answer.objects.exists()


def test_answer_edit_after_the_window_says_so(client, member, community, facilitator):
    from datetime import timedelta

    from django.utils import timezone

    post = ask(facilitator, community)
    own = answer(member, post)
    Answer.objects.filter(pk=own.pk).update(submit_date=timezone.now() - timedelta(hours=1))
    client.force_login(member)
    response = client.get(f"{community.url}bijdragen/{post.pk}/antwoorden/{own.pk}/bewerken/", follow=True)
    assert "kort na plaatsen" in response.content.decode()
