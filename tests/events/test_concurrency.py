"""Many people clicking the last seats at the same moment (PostgreSQL, threads, real commits).

Each thread has its own database connection; a barrier releases them together. SQLite serialises
writers and proves nothing here, so these run only in the PostgreSQL pass of scripts/test.
"""

from __future__ import annotations

import pytest
from django.db import connection

from learning.events import services
from learning.events.models import Session, SignUp
from tests.concurrency.threads import run_together
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

N = 16
CAPACITY = 5


@pytest.fixture
def crowd(org_a):
    return [UserFactory(username=f"deelnemer{i}", profile__organisation=org_a) for i in range(N)]


def _sign_up(user, session_id):
    return lambda: services.signup_create(user=user, session=Session.objects.get(pk=session_id))


def _cancel(user, session_id):
    return lambda: services.signup_cancel(user=user, session=Session.objects.get(pk=session_id))


def test_simultaneous_sign_ups_never_exceed_capacity_and_lose_nobody(make_session, crowd):
    assert connection.vendor == "postgresql"
    session = make_session(capacity=CAPACITY)
    assert run_together([_sign_up(user, session.pk) for user in crowd]) == []
    rows = SignUp.objects.filter(session=session)
    assert rows.count() == N  # no sign-up lost
    assert rows.filter(status="confirmed").count() == CAPACITY
    assert rows.filter(status="waitlisted").count() == N - CAPACITY
    assert sorted(rows.values_list("position", flat=True)) == list(range(1, N + 1))
    # The seats went to the first to arrive; the queue is in order of arrival.
    assert set(rows.filter(status="confirmed").values_list("position", flat=True)) == set(range(1, CAPACITY + 1))
    by_position = list(rows.order_by("position").values_list("pk", flat=True))
    assert by_position == list(rows.order_by("created_at", "pk").values_list("pk", flat=True))


def test_simultaneous_cancellations_promote_the_waiting_list_in_order(make_session, crowd):
    session = make_session(capacity=CAPACITY)
    for user in crowd[: CAPACITY * 2]:
        services.signup_create(user=user, session=session)
    waiting = list(SignUp.objects.filter(session=session, status="waitlisted").order_by("position")
                   .values_list("user_id", flat=True))
    seated = [u for u in crowd[: CAPACITY * 2] if u.pk not in waiting]
    # Three seat-holders cancel while three newcomers sign up, all at once.
    jobs = [_cancel(user, session.pk) for user in seated[:3]] + [_sign_up(u, session.pk) for u in crowd[-3:]]
    assert run_together(jobs) == []
    confirmed = set(SignUp.objects.filter(session=session, status="confirmed").values_list("user_id", flat=True))
    assert len(confirmed) == CAPACITY
    assert set(waiting[:3]) <= confirmed  # the first three in the queue got the free seats
    assert not confirmed & {u.pk for u in crowd[-3:]}  # newcomers queue behind them


def test_one_person_clicking_many_times_at_once_gets_one_sign_up(make_session, crowd):
    session = make_session(capacity=CAPACITY)
    assert run_together([_sign_up(crowd[0], session.pk) for _ in range(8)]) == []
    assert SignUp.objects.filter(session=session, user=crowd[0]).count() == 1
