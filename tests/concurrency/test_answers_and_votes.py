"""Twenty members answering and voting on one question at the same moment (PostgreSQL, threads).

Kept apart from the other tests (as pretix does): real threads with their own connections, real
commits, so it needs a server database; SQLite serialises writers and proves nothing here.
"""

from __future__ import annotations

import pytest
from django.db import connection

from community import services
from community.models import Answer, HelpfulVote, Post
from tests.community.conftest import answer, ask, join
from tests.concurrency.threads import run_together
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

N = 20


@pytest.fixture
def crowd(community):
    people = [UserFactory(username=f"lid{i}") for i in range(N)]
    for person in people:
        join(person, community)
    return people


def test_twenty_members_answer_and_vote_at_once(community, crowd, facilitator):
    assert connection.vendor == "postgresql"
    post = ask(facilitator, community)
    target = answer(facilitator, post, body="Het eerste antwoord")

    def member_job(user, i):
        def job():
            services.answer_create(author=user, post=post, body=f"Antwoord van lid {i}")
            services.answer_vote(user=user, answer=Answer.objects.get(pk=target.pk), post=post)

        return job

    errors = run_together([member_job(user, i) for i, user in enumerate(crowd)])
    assert errors == []
    post.refresh_from_db()
    assert post.answer_count == N + 1
    assert Answer.objects.filter(post=post).count() == N + 1
    assert sorted(Answer.objects.filter(post=post).exclude(pk=target.pk).values_list("comment", flat=True)) == sorted(
        f"Antwoord van lid {i}" for i in range(N)
    )
    assert HelpfulVote.objects.filter(answer=target).count() == N
    assert Answer.objects.get(pk=target.pk).helpful_count == N


def test_same_question_submitted_twice_at_once_is_stored_once(community, crowd):
    author = crowd[0]

    def job():
        services.post_create(author=author, community=community, kind="question",
                             title="Dubbel verstuurde vraag over schuldhulp", body="Zelfde tekst")

    errors = run_together([job for _ in range(5)])
    assert errors == []
    assert Post.objects.filter(author=author).count() == 1


def test_vote_toggled_concurrently_keeps_counter_exact(community, crowd, facilitator):
    post = ask(facilitator, community)
    target = answer(facilitator, post)
    voter = crowd[1]

    def job():
        services.answer_vote(user=voter, answer=Answer.objects.get(pk=target.pk), post=post)

    errors = run_together([job for _ in range(6)])
    assert errors == []
    votes = HelpfulVote.objects.filter(answer=target).count()
    assert Answer.objects.get(pk=target.pk).helpful_count == votes
