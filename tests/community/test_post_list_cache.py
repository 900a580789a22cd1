"""The community page's post list is a cached fragment shared by viewers who see the same: never stale, never someone else's."""

from __future__ import annotations

import pytest
from wagtail.models import PageViewRestriction

from community import services
from community.models import Membership, Theme
from tests.community.conftest import answer, ask, join
from tests.factories import UserFactory


def list_of(client, user, community, query=""):
    """The community page as ``user`` sees it (None: anonymous), after it was cached."""
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(community.url + query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def other_member(community):
    return join(UserFactory(username="collega"), community).user


def test_member_sees_a_new_question_after_the_list_was_cached(client, community, member, other_member):
    assert "Tweede vraag over de wijk" not in list_of(client, member, community)

    ask(other_member, community, title="Tweede vraag over de wijk")

    assert "Tweede vraag over de wijk" in list_of(client, member, community)


def test_member_sees_an_edited_title(client, community, member, other_member):
    post = ask(other_member, community, title="Oude titel van de vraag")
    assert "Oude titel van de vraag" in list_of(client, member, community)

    services.post_edit(editor=other_member, post=post, title="Nieuwe titel van de vraag", body="b")

    page = list_of(client, member, community)
    assert "Nieuwe titel van de vraag" in page and "Oude titel van de vraag" not in page


def test_member_sees_the_new_answer_count_and_the_accepted_answer(client, community, member, other_member):
    post = ask(member, community)
    assert "0 antwoorden" in list_of(client, member, community)

    reply = answer(other_member, post)
    assert "1 antwoord" in list_of(client, member, community)

    services.answer_accept(user=member, post=post, answer=reply)
    assert "Opgelost" in list_of(client, member, community)


def test_a_hidden_answer_leaves_the_count(client, community, member, facilitator, other_member):
    post = ask(member, community)
    reply = answer(other_member, post)
    assert "1 antwoord" in list_of(client, member, community)

    services.answer_set_hidden(moderator=facilitator, answer=reply, post=post, hidden=True, reason="spam")

    assert "0 antwoorden" in list_of(client, member, community)


def test_a_deleted_question_leaves_the_list(client, community, member):
    post = ask(member, community, title="Deze vraag verdwijnt zo weer")
    assert "Deze vraag verdwijnt zo weer" in list_of(client, member, community)

    services.post_delete(user=member, post=post)

    assert "Deze vraag verdwijnt zo weer" not in list_of(client, member, community)


def test_a_new_theme_and_a_post_given_a_theme_show(client, community, member):
    post = ask(member, community, title="Vraag zonder thema nog")
    assert "Vroegsignalering" not in list_of(client, member, community)

    theme = Theme.objects.create(community=community, name="Vroegsignalering")
    assert '<option value="vroegsignalering"' in list_of(client, member, community)

    services.post_edit(editor=member, post=post, title="Vraag zonder thema nog", body="b", themes=[theme])
    assert '<li class="tag">Vroegsignalering</li>' in list_of(client, member, community)


def test_a_new_author_name_shows(client, community, member, other_member):
    ask(other_member, community)
    assert "Collega Jansen" not in list_of(client, member, community)

    other_member.profile.display_name = "Collega Jansen"
    other_member.profile.save()

    assert "Collega Jansen" in list_of(client, member, community)


def test_a_hidden_question_leaves_the_members_list_but_not_the_facilitators(
    client, community, member, facilitator, other_member
):
    post = ask(other_member, community, title="Een vraag die verborgen wordt")
    assert "Een vraag die verborgen wordt" in list_of(client, member, community)
    assert "Een vraag die verborgen wordt" in list_of(client, facilitator, community)

    services.post_set_hidden(moderator=facilitator, post=post, hidden=True, reason="dubbel")

    assert "Een vraag die verborgen wordt" not in list_of(client, member, community)
    assert "Een vraag die verborgen wordt" not in list_of(client, None, community)
    assert "Verborgen" in list_of(client, facilitator, community)


@pytest.mark.parametrize("author_first", [True, False])
def test_only_the_author_sees_their_hidden_question(client, community, member, facilitator, other_member, author_first):
    post = ask(other_member, community, title="Mijn eigen verborgen vraag")
    services.post_set_hidden(moderator=facilitator, post=post, hidden=True, reason="dubbel")
    views = [(other_member, True), (member, False)]
    for viewer, sees in views if author_first else views[::-1]:
        assert ("Mijn eigen verborgen vraag" in list_of(client, viewer, community)) is sees


def test_hidden_authors_are_read_again_after_the_commit(
    client, community, member, facilitator, other_member, django_capture_on_commit_callbacks
):
    post = ask(other_member, community, title="Verborgen na de commit")
    list_of(client, member, community)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_set_hidden(moderator=facilitator, post=post, hidden=True, reason="dubbel")

    assert "Verborgen na de commit" in list_of(client, other_member, community)
    assert "Verborgen na de commit" not in list_of(client, member, community)


def test_a_member_who_becomes_facilitator_sees_hidden_questions(client, community, member, facilitator, other_member):
    post = ask(other_member, community, title="Alleen voor facilitatoren")
    services.post_set_hidden(moderator=facilitator, post=post, hidden=True, reason="dubbel")
    assert "Alleen voor facilitatoren" not in list_of(client, member, community)

    membership = Membership.objects.get(user=member, community=community)
    membership.role = Membership.Role.FACILITATOR
    membership.save()  # as the admin does (memberships are cached per user: policies.memberships)

    assert "Alleen voor facilitatoren" in list_of(client, member, community)


def test_a_visitor_who_may_not_post_gets_no_ask_button(client, community, member, outsider):
    ask(member, community)
    assert "vragen/nieuw/" in list_of(client, member, community)

    assert "vragen/nieuw/" not in list_of(client, outsider, community)
    assert "vragen/nieuw/" not in list_of(client, None, community)


def test_a_view_restriction_empties_the_members_list(client, community, member, other_member):
    ask(other_member, community, title="Achter een wachtwoord straks")
    assert "Achter een wachtwoord straks" in list_of(client, member, community)

    PageViewRestriction.objects.create(page=community, restriction_type=PageViewRestriction.LOGIN)

    assert "Achter een wachtwoord straks" not in list_of(client, member, community)


def test_filters_themes_and_pages_are_cached_apart(client, community, member):
    theme = Theme.objects.create(community=community, name="Vroegsignalering")
    ask(member, community, title="Vraag met een thema erbij", themes=[theme])
    ask(member, community, title="Vraag zonder een thema erbij")
    assert "Vraag zonder een thema erbij" in list_of(client, member, community)

    page = list_of(client, member, community, "?thema=vroegsignalering")
    assert "Vraag met een thema erbij" in page and "Vraag zonder een thema erbij" not in page
    assert "Vraag met een thema erbij" not in list_of(client, member, community, "?filter=verhalen")
