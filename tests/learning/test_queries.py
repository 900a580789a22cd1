"""The framework page, the prompt page and the case story index run a fixed number of queries.

Each test measures at two sizes and compares; the counts measured are in the report on issue 5.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning import services
from learning.models import Prompt
from tests.factories import OrganisationFactory, UserFactory
from tests.learning.builders import ask, body, days, goal, join, prompt, publish, share, theme
from tests.learning.test_case_stories import make_story

MEASURED = {}


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def framework_of_size(n):
    goal_ids = [f"70000000-0000-0000-0000-{i:012d}" for i in range(n)]
    return body(
        goals=[goal(f"Leerdoel {i}", description="Beschrijving", target_date=days(30), id=goal_ids[i])
               for i in range(n)],
        themes=[theme(f"Thema {i}") for i in range(n)],
        boundaries={"in_scope": "De wijk", "escalation": "De privacy-officer"},
        prompts=[prompt(f"Prikkel {i}", days(-5 - 20 * (i % 2)), days(10 - 20 * (i % 2)), learning_goal=f"Leerdoel {i}",
                        id=f"80000000-0000-0000-0000-{i:012d}") for i in range(n)],
    )


def fill(framework, community, authors, n):
    """n goals and prompts, several revisions, and posts linked to every goal and prompt."""
    publish(framework, framework_of_size(n), note=f"Versie met {n}")
    for p in Prompt.objects.filter(framework=framework):
        for k in range(3):
            author = authors[k % len(authors)]
            post = ask(author, community, title=f"Reactie {k} op {p.question} (maat {n})") if k % 2 == 0 else \
                share(author, community, title=f"Verhaal {k} bij {p.question} (maat {n})")
            services.post_link(post=post, prompt=p)


@pytest.fixture
def authors(community):
    people = [UserFactory(username=f"schrijver{i}") for i in range(3)]
    for person in people:
        join(person, community)
    return people


@pytest.mark.parametrize("viewer", ["anonymous", "member"])
def test_framework_page_queries_do_not_grow(client, community, framework, authors, member, viewer):
    if viewer == "member":
        client.force_login(member)
    fill(framework, community, authors, 2)
    client.get(framework.url)  # warm caches (site root paths, content types) as in production
    small = count_queries(client, framework.url)

    fill(framework, community, authors, 12)
    client.get(framework.url)  # publishing recounts the member's header badge once, then it is cached
    large = count_queries(client, framework.url)

    MEASURED[f"framework page ({viewer})"] = (small, large)
    assert small == large, f"{small} queries with 2 goals/prompts, {large} with 12"
    assert large <= 30


def test_prompt_page_queries_do_not_grow(client, community, framework, authors, member, active_prompt):
    client.force_login(member)
    for k in range(2):
        services.post_link(post=ask(authors[k], community, title=f"Reactie nummer {k} hier"), prompt=active_prompt)
    url = active_prompt.get_url()
    client.get(url)
    small = count_queries(client, url)

    for k in range(2, 30):
        services.post_link(post=ask(authors[k % 3], community, title=f"Reactie nummer {k} hier"), prompt=active_prompt)
    large = count_queries(client, url)

    MEASURED["prompt page (member)"] = (small, large)
    assert small == large, f"{small} queries with 2 responses, {large} with 30"


def test_case_story_index_queries_do_not_grow(client, home_page):
    index = services.ensure_case_story_index(home_page)
    organisations = [OrganisationFactory() for _ in range(4)]

    def add(n, start):
        for i in range(start, start + n):
            make_story(index, f"Casusverhaal {i:03d}", tags=[f"Thema {i % 5}", "Vroegsignalering"],
                       organisations=organisations[: 1 + i % 4])

    add(3, 0)
    client.get(index.url)
    small = count_queries(client, index.url)

    add(20, 3)
    client.get(index.url)  # new pages start a new route memo (koffietafel.routing): compare warm with warm
    large = count_queries(client, index.url)

    MEASURED["case story index"] = (small, large)
    assert small == large, f"{small} queries with 3 case stories, {large} with 23"
    assert large <= 15


def test_case_story_feed_queries_do_not_grow(client, home_page):
    index = services.ensure_case_story_index(home_page)
    make_story(index, "Casusverhaal in de feed 0")
    client.get(f"{index.url}feed/")
    small = count_queries(client, f"{index.url}feed/")

    for i in range(1, 25):
        make_story(index, f"Casusverhaal in de feed {i}")
    client.get(f"{index.url}feed/")  # new pages start a new route memo (koffietafel.routing)
    large = count_queries(client, f"{index.url}feed/")

    MEASURED["case story feed"] = (small, large)
    assert small == large


def test_community_page_with_prompts_queries_do_not_grow(client, community, framework, authors, member):
    client.force_login(member)
    fill(framework, community, authors, 2)
    client.get(community.url)
    small = count_queries(client, community.url)

    fill(framework, community, authors, 12)
    client.get(community.url)  # publishing recounts the member's header badge once, then it is cached
    large = count_queries(client, community.url)

    MEASURED["community page with prompts (member)"] = (small, large)
    assert small == large


def teardown_module(module):
    for name, (small, large) in MEASURED.items():
        print(f"\n[queries] {name}: {small} (small) / {large} (large)")
