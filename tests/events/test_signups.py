"""Sign-up, waiting list and cancellation through the services (capacity, order, e-mail on commit)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from learning.events import services
from learning.events.models import Session, SignUp
from tests.events.conftest import in_days
from tests.factories import UserFactory


def test_first_people_get_seats_then_the_waiting_list(session, colleagues):
    statuses = [services.signup_create(user=u, session=session).status for u in colleagues[:4]]
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert list(session.signups.order_by("position").values_list("position", flat=True)) == [1, 2, 3, 4]


def test_signing_up_twice_gives_back_the_first_sign_up(session, colleagues):
    first = services.signup_create(user=colleagues[0], session=session)
    again = services.signup_create(user=colleagues[0], session=session)
    assert again.pk == first.pk
    assert session.signups.count() == 1


def test_database_refuses_a_second_active_sign_up(session, colleagues):
    SignUp.objects.create(session=session, user=colleagues[0], status="confirmed", position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        SignUp.objects.create(session=session, user=colleagues[0], status="waitlisted", position=2)


def test_cancelled_sign_up_does_not_block_signing_up_again(session, colleagues):
    services.signup_create(user=colleagues[0], session=session)
    services.signup_cancel(user=colleagues[0], session=session)
    again = services.signup_create(user=colleagues[0], session=session)
    assert again.status == "confirmed" and again.position == 2


def test_cancellation_promotes_the_first_on_the_waiting_list_and_tells_them(
    session, colleagues, django_capture_on_commit_callbacks
):
    for user in colleagues[:4]:
        services.signup_create(user=user, session=session)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = services.signup_cancel(user=colleagues[0], session=session)
    assert result.promoted.user == colleagues[2]
    assert SignUp.objects.get(pk=result.promoted.pk).status == "confirmed"
    assert SignUp.objects.get(session=session, user=colleagues[3]).status == "waitlisted"
    assert [m.to for m in mail.outbox] == [[colleagues[2].email]]
    assert "plaats vrij" in mail.outbox[0].subject


def test_leaving_the_waiting_list_promotes_nobody(session, colleagues):
    for user in colleagues[:3]:
        services.signup_create(user=user, session=session)
    result = services.signup_cancel(user=colleagues[2], session=session)
    assert result.promoted is None
    assert session.signups.filter(status="confirmed").count() == 2


def test_confirmation_mail_is_sent_only_after_commit(session, colleagues, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.signup_create(user=colleagues[0], session=session)
    assert mail.outbox == []
    for callback in callbacks:  # the commit (other callbacks may be waiting too, e.g. the page cache's)
        callback()
    assert len(mail.outbox) == 1


def test_host_cannot_sign_up_for_own_session(session, host):
    with pytest.raises(PermissionDenied):
        services.signup_create(user=host, session=session)


def test_own_organisation_audience_refuses_other_organisations(make_session, colleagues):
    session = make_session(audience=Session.Audience.OWN)
    assert services.signup_create(user=colleagues[0], session=session).status == "confirmed"  # org_a, like the host
    with pytest.raises(PermissionDenied):
        services.signup_create(user=colleagues[4], session=session)  # org_b


def test_organisation_outside_the_edition_cannot_sign_up(session):
    stranger = UserFactory(username="vreemde")  # no organisation
    with pytest.raises(PermissionDenied):
        services.signup_create(user=stranger, session=session)


def test_meetup_has_open_registration(make_session):
    meetup = make_session(kind=Session.Kind.MEETUP, capacity=30)
    stranger = UserFactory(username="vreemde")
    assert services.signup_create(user=stranger, session=meetup).status == "confirmed"


def test_no_sign_up_after_the_start_or_for_a_cancelled_session(make_session, colleagues):
    past = make_session(starts_at=in_days(-1))
    cancelled = make_session(status=Session.Status.CANCELLED)
    for target in (past, cancelled):
        with pytest.raises(PermissionDenied):
            services.signup_create(user=colleagues[0], session=target)


def test_host_cancelling_the_session_tells_everyone(session, colleagues, host, django_capture_on_commit_callbacks):
    for user in colleagues[:3]:
        services.signup_create(user=user, session=session)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(user=host, session=session, note="De trainer is ziek.")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in colleagues[:3])
    assert "De trainer is ziek." in mail.outbox[0].body
