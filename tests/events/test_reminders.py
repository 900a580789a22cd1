"""Reminders the day before, thank-yous with the feedback question after; the host reads the feedback."""

from __future__ import annotations

import datetime

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from learning.events import services
from learning.events.models import Feedback, SignUp
from tests.events.conftest import in_days


def _seat(session, user, status="confirmed", position=None):
    return SignUp.objects.create(session=session, user=user, status=status,
                                 position=position or session.signups.count() + 1)


def test_command_reminds_confirmed_participants_of_tomorrows_sessions_once(
    make_session, colleagues, django_capture_on_commit_callbacks
):
    tomorrow = make_session(title="Morgen is het zover", starts_at=in_days(1, 10))
    later = make_session(title="Volgende week", starts_at=in_days(7, 10))
    _seat(tomorrow, colleagues[0])
    _seat(tomorrow, colleagues[1], status="waitlisted")
    _seat(later, colleagues[2])
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_session_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    reminders = [m for m in mail.outbox if m.subject.startswith("Morgen")]
    assert [m.to for m in reminders] == [[colleagues[0].email]]
    assert "Stadskantoor, zaal 2" in reminders[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_session_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert mail.outbox == []


def test_thank_you_after_the_session_links_to_the_feedback_form(make_session, colleagues,
                                                                django_capture_on_commit_callbacks):
    ended = make_session(starts_at=timezone.now() - datetime.timedelta(hours=3), duration_minutes=60)
    running = make_session(starts_at=timezone.now() - datetime.timedelta(minutes=30), duration_minutes=90)
    _seat(ended, colleagues[0])
    _seat(running, colleagues[1])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.thank_yous_send_due() == 1
    (message,) = mail.outbox
    assert message.to == [colleagues[0].email]
    assert f"/train-je-collega/sessies/{ended.pk}/feedback/" in message.body


def test_participant_gives_feedback_and_the_host_sees_it(client, make_session, colleagues, host):
    ended = make_session(starts_at=timezone.now() - datetime.timedelta(days=1))
    _seat(ended, colleagues[0])
    client.force_login(colleagues[0])
    response = client.post(f"/train-je-collega/sessies/{ended.pk}/feedback/", {"score": "4", "comment": "Meteen bruikbaar"})
    assert response.status_code == 302
    assert Feedback.objects.get(session=ended).score == 4
    client.force_login(host)
    page = client.get(f"/train-je-collega/sessies/{ended.pk}/deelnemers/").content.decode()
    assert "Meteen bruikbaar" in page and "gemiddeld een 4" in page


def test_feedback_form_is_only_for_participants_after_the_session(client, make_session, colleagues):
    ended = make_session(starts_at=timezone.now() - datetime.timedelta(days=1))
    upcoming = make_session()
    _seat(upcoming, colleagues[0])
    client.force_login(colleagues[0])
    assert client.get(f"/train-je-collega/sessies/{ended.pk}/feedback/").status_code == 404  # not there
    assert client.get(f"/train-je-collega/sessies/{upcoming.pk}/feedback/").status_code == 404  # not yet


def test_feedback_without_a_score_shows_a_dutch_error_at_the_field(client, make_session, colleagues):
    ended = make_session(starts_at=timezone.now() - datetime.timedelta(days=1))
    _seat(ended, colleagues[0])
    client.force_login(colleagues[0])
    response = client.post(f"/train-je-collega/sessies/{ended.pk}/feedback/", {"comment": "Goed"})
    assert response.status_code == 200
    assert 'id="id_score_error"' in response.content.decode()
    assert "Kies een cijfer van 1 tot en met 5." in response.content.decode()
