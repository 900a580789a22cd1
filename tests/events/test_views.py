"""The session pages: offering (with Dutch errors at the fields), review, the host's side, meetups."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from community.models import Membership
from learning.events import services
from learning.events.models import Session
from tests.events.conftest import in_days
from tests.factories import MembershipFactory, UserFactory

OFFER = {
    "title": "Draaitabellen voor beleidsmensen", "description": "Van ruwe cijfers naar inzicht.",
    "format": "online", "online_url": "https://vergaderen.example/tjc", "location": "",
    "duration_minutes": "60", "capacity": "12", "audience": "all", "themes": "data, excel, data",
    "co_hosts": "",
}


def _offer(edition, **changes):
    data = {**OFFER, "date": in_days(20).date().isoformat(), "start_time": "13:30", **changes}
    return data


def test_signed_in_colleague_offers_a_session_that_goes_online(client, edition, colleagues):
    client.force_login(colleagues[0])
    response = client.post(f"/train-je-collega/edities/{edition.pk}/aanbieden/", _offer(edition))
    session = Session.objects.get(title=OFFER["title"])
    assert response.status_code == 302 and response["Location"] == f"/train-je-collega/sessies/{session.pk}/"
    assert session.status == "published" and session.host == colleagues[0]
    assert session.organisation == colleagues[0].profile.organisation
    assert session.themes == "data, excel" and session.location == ""


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"format": "in_person"}, "location", "Vul de locatie in"),
        ({"format": "hybrid", "location": "Zaal 1", "online_url": ""}, "online_url", "Vul de link naar de online sessie in"),
        ({"date": "2020-01-01"}, "date", "in de toekomst"),
        ({"date": "not-a-date"}, "date", "Vul een geldige datum in."),
        ({"capacity": "0"}, "capacity", "minstens 1 plaats"),
        ({"title": ""}, "title", "Vul dit veld in."),
        ({"co_hosts": "bestaat-niet"}, "co_hosts", "Deze gebruikersnaam kennen we niet"),
    ],
)
def test_offer_errors_are_dutch_and_tied_to_their_field(client, edition, colleagues, changes, field, message):
    client.force_login(colleagues[0])
    response = client.post(f"/train-je-collega/edities/{edition.pk}/aanbieden/", _offer(edition, **changes))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in html and message in html
    assert f'aria-describedby="id_{field}_helptext id_{field}_error"' in html or f'aria-describedby="id_{field}_error"' in html
    assert not Session.objects.filter(title=OFFER["title"]).exists()


def test_date_outside_the_edition_is_refused(client, edition, colleagues):
    client.force_login(colleagues[0])
    response = client.post(f"/train-je-collega/edities/{edition.pk}/aanbieden/", _offer(edition, date=in_days(200).date().isoformat()))
    assert "Kies een datum binnen de editie" in response.content.decode()


def test_closed_edition_and_anonymous_cannot_offer(client, edition, colleagues):
    assert client.get(f"/train-je-collega/edities/{edition.pk}/aanbieden/").status_code == 302  # to login
    edition.open_for_offers = False
    edition.save()
    client.force_login(colleagues[0])
    assert client.get(f"/train-je-collega/edities/{edition.pk}/aanbieden/").status_code == 404


def test_edition_with_review_keeps_offers_hidden_until_an_editor_publishes(
    client, edition, colleagues, django_capture_on_commit_callbacks
):
    edition.review_required = True
    edition.save()
    editor = UserFactory(username="redacteur")
    editor.user_permissions.add(Permission.objects.get(codename="change_session", content_type__app_label="events"))
    client.force_login(colleagues[0])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/train-je-collega/edities/{edition.pk}/aanbieden/", _offer(edition))
    session = Session.objects.get(title=OFFER["title"])
    assert session.status == "proposed"
    assert client.get(session.get_absolute_url()).status_code == 200  # the host sees it
    client.force_login(colleagues[1])
    assert client.get(session.get_absolute_url()).status_code == 404
    assert OFFER["title"] not in client.get("/train-je-collega/").content.decode()
    client.force_login(editor)
    assert OFFER["title"] in client.get("/train-je-collega/beoordelen/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/train-je-collega/beoordelen/", {"sessie": session.pk, "besluit": "goedkeuren", "note": ""})
    session.refresh_from_db()
    assert session.status == "published"
    assert any(m.to == [colleagues[0].email] and "staat online" in m.subject for m in mail.outbox)
    client.force_login(colleagues[1])
    assert client.get("/train-je-collega/beoordelen/").status_code == 404


def test_sign_up_and_cancel_through_the_session_page(client, session, colleagues):
    client.force_login(colleagues[0])
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Meld je aan" in page and "Nog 2 plaatsen vrij." in page
    client.post(f"/train-je-collega/sessies/{session.pk}/aanmelden/")
    assert "Je bent aangemeld." in client.get(session.get_absolute_url()).content.decode()
    client.post(f"/train-je-collega/sessies/{session.pk}/afmelden/")
    assert not session.signups.exclude(status="cancelled").exists()


def test_full_session_offers_the_waiting_list(client, session, colleagues):
    for user in colleagues[:2]:
        services.signup_create(user=user, session=session)
    client.force_login(colleagues[2])
    assert "Zet me op de wachtlijst" in client.get(session.get_absolute_url()).content.decode()
    client.post(f"/train-je-collega/sessies/{session.pk}/aanmelden/")
    assert "Je staat op de wachtlijst (plaats 1)." in client.get(session.get_absolute_url()).content.decode()


def test_sign_up_needs_post_and_login(client, session):
    assert client.get(f"/train-je-collega/sessies/{session.pk}/aanmelden/").status_code == 405
    assert client.post(f"/train-je-collega/sessies/{session.pk}/aanmelden/").status_code == 302
    assert not session.signups.exists()


def test_host_sees_participants_exports_csv_and_messages_them(
    client, session, colleagues, host, django_capture_on_commit_callbacks
):
    colleagues[0].profile.display_name = "=HYPERLINK(\"x\")"
    colleagues[0].profile.save()
    for user in colleagues[:3]:
        services.signup_create(user=user, session=session)
    client.force_login(host)
    page = client.get(f"/train-je-collega/sessies/{session.pk}/deelnemers/").content.decode()
    assert colleagues[1].email in page and "Op de wachtlijst" in page
    response = client.get(f"/train-je-collega/sessies/{session.pk}/deelnemers.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["naam", "organisatie", "e-mailadres", "status"]
    assert [r[3] for r in rows[1:]] == ["Aangemeld", "Aangemeld", "Op de wachtlijst"]
    assert rows[1][0].startswith("'=")  # no formula injection
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/train-je-collega/sessies/{session.pk}/bericht/",
                               {"subject": "Neem je laptop mee", "body": "We oefenen in Excel."})
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in colleagues[:2])
    assert "We oefenen in Excel." in mail.outbox[0].body


@pytest.mark.parametrize("path", ["deelnemers/", "deelnemers.csv", "bericht/", "annuleren/"])
def test_hosts_pages_are_404_for_participants(client, session, colleagues, path):
    services.signup_create(user=colleagues[0], session=session)
    client.force_login(colleagues[0])
    assert client.get(f"/train-je-collega/sessies/{session.pk}/{path}").status_code == 404


def test_meetup_shows_on_its_community_page(client, community, member, make_session):
    make_session(kind=Session.Kind.MEETUP, community=community, title="Stadsgesprek op de markt", capacity=30)
    assert "Stadsgesprek op de markt" in client.get(community.url).content.decode()


def test_meetup_of_a_private_community_stays_hidden_from_outsiders(client, community_factory, make_session, outsider):
    private = community_factory(title="Geheime kring", private=True)
    insider = UserFactory(username="insider")
    MembershipFactory(user=insider, community=private, role=Membership.Role.MEMBER)
    meetup = make_session(kind=Session.Kind.MEETUP, community=private, title="Besloten bijeenkomst", capacity=30)
    for user in (None, outsider):
        if user:
            client.force_login(user)
        assert client.get(meetup.get_absolute_url()).status_code == 404
        assert client.get(f"/train-je-collega/sessies/{meetup.pk}/agenda.ics").status_code == 404
        assert "Besloten bijeenkomst" not in client.get("/train-je-collega/").content.decode()
    client.force_login(insider)
    assert client.get(meetup.get_absolute_url()).status_code == 200
    assert "Besloten bijeenkomst" in client.get(private.url).content.decode()


def test_member_organises_a_meetup_for_their_community(client, community, member):
    client.force_login(member)
    data = {**_offer(None, format="in_person", location="Buurthuis De Linde"), "community": community.pk}
    response = client.post("/train-je-collega/bijeenkomst-organiseren/", data)
    meetup = Session.objects.get(title=OFFER["title"])
    assert response.status_code == 302 and meetup.kind == "meetup" and meetup.community == community


def test_session_index_page_lists_its_edition(client, home_page, edition, session):
    from learning.events.models import SessionIndexPage

    index = home_page.add_child(instance=SessionIndexPage(title=edition.title, slug="tjc-voorjaar", edition=edition,
                                                          intro="<p>Welkom</p>"))
    index.save_revision().publish()
    html = client.get("/tjc-voorjaar/").content.decode()
    assert session.title in html and "Welkom" in html
