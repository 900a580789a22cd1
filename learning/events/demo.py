"""Demo content for Train je Collega and meetups (called at the end of ``seed_demo``).

Idempotent: the edition is found through its intro page (slug ``DEMO_SLUG``), sessions by title
within it. Dates are relative to today, so the edition is open whenever the demo is seeded: one
session full with a waiting list, one in the past with feedback, and a meetup of the open demo
community "schuldhulp-in-de-wijk". Three organisations opt in to the benchmark.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from community.models import CommunityPage, Organisation
from home.models import HomePage

from .models import BenchmarkOptIn, Edition, Feedback, Session, SessionIndexPage, SignUp

DEMO_SLUG = "train-je-collega-editie"
MEETUP_COMMUNITY = "schuldhulp-in-de-wijk"
OPTED_IN = {"Gemeente Rivierstad": ["facilitator"], "Gemeente Dorpsveen": [], "Stichting Buurtkracht": []}

# title, host, days from today, time, duration, capacity, format, place, confirmed, waitlisted, themes
SESSIONS = [
    ("Gesprekstechnieken bij geldzorgen", "facilitator", 14, (10, 0), 90, 3, "in_person",
     "Stadskantoor Rivierstad, zaal 2.14", ["member", "lotte", "joost"], ["sanne", "outsider"],
     "schuldhulp, gespreksvoering"),
    ("Draaitabellen in Excel voor beleidsmedewerkers", "joost", 21, (13, 30), 60, 20, "online",
     "https://vergaderen.example/tjc-draaitabellen", ["member"], [], "data, excel"),
    ("Begrijpelijke taal in brieven", "sanne", 35, (9, 30), 120, 12, "hybrid",
     "Provinciehuis Middenland, Statenzaal|https://vergaderen.example/tjc-taal", ["outsider"], [], "taal, brieven"),
    ("Vroegsignalering met woningcorporaties", "facilitator", -10, (14, 0), 90, 10, "in_person",
     "Wijkcentrum De Schakel, Rivierstad", ["member", "lotte", "joost"], [], "schuldhulp, vroegsignalering"),
]
FEEDBACK = {
    "Vroegsignalering met woningcorporaties": [
        ("member", 5, "Direct toepasbaar: we bellen nu samen met de corporatie aan."),
        ("lotte", 4, "Fijne sessie; graag meer over privacy bij het delen van signalen."),
    ],
}
MEETUP = ("Stadsgesprek: schuldhulp op de markt", "lotte", 10, (16, 0), 90, 30, "in_person",
          "Marktplein Dorpsveen, bij de koffiekar", ["facilitator", "member"], [], "schuldhulp, wijk")


def _at(days: int, hour_minute: tuple[int, int]) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(*hour_minute)))


def _season(day: datetime.date) -> str:
    return "voorjaar" if day.month <= 6 else "najaar"


def seed_events_demo(stdout=None) -> None:
    users = {u.username: u for u in get_user_model().objects.select_related("profile").filter(
        username__in=["admin", "facilitator", "member", "outsider", "sanne", "joost", "lotte"])}
    home = HomePage.objects.first()
    if home is None or "facilitator" not in users:
        return
    index = SessionIndexPage.objects.filter(slug=DEMO_SLUG).first()
    edition = index.edition if index is not None else None
    today = timezone.localdate()
    if edition is None:
        edition = Edition.objects.create(
            title=f"Train je Collega, {_season(today)} {today.year}",
            starts_on=today - datetime.timedelta(days=30), ends_on=today + datetime.timedelta(days=90),
            open_for_offers=True, review_required=False,
        )
        edition.organisations.set(Organisation.objects.all())
    if index is None:
        index = home.add_child(instance=SessionIndexPage(
            title=edition.title, slug=DEMO_SLUG, edition=edition,
            intro="<p>Collega's geven collega's een sessie over wat ze goed kunnen: gratis, dichtbij en "
                  "praktisch. In de eerste editie gaven zestig collega's les aan meer dan zeshonderd "
                  "ambtenaren. Doe mee: meld je aan, of bied zelf een sessie aan.</p>",
        ))
        index.save_revision().publish()
    elif index.edition_id is None:
        index.edition = edition
        index.save_revision().publish()

    for spec in SESSIONS:
        _session(spec, users, edition=edition)
    community = CommunityPage.objects.filter(slug=MEETUP_COMMUNITY).first()
    _session(MEETUP, users, community=community, kind=Session.Kind.MEETUP)

    for org_name, contacts in OPTED_IN.items():
        organisation = Organisation.objects.filter(name=org_name).first()
        if organisation is None:
            continue
        opt_in, _created = BenchmarkOptIn.objects.get_or_create(
            organisation=organisation, defaults={"agreed_by": "Afdeling Strategie (demo)"})
        opt_in.contacts.add(*[users[name] for name in contacts if name in users])
    if stdout is not None:
        stdout.write(f"Train je Collega: {edition.title}, {Session.objects.filter(edition=edition).count()} sessies, "
                     "een bijeenkomst en drie organisaties in de benchmark.")


def _session(spec, users, *, edition=None, community=None, kind=Session.Kind.TRAINING):
    title, host, days, hour_minute, duration, capacity, fmt, place, confirmed, waitlisted, themes = spec
    existing = Session.objects.filter(title=title, kind=kind).first()
    if existing is not None:
        return existing
    location, online_url = "", ""
    if fmt == "in_person":
        location = place
    elif fmt == "online":
        online_url = place
    else:
        location, online_url = place.split("|")
    host_user = users[host]
    starts_at = _at(days, hour_minute)
    session = Session.objects.create(
        kind=kind, edition=edition, community=community, title=title,
        description=f"{title}: een praktische sessie van en voor collega's. Neem een eigen casus mee; "
                    "we oefenen in kleine groepjes en sluiten af met wat je morgen anders doet.",
        host=host_user, organisation=host_user.profile.organisation, format=fmt, location=location,
        online_url=online_url, starts_at=starts_at, duration_minutes=duration, capacity=capacity,
        themes=themes, status=Session.Status.PUBLISHED,
    )
    if days < 0:
        Session.objects.filter(pk=session.pk).update(reminder_sent_at=timezone.now(), thank_you_sent_at=timezone.now())
    position = 0
    for names, status in ((confirmed, SignUp.Status.CONFIRMED), (waitlisted, SignUp.Status.WAITLISTED)):
        for name in names:
            if name in users and name != host:
                position += 1
                SignUp.objects.create(session=session, user=users[name], status=status, position=position)
    for name, score, comment in FEEDBACK.get(title, []):
        if name in users:
            Feedback.objects.get_or_create(session=session, user=users[name],
                                           defaults={"score": score, "comment": comment})
    return session
