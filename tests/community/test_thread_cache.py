"""The rendered thread under a question is shared between readers (community/fragments.py).

Each test first makes one reader render (and so store) the thread, then changes something or
lets someone else read it, and checks what that person sees: never stale, never someone else's.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from community import services
from community.models import Profile
from tests.community.conftest import answer, ask
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def colleague(community):
    """A second ordinary member, who did nothing in the thread yet."""
    return MembershipFactory(user=UserFactory(username="colleague"), community=community).user


@pytest.fixture
def question(community, member, facilitator):
    post = ask(member, community, title="Hoe bereik je inwoners die hun post niet openen?")
    answer(facilitator, post, body="Ga langs met de wijkagent.")
    return post


def page_of(user, post, *, client=None):
    client = client or Client()
    if user is not None:
        client.force_login(user)
    response = client.get(post.get_url())
    assert response.status_code == 200
    return response.content.decode()


def thread_of(html):
    return html[html.index('<section aria-labelledby="answers-heading"'):html.index("</section>", html.index(
        '<section aria-labelledby="answers-heading"'))]


def test_a_new_answer_shows_to_a_reader_who_had_the_thread_cached(question, colleague, outsider, community):
    newcomer = MembershipFactory(user=UserFactory(username="newcomer"), community=community).user
    page_of(outsider, question)  # stored for signed-in readers who may not answer
    page_of(colleague, question)  # and for members who did nothing here yet

    answer(newcomer, question, body="Een briefje met een tekening erop werkt bij ons.")

    assert "Een briefje met een tekening erop werkt bij ons." in page_of(outsider, question)
    assert "Een briefje met een tekening erop werkt bij ons." in page_of(colleague, question)


def test_a_helpful_vote_updates_the_count_others_see(question, colleague, outsider):
    reply = question.answers.get()
    assert "0 keer nuttig" in page_of(outsider, question)

    services.answer_vote(user=colleague, answer=reply, post=question)

    assert "1 keer nuttig" in page_of(outsider, question)


def test_an_accepted_answer_shows_as_accepted_to_every_reader(question, member, outsider):
    page_of(outsider, question)
    services.answer_accept(user=member, post=question, answer=question.answers.get())

    assert "Geaccepteerd antwoord" in thread_of(page_of(outsider, question))


def test_a_hidden_answer_disappears_for_readers_and_stays_for_its_author(question, facilitator, outsider,
                                                                          colleague):
    mine = answer(colleague, question, body="Mijn eigen aanpak met huisbezoeken.")
    assert "Mijn eigen aanpak met huisbezoeken." in page_of(outsider, question)

    services.answer_set_hidden(moderator=facilitator, answer=mine, post=question, hidden=True, reason="Privégegevens")

    assert "Mijn eigen aanpak met huisbezoeken." not in page_of(outsider, question)
    own_view = page_of(colleague, question)
    assert "Mijn eigen aanpak met huisbezoeken." in own_view
    assert "Privégegevens" in own_view


def test_an_edited_answer_shows_its_new_text(question, colleague, outsider):
    mine = answer(colleague, question, body="Eerste versie.")
    assert "Eerste versie." in page_of(outsider, question)

    services.answer_edit(editor=colleague, answer=mine, post=question, body="Tweede versie.")

    html = page_of(outsider, question)
    assert "Tweede versie." in html and "Eerste versie." not in html


def test_a_new_display_name_shows_in_the_thread(question, facilitator, outsider):
    page_of(outsider, question)
    Profile.objects.filter(user=facilitator).update(display_name="Fatima de Facilitator")
    Profile.objects.get(user=facilitator).save()

    assert "Fatima de Facilitator" in thread_of(page_of(outsider, question))


def test_a_vote_is_shown_as_pressed_only_to_the_member_who_voted(question, colleague, member, community):
    reply = question.answers.get()
    third = MembershipFactory(user=UserFactory(username="third"), community=community).user
    page_of(third, question)  # the shared copy for members exists before the vote
    services.answer_vote(user=colleague, answer=reply, post=question)

    assert 'aria-pressed="true"' in thread_of(page_of(colleague, question))
    assert 'aria-pressed="true"' not in thread_of(page_of(third, question))


def test_only_the_author_sees_the_edit_link_of_their_answer(question, colleague, community):
    answer(colleague, question, body="Mijn antwoord.")
    third = MembershipFactory(user=UserFactory(username="third"), community=community).user

    assert "jouw antwoord" in thread_of(page_of(colleague, question))
    assert "jouw antwoord" not in thread_of(page_of(third, question))
    assert "jouw antwoord" in thread_of(page_of(colleague, question))


def test_a_report_is_remembered_for_the_reporter_only(question, colleague, community):
    reply = question.answers.get()
    third = MembershipFactory(user=UserFactory(username="third"), community=community).user
    page_of(third, question)
    services.answer_flag(user=colleague, answer=reply, post=question, reason="Klopt niet")

    assert "Gemeld" in thread_of(page_of(colleague, question))
    assert "Gemeld" not in thread_of(page_of(third, question))
    assert "Meld dit antwoord" in thread_of(page_of(third, question))


def test_moderation_buttons_never_reach_a_member_after_a_facilitator_read(question, facilitator, colleague):
    assert "koffietafel-visually-hidden\">: antwoord van" in page_of(facilitator, question)
    facilitator_thread = thread_of(page_of(facilitator, question))
    assert "/verbergen/" in facilitator_thread

    assert "/verbergen/" not in thread_of(page_of(colleague, question))


def test_only_the_asker_may_accept(question, member, colleague):
    assert "Accepteer dit antwoord" in thread_of(page_of(member, question))
    assert "Accepteer dit antwoord" not in thread_of(page_of(colleague, question))


def test_readers_in_another_language_get_their_own_copy(question, outsider):
    page_of(outsider, question)
    client = Client()
    client.force_login(outsider)
    client.cookies["django_language"] = "en"
    html = client.get(question.get_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    with translation.override("en"):
        assert "1 answer" in thread_of(html)


CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_forms_in_a_shared_thread_carry_the_readers_own_csrf_token(question, colleague, community):
    third = MembershipFactory(user=UserFactory(username="third"), community=community).user
    page_of(third, question)  # third's copy, with third's token, is what gets stored
    client = Client(enforce_csrf_checks=True)
    thread = thread_of(page_of(colleague, question, client=client))
    token = CSRF_VALUE.search(thread).group(1)
    reply = question.answers.get()

    response = client.post(
        f"{community.url}bijdragen/{question.pk}/antwoorden/{reply.pk}/nuttig/", {"csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302  # accepted; a token of someone else's session would be a 403
    assert reply.helpful_votes.filter(user=colleague).exists()


def test_the_heading_counts_answers_not_the_replies_under_them(question, member, outsider):
    first = question.answers.get()
    answer(member, question, body="Dank, hoe lang duurde dat?", parent=first)

    heading = re.search(r'<h2 id="answers-heading">([^<]*)</h2>', page_of(outsider, question)).group(1)

    assert heading.strip() == "1 antwoord"
