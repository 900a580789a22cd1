"""Review of session 4's shared caches: a change of access or content reaches the next request.

Each test warms a shared cache (search lists, route memo, memberships, fragments) as one reader,
changes something that decides what is shown, and checks the next request of the affected reader.
"""

from __future__ import annotations

import re

from django.test import Client

from community import services
from community.models import CommunityPage, Membership
from tests.community.conftest import answer, ask, join
from tests.factories import UserFactory


def _client(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _search(user, **params) -> tuple:
    html = _client(user).get("/zoeken/", params).content.decode()
    html = html.split('id="results-heading"', 1)[-1].split("</main>", 1)[0] if 'id="results-heading"' in html else ""
    heading = re.search(r">(\d+) resulta", html)
    titles = re.findall(r'<h3 class="post-card__title"><a href="[^"]*">([^<]*)</a>', html)
    return (heading.group(1) if heading else "0"), titles, html


# -- search: memberships decide per request -----------------------------------------------------


def test_search_demoted_facilitator_no_longer_finds_a_hidden_post(community, member, facilitator):
    post = ask(member, community, title="Vroegsignalering verborgen")
    services.post_set_hidden(moderator=facilitator, post=post, hidden=True, reason="Dubbel")
    assert _search(facilitator, q="vroegsignalering")[0] == "1"  # the list is shared now
    membership = Membership.objects.get(user=facilitator, community=community)
    membership.role = Membership.Role.MEMBER
    membership.save()
    heading, titles, _html = _search(facilitator, q="vroegsignalering")
    assert (heading, titles) == ("0", [])


def test_search_approved_member_finds_closed_posts_and_a_removed_one_no_longer(community_factory, facilitator):
    closed = community_factory(title="Besloten kring", visibility="closed")
    author = UserFactory(username="auteur")
    join(author, closed)
    ask(author, closed, title="Vroegsignalering besloten")
    newcomer = UserFactory(username="nieuw")
    pending = Membership.objects.create(user=newcomer, community=closed, status=Membership.Status.PENDING)
    assert _search(newcomer, q="vroegsignalering")[0] == "0"
    pending.status = Membership.Status.ACTIVE
    pending.save(update_fields=["status"])
    assert _search(newcomer, q="vroegsignalering")[0] == "1"
    services.community_leave(user=newcomer, community=closed)
    assert _search(newcomer, q="vroegsignalering") [0] == "0"


def test_search_community_made_private_hides_its_name_and_posts_from_outsiders(community, member, outsider):
    ask(member, community, title="Vroegsignalering open")
    page = CommunityPage.objects.get(pk=community.pk)
    page.title = "Vroegsignalering wijkteam"
    page.save_revision().publish()
    assert _search(outsider, q="vroegsignalering")[0] == "2"  # the community and its question
    page = CommunityPage.objects.get(pk=community.pk)
    page.visibility = "private"
    page.save_revision().publish()
    heading, titles, html = _search(outsider, q="vroegsignalering")
    assert (heading, titles) == ("0", [])
    assert "wijkteam" not in html


def test_search_hidden_answer_leaves_results_and_counts(community, member, facilitator):
    post = ask(member, community, title="Een vraag")
    reply = answer(facilitator, post, body="Over vroegsignalering gesproken.")
    assert _search(member, q="vroegsignalering")[0] == "1"
    services.answer_set_hidden(moderator=facilitator, answer=reply, post=post, hidden=True, reason="Privé")
    heading, titles, _html = _search(member, q="vroegsignalering")
    assert (heading, titles) == ("0", [])


def test_search_edited_answer_shows_its_new_text(community, member, facilitator):
    post = ask(member, community, title="Een vraag")
    reply = answer(facilitator, post, body="Vroegsignalering met een adres: Dorpsstraat 1.")
    assert "Dorpsstraat" in _search(member, q="vroegsignalering")[2]
    services.answer_edit(editor=facilitator, answer=reply, post=post, body="Vroegsignalering zonder adres.")
    _heading, _titles, html = _search(member, q="vroegsignalering")
    assert "Dorpsstraat" not in html and "zonder adres" in html


def test_search_edited_post_shows_its_new_title_and_text(community, member):
    post = ask(member, community, title="Vroegsignalering bij Jansen", body="Familie Jansen heeft schulden.")
    assert "Jansen" in _search(member, q="vroegsignalering")[2]
    services.post_edit(editor=member, post=post, title="Vroegsignalering in de wijk", body="Zonder namen.")
    _heading, titles, html = _search(member, q="vroegsignalering")
    assert titles == ["Vroegsignalering in de wijk"] and "Jansen" not in html


# -- the follow buttons' per-user cache (community/selectors.followed_ids) ------------------------


def test_a_follow_committed_while_the_old_follows_were_read_reaches_the_next_page(community, outsider, monkeypatch):
    """A request that read the follows before a follow committed must not keep them after it.

    The reader's copy is read (no follow yet); while it is on its way to the cache, the follow is
    made and committed (its receiver drops the cached copy); the copy then lands in the cache.
    """
    from community import selectors, services_notify

    read = services_notify.followed_ids

    def read_then_follow(user):
        rows = read(user)  # the follows as they were
        services_notify.follow(user=outsider, target=community)  # committed meanwhile
        return rows

    monkeypatch.setattr(services_notify, "followed_ids", read_then_follow)
    assert community.pk not in selectors.followed_ids(outsider)["community"]
    monkeypatch.setattr(services_notify, "followed_ids", read)
    assert community.pk in selectors.followed_ids(outsider)["community"]
