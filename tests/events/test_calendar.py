"""iCalendar output: parses with the icalendar library, and keeps wall-clock times across DST changes."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from learning.events import services
from learning.events.models import CalendarToken

AMS = ZoneInfo("Europe/Amsterdam")
UTC = ZoneInfo("UTC")


def _events(body: bytes):
    cal = Calendar.from_ical(body)
    return cal, list(cal.walk("VEVENT"))


@pytest.mark.parametrize(
    ("local", "utc_hour"),
    [
        (datetime.datetime(2027, 3, 27, 10, 0), 9),  # Saturday: winter time, UTC+1
        (datetime.datetime(2027, 3, 28, 10, 0), 8),  # the Sunday the clocks go forward: UTC+2
        (datetime.datetime(2027, 10, 31, 10, 0), 9),  # the Sunday they go back: UTC+1 again
    ],
)
def test_session_ics_keeps_amsterdam_time_across_dst(client, make_session, local, utc_hour):
    session = make_session(starts_at=local.replace(tzinfo=AMS), duration_minutes=90)
    response = client.get(f"/train-je-collega/sessies/{session.pk}/agenda.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal, (event,) = _events(response.content)
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert (start.hour, start.minute) == (10, 0)
    assert start.astimezone(UTC).hour == utc_hour
    assert end - start == datetime.timedelta(minutes=90)
    assert str(event["summary"]) == session.title
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    assert event["dtstart"].params["TZID"] == "Europe/Amsterdam"


def test_a_session_through_the_night_of_the_change_ends_at_the_right_moment(client, make_session):
    # 01:30 to 03:30 real time on 28 March 2027: the clock jumps 02:00 -> 03:00, so it ends at 04:30.
    start = datetime.datetime(2027, 3, 28, 1, 30, tzinfo=AMS)
    session = make_session(starts_at=start, duration_minutes=120)
    _cal, (event,) = _events(client.get(f"/train-je-collega/sessies/{session.pk}/agenda.ics").content)
    assert event.decoded("dtend").astimezone(AMS).hour == 4
    assert event.decoded("dtend").astimezone(UTC) - event.decoded("dtstart").astimezone(UTC) == datetime.timedelta(hours=2)


def test_personal_feed_lists_seats_and_hosted_sessions_with_a_secret_token(client, make_session, colleagues, host):
    mine = make_session(title="Sessie met een plaats", capacity=5)
    make_session(title="Sessie zonder mij", capacity=5)
    services.signup_create(user=colleagues[0], session=mine)
    token = services.calendar_token_create(user=colleagues[0])
    stored = CalendarToken.objects.get(user=colleagues[0])
    assert token not in stored.token_hash and len(stored.token_hash) == 64
    _cal, events = _events(client.get(f"/train-je-collega/agenda/{token}.ics").content)
    assert [str(e["summary"]) for e in events] == ["Sessie met een plaats"]
    host_token = services.calendar_token_create(user=host)
    _cal, events = _events(client.get(f"/train-je-collega/agenda/{host_token}.ics").content)
    assert sorted(str(e["summary"]) for e in events) == ["Sessie met een plaats", "Sessie zonder mij"]


def test_a_new_token_revokes_the_old_one_and_wrong_tokens_get_404(client, colleagues):
    old = services.calendar_token_create(user=colleagues[0])
    new = services.calendar_token_create(user=colleagues[0])
    assert client.get(f"/train-je-collega/agenda/{old}.ics").status_code == 404
    assert client.get(f"/train-je-collega/agenda/{new}.ics").status_code == 200
    assert client.get("/train-je-collega/agenda/raden-lukt-niet.ics").status_code == 404


def test_agenda_page_shows_the_feed_address_once(client, colleagues):
    client.force_login(colleagues[0])
    response = client.post("/train-je-collega/mijn-agenda/")
    assert b"/train-je-collega/agenda/" in response.content
    assert b"/train-je-collega/agenda/" not in client.get("/train-je-collega/mijn-agenda/").content
