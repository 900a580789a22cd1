"""Pages run a fixed number of SQL queries, however much content exists (two sizes compared)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community import services
from community.models import Theme
from tests.community.conftest import answer, ask, join
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def sessions_in_the_cache(settings):
    """As in production at scale (REDIS_URL, scale_out.py): sessions come from the cache."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def add_posts(community, authors, n, start=0):
    theme = Theme.objects.get_or_create(community=community, name="Vroegsignalering")[0]
    for i in range(start, start + n):
        author = authors[i % len(authors)]
        if i % 3 == 2:
            services.post_create(author=author, community=community, kind="story", title=f"Praktijkverhaal nummer {i}",
                                 story={"story_status": "gestopt", "context": "c", "tried": "t"}, themes=[theme])
        else:
            ask(author, community, title=f"Vraag nummer {i} over schuldhulp", themes=[theme])


@pytest.fixture
def authors(community):
    people = [UserFactory(username=f"auteur{i}", profile__expertise=["wmo"]) for i in range(4)]
    for person in people:
        join(person, community)
    return people


@pytest.mark.parametrize("viewer", ["anonymous", "member"])
def test_community_page_queries_do_not_grow_with_posts(client, community, authors, member, viewer):
    if viewer == "member":
        client.force_login(member)
    add_posts(community, authors, 5)
    client.get(community.url)  # warm caches (site root paths, content types) as in production
    small = count_queries(client, community.url)
    add_posts(community, authors, 95, start=5)
    client.get(community.url)
    large = count_queries(client, community.url)
    assert small == large, f"{small} queries with 5 posts, {large} with 100"
    assert large <= 15  # goal (issue 8)


def add_answers(post, people, n, start=0):
    made = []
    for i in range(start, start + n):
        parent = made[-1] if made and i % 3 == 1 else None
        made.append(answer(people[i % len(people)], post, body=f"Antwoord {i}", parent=parent))
    return made


@pytest.mark.parametrize("viewer", ["anonymous", "member", "facilitator"])
def test_question_page_queries_do_not_grow_with_answers(client, community, authors, member, facilitator, viewer):
    post = ask(member, community)
    if viewer != "anonymous":
        client.force_login({"member": member, "facilitator": facilitator}[viewer])
    made = add_answers(post, authors, 3)
    services.answer_accept(user=member, post=post, answer=made[0])
    services.answer_vote(user=member, answer=made[0], post=post)
    client.get(post.get_url())
    small = count_queries(client, post.get_url())
    more = add_answers(post, authors, 97, start=3)
    for target in more[:10]:
        services.answer_vote(user=member, answer=target, post=post)
    # The new answers notified the asker: the first view recounts the header badge (one query
    # more), later ones take it from the cache.
    recounted = count_queries(client, post.get_url())
    large = count_queries(client, post.get_url())
    assert recounted <= large + 1
    assert small == large, f"{small} queries with 3 answers, {large} with 100"
    assert large <= 15  # goal (issue 8)


def test_moderation_page_queries_do_not_grow_with_reports(client, community, authors, member, facilitator):
    from community import services as svc

    post = ask(member, community)
    client.force_login(facilitator)

    def report(n, start):
        for i in range(start, start + n):
            target = answer(authors[i % 4], post, body=f"Antwoord {i}")
            svc.answer_flag(user=member, answer=target, post=post, reason="spam")
            hidden = ask(authors[i % 4], community, title=f"Verborgen vraag nummer {i} hier")
            svc.post_set_hidden(moderator=facilitator, post=hidden, hidden=True, reason="dubbel")

    report(2, 0)
    url = community.url + "moderatie/"
    client.get(url)
    small = count_queries(client, url)
    report(10, 2)
    client.get(url)  # hiding posts changed what people may see: the header badge is recounted once
    assert count_queries(client, url) == small


@pytest.mark.parametrize("viewer", ["member", "author"])
def test_story_page_queries_do_not_grow_with_answers(client, community, authors, member, viewer):
    story, _created = services.post_create(
        author=authors[0], community=community, kind="story", title="Spreekuur in de supermarkt",
        story={"story_status": "geslaagd", "context": "Aanleiding", "tried": "Een tafel bij de kassa"},
    )
    client.force_login({"member": member, "author": authors[0]}[viewer])
    add_answers(story, authors[1:], 3)
    client.get(story.get_url())
    small = count_queries(client, story.get_url())
    add_answers(story, authors[1:], 97, start=3)
    recounted = count_queries(client, story.get_url())  # the author's badge is recounted once
    large = count_queries(client, story.get_url())
    assert recounted <= large + 1
    assert small == large, f"{small} queries with 3 answers, {large} with 100"
    assert large <= 15  # goal (issue 8)


