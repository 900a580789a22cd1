"""A host changes an upcoming session: participants hear of a new time or place, seats follow the capacity."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from learning.events import services
from learning.events.models import Session, SignUp
from tests.events.conftest import in_days


def form_data(session, **changes) -> dict:
    local = timezone.localtime(session.starts_at)
    data = {
        "title": session.title, "description": session.description, "format": session.format,
        "location": session.location, "online_url": session.online_url, "date": local.strftime("%Y-%m-%d"),
        "start_time": local.strftime("%H:%M"), "duration_minutes": str(session.duration_minutes),
        "capacity": str(session.capacity), "audience": session.audience, "themes": session.themes, "co_hosts": "",
    }
    data.update(changes)
    return data


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_the_host_sees_the_form_filled_in_and_the_link_on_the_session_page(session, host):
    client = client_for(host)
    assert "Sessie wijzigen" in client.get(session.get_absolute_url()).content.decode()

    page = client.get(f"/train-je-collega/sessies/{session.pk}/wijzigen/").content.decode()

    assert 'value="Gesprekstechnieken bij geldzorgen"' in page
    assert 'value="Stadskantoor, zaal 2"' in page


def test_others_cannot_edit_a_session(session, colleagues):
    services.signup_create(user=colleagues[0], session=session)
    client = client_for(colleagues[0])

    assert "Sessie wijzigen" not in client.get(session.get_absolute_url()).content.decode()
    assert client.get(f"/train-je-collega/sessies/{session.pk}/wijzigen/").status_code == 404
    response = client.post(f"/train-je-collega/sessies/{session.pk}/wijzigen/", form_data(session, title="Gekaapt!"))
    assert response.status_code == 404
    assert Session.objects.get(pk=session.pk).title == "Gesprekstechnieken bij geldzorgen"


def test_a_new_time_reaches_everyone_signed_up_including_the_waiting_list(session, host, colleagues, committed):
    for user in colleagues[:3]:  # two seats, one on the waiting list
        services.signup_create(user=user, session=session)
    Session.objects.filter(pk=session.pk).update(reminder_sent_at=timezone.now())
    mail.outbox.clear()
    later = in_days(15, hour=14)

    with committed():
        response = client_for(host).post(f"/train-je-collega/sessies/{session.pk}/wijzigen/", form_data(
            session, date=later.strftime("%Y-%m-%d"), start_time="14:00"))

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.starts_at == later
    assert session.reminder_sent_at is None  # the reminder goes again, for the new date
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in colleagues[:3])
    assert all("Gewijzigd: Gesprekstechnieken bij geldzorgen" == m.subject for m in mail.outbox)
    assert "14:00" in mail.outbox[0].body


def test_a_new_description_alone_sends_no_email(session, host, colleagues, committed):
    services.signup_create(user=colleagues[0], session=session)
    mail.outbox.clear()

    with committed():
        client_for(host).post(f"/train-je-collega/sessies/{session.pk}/wijzigen/",
                              form_data(session, description="Neem een eigen casus mee."))

    assert Session.objects.get(pk=session.pk).description == "Neem een eigen casus mee."
    assert mail.outbox == []


def test_more_seats_promote_the_waiting_list(session, host, colleagues, committed):
    for user in colleagues[:4]:
        services.signup_create(user=user, session=session)

    with committed():
        client_for(host).post(f"/train-je-collega/sessies/{session.pk}/wijzigen/", form_data(session, capacity="3"))

    statuses = dict(SignUp.objects.filter(session=session).values_list("user__username", "status"))
    assert statuses == {"collega0": "confirmed", "collega1": "confirmed", "collega2": "confirmed",
                        "collega3": "waitlisted"}


def test_fewer_seats_than_taken_is_refused_at_the_field_and_keeps_what_was_typed(session, host, colleagues):
    for user in colleagues[:2]:
        services.signup_create(user=user, session=session)

    response = client_for(host).post(f"/train-je-collega/sessies/{session.pk}/wijzigen/",
                                     form_data(session, capacity="1", title="Een nieuwe titel die blijft staan"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Er zijn al 2 deelnemers aangemeld: kies minstens 2 plaatsen." in page
    assert 'aria-invalid="true"' in page
    assert 'value="Een nieuwe titel die blijft staan"' in page
    assert Session.objects.get(pk=session.pk).capacity == 2


def test_a_session_in_the_past_cannot_be_moved_there(session, host):
    response = client_for(host).post(f"/train-je-collega/sessies/{session.pk}/wijzigen/",
                                     form_data(session, date=in_days(-2).strftime("%Y-%m-%d")))

    assert "Kies een datum en tijd in de toekomst." in response.content.decode()


def test_a_cancelled_or_started_session_cannot_be_edited(make_session, host):
    cancelled = make_session(status=Session.Status.CANCELLED)
    started = make_session(starts_at=timezone.now() - timezone.timedelta(minutes=5))
    client = client_for(host)

    for session in (cancelled, started):
        response = client.post(f"/train-je-collega/sessies/{session.pk}/wijzigen/",
                               form_data(session, title="Toch nog anders"))
        assert response.status_code == 302
        assert Session.objects.get(pk=session.pk).title != "Toch nog anders"


def test_a_meetup_is_edited_without_an_audience_choice(make_session, host):
    meetup = make_session(kind=Session.Kind.MEETUP, title="Stadsgesprek in de bibliotheek")
    client = client_for(host)
    page = client.get(f"/train-je-collega/sessies/{meetup.pk}/wijzigen/").content.decode()
    assert 'name="audience"' not in page

    data = form_data(meetup, location="Bibliotheek, leeszaal")
    del data["audience"]
    client.post(f"/train-je-collega/sessies/{meetup.pk}/wijzigen/", data)

    assert Session.objects.get(pk=meetup.pk).location == "Bibliotheek, leeszaal"


def test_calendars_get_a_higher_sequence_after_a_move_or_a_cancellation(session, host):
    from icalendar import Calendar

    def sequence() -> int:
        ics = client_for(host).get(f"/train-je-collega/sessies/{session.pk}/agenda.ics").content
        return int(Calendar.from_ical(ics).walk("VEVENT")[0]["SEQUENCE"])

    assert sequence() == 0
    services.session_update(user=host, session=session, data={"location": "Stadskantoor, zaal 5"})
    assert sequence() == 1
    services.session_update(user=host, session=session, data={"description": "Alleen de tekst"})
    assert sequence() == 1
    services.session_cancel(user=host, session=session)
    assert sequence() == 2
