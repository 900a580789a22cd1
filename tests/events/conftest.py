"""Fixtures for the Train je Collega tests: an open edition, people at organisations, a session maker."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from learning.events.models import Edition, Session
from tests.factories import OrganisationFactory, UserFactory


def in_days(days: float, hour: int = 10, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def org_a(db):
    return OrganisationFactory(name="Gemeente Rivierstad")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(name="Gemeente Dorpsveen")


@pytest.fixture
def edition(org_a, org_b):
    today = timezone.localdate()
    edition = Edition.objects.create(title="Train je Collega, voorjaar 2027", starts_on=today - datetime.timedelta(days=10),
                                     ends_on=today + datetime.timedelta(days=90))
    edition.organisations.set([org_a, org_b])
    return edition


@pytest.fixture
def host(org_a):
    return UserFactory(username="gastvrouw", profile__organisation=org_a, profile__display_name="Gerda Gastvrouw")


@pytest.fixture
def colleagues(org_a, org_b):
    """Five colleagues: three at org_a, two at org_b."""
    return [UserFactory(username=f"collega{i}", profile__organisation=org_a if i < 3 else org_b) for i in range(5)]


@pytest.fixture
def make_session(edition, host):
    def make(**kwargs):
        defaults = dict(
            kind=Session.Kind.TRAINING, edition=edition, title="Gesprekstechnieken bij geldzorgen",
            description="Oefenen met echte casussen.", host=host, organisation=host.profile.organisation,
            format=Session.Format.IN_PERSON, location="Stadskantoor, zaal 2", starts_at=in_days(14),
            duration_minutes=90, capacity=2, status=Session.Status.PUBLISHED,
        )
        defaults.update(kwargs)
        if defaults["kind"] == Session.Kind.MEETUP:
            defaults.setdefault("edition", None)
        return Session.objects.create(**defaults)

    return make


@pytest.fixture
def session(make_session):
    return make_session()