def count_cold_queries(client, url):
    """Queries of the first view after every cache was emptied (a deploy, an eviction): what building the page costs."""
    from django.core.cache import caches

    for alias in caches:
        caches[alias].clear()
    return count_queries(client, url)


@pytest.mark.parametrize("viewer", ["anonymous", "member", "facilitator"])
def test_community_page_cold_queries_do_not_grow_with_posts(client, community, authors, member, facilitator, viewer):
    if viewer != "anonymous":
        client.force_login({"member": member, "facilitator": facilitator}[viewer])
    add_posts(community, authors, 5)
    hidden = ask(authors[0], community, title="Een verborgen vraag over schuldhulp")
    services.post_set_hidden(moderator=facilitator, post=hidden, hidden=True, reason="dubbel")
    client.get(community.url)
    small = count_cold_queries(client, community.url)
    add_posts(community, authors, 45, start=5)
    client.get(community.url)
    large = count_cold_queries(client, community.url)
    assert small == large, f"{small} queries with 6 posts, {large} with 51"
    # Measured when the post list became a shared fragment (goal of issue 8: 15); a facilitator's
    # page also counts pending requests, and the header their moderation work.
    assert large <= {"anonymous": 13, "member": 19, "facilitator": 21}[viewer]


@pytest.mark.parametrize("viewer", ["anonymous", "member"])
def test_home_page_queries_do_not_grow_with_communities_and_posts(
    client, home_page, community, community_factory, authors, member, viewer
):
    if viewer == "member":
        client.force_login(member)

    def grow(n, start):
        for i in range(start, start + n):
            other = community_factory(title=f"Gemeenschap nummer {i}", private=(i % 3 == 0))
            for author in authors:
                join(author, other)
            add_posts(other, authors, 2, start=2 * i)
            if i % 2:
                join(member, other)

    grow(2, 0)
    url = home_page.url
    client.get(url)
    small = count_queries(client, url), count_cold_queries(client, url)
    grow(18, 2)
    client.get(url)
    large = count_queries(client, url), count_cold_queries(client, url)
    assert small == large, f"(warm, cold) {small} queries with 3 communities, {large} with 21"
    # (warm, cold) measured after the card rows became shared (goal of issue 8: 15 cold)
    (warm, cold), (warm_budget, cold_budget) = large, {"anonymous": (3, 8), "member": (5, 13)}[viewer]
    assert warm <= warm_budget and cold <= cold_budget


@pytest.mark.parametrize("viewer", ["anonymous", "reader", "member", "facilitator"])
def test_question_page_cold_queries_do_not_grow_with_answers(client, community, authors, member, facilitator, viewer):
    post = ask(member, community)
    if viewer == "reader":  # a member who did nothing in this thread
        client.force_login(join(UserFactory(username="lezer"), community).user)
    elif viewer != "anonymous":
        client.force_login({"member": member, "facilitator": facilitator}[viewer])
    made = add_answers(post, authors, 3)
    services.answer_accept(user=member, post=post, answer=made[0])
    services.answer_vote(user=member, answer=made[0], post=post)
    client.get(post.get_url())
    small = count_queries(client, post.get_url()), count_cold_queries(client, post.get_url())
    more = add_answers(post, authors, 47, start=3)
    for target in more[:10]:
        services.answer_vote(user=member, answer=target, post=post)
    client.get(post.get_url())
    large = count_queries(client, post.get_url()), count_cold_queries(client, post.get_url())
    assert small == large, f"(warm, cold) {small} queries with 3 answers, {large} with 50"
    # (warm, cold) measured when the post header became a shared fragment (goal of issue 8: 15 cold).
    # The member voted here, so their thread is their own: one query more. Most are the site's own
    # (routing, session, memberships, the header's badge).
    (warm, cold), (warm_budget, cold_budget) = large, {"anonymous": (1, 11), "reader": (2, 16),
                                                       "member": (3, 17), "facilitator": (2, 17)}[viewer]
    assert warm <= warm_budget and cold <= cold_budget
