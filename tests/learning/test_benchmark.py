"""Benchmark figures checked against a small hand-built community with known answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community import services
from community.models import Answer, Post
from learning.benchmark import Period, community_health
from tests.community.conftest import answer, ask, join
from tests.factories import UserFactory

NOW = timezone.now()


def at(obj, *, days_ago: float, hours_later: float = 0):
    moment = NOW - timedelta(days=days_ago) + timedelta(hours=hours_later)
    if isinstance(obj, Post):
        Post.objects.filter(pk=obj.pk).update(created_at=moment)
    else:
        Answer.objects.filter(pk=obj.pk).update(submit_date=moment)


@pytest.fixture
def people(community):
    users = [UserFactory(username=name) for name in ("ans", "bram", "carla", "dirk", "eva")]
    for user in users:
        join(user, community)
    return users


@pytest.fixture
def known(community, people):
    """Four questions 10 days ago: first answers after 2, 4 and 9 hours; one unanswered.

    Two are solved. One story of each status. Ans and Bram were active this month, Dirk answered
    50 days ago only, Carla and Eva did nothing.
    """
    ans, bram, carla, dirk, eva = people
    questions = [ask(ans, community, title=f"Vraag nummer {i} over schulden") for i in range(4)]
    for q in questions:
        at(q, days_ago=10)
    for q, hours in zip(questions[:3], (2, 4, 9)):
        first = answer(bram, q, body=f"Eerste antwoord na {hours} uur")
        at(first, days_ago=10, hours_later=hours)
        later = answer(ans, q, body="Later antwoord")
        at(later, days_ago=10, hours_later=hours + 20)
    services.answer_accept(user=ans, post=questions[0], answer=Answer.objects.filter(post=questions[0]).first())
    services.answer_accept(user=ans, post=questions[1], answer=Answer.objects.filter(post=questions[1]).first())
    for status in ("lopend", "geslaagd", "gestopt"):
        story, _ = services.post_create(author=ans, community=community, kind="story", title=f"Verhaal {status} hier",
                                        story={"story_status": status, "context": "c", "tried": "t"})
        at(story, days_ago=10)
    old = ask(ans, community, title="Een oude vraag van lang geleden")
    at(old, days_ago=60)
    old_answer = answer(dirk, old, body="Oud antwoord")
    at(old_answer, days_ago=50)
    return questions


def test_figures_match_the_hand_built_community(community, known, facilitator, member):
    health = community_health(community, Period.last_days(30, now=NOW), now=NOW)
    assert health.questions == 4
    assert health.answered == 3 and health.share_answered == 0.75
    assert health.solved == 2 and health.share_solved == 0.5
    assert health.median_first_answer_hours == 4.0
    assert health.stories_by_status == {"lopend": 1, "geslaagd": 1, "gestopt": 1}
    assert health.members == 7  # five people plus the facilitator and member fixtures
    assert health.active_members == 2  # ans and bram
    assert health.top_contributors[0]["user__username"] in {"ans", "bram"}


def test_weekly_trend_has_twelve_weeks_ending_now(community, known):
    health = community_health(community, Period.last_days(30, now=NOW), now=NOW)
    assert len(health.weekly) == 12
    assert sum(w["questions"] for w in health.weekly) == 5  # the 60-day-old question is within 12 weeks
    assert sum(w["answers"] for w in health.weekly) == 7


def test_hidden_posts_do_not_count(community, known, facilitator):
    services.post_set_hidden(moderator=facilitator, post=known[3], hidden=True, reason="Dubbel")
    health = community_health(community, Period.last_days(30, now=NOW), now=NOW)
    assert health.questions == 3


def _queries(community):
    with CaptureQueriesContext(connection) as ctx:
        community_health(community, Period.last_days(30, now=NOW), now=NOW)
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_data(community, people):
    ask(people[0], community, title="Een eerste vraag voor de meting")
    small = _queries(community)
    for i in range(40):
        q = ask(people[i % 5], community, title=f"Nog een vraag nummer {i} voor de meting")
        answer(people[(i + 1) % 5], q, body=f"Antwoord {i}")
    assert _queries(community) == small
