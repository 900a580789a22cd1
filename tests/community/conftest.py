"""Fixtures for the community tests: posts and answers made through the real services."""

from __future__ import annotations

import pytest

from community import policies, services
from community.models import Membership, Post
from tests.factories import CommunityPageFactory, MembershipFactory, SuperuserFactory, UserFactory


def join(user, community, *, role=Membership.Role.MEMBER):
    membership = MembershipFactory(user=user, community=community, role=role)
    policies.forget_memberships(user)
    return membership


def ask(author, community, title="Hoe bereiken jullie inwoners met geldzorgen?", body="Graag tips.", **kwargs):
    post, _created = services.post_create(
        author=author, community=community, kind=Post.Kind.QUESTION, title=title, body=body, **kwargs
    )
    return post


def answer(author, post, body="Bel gewoon aan met een kop koffie.", parent=None):
    result, _created = services.answer_create(author=author, post=post, body=body, parent=parent)
    return result


@pytest.fixture
def make_post():
    return ask


@pytest.fixture
def make_answer():
    return answer


class World:
    """Three communities (open, closed, private) with the five kinds of visitor of the access matrix.

    Each community has one question by ``member`` containing a marker text, and one answer by its
    facilitator. ``member`` belongs to all three; ``other_facilitator`` facilitates a fourth.
    """

    def __init__(self, index):
        self.member = UserFactory(username="member")
        self.outsider = UserFactory(username="outsider")
        self.pending = UserFactory(username="pending")  # asked to join, not yet approved
        self.declined = UserFactory(username="declined")  # asked to join, declined
        self.staff = SuperuserFactory(username="admin")
        other = CommunityPageFactory(parent=index, title="Andere gemeenschap")
        self.other_facilitator = UserFactory(username="otherfac")
        join(self.other_facilitator, other, role=Membership.Role.FACILITATOR)
        self.communities = {}
        self.posts = {}
        self.answers = {}
        self.markers = {}
        for visibility in ("open", "closed", "private"):
            marker = f"MARKER-{visibility.upper()}-XYZ"
            # Only a private community's very name is a secret.
            title = f"Gemeenschap {visibility}" + (f" {marker}" if visibility == "private" else "")
            community = CommunityPageFactory(parent=index, title=title, visibility=visibility)
            facilitator = UserFactory(username=f"fac_{visibility}")
            join(facilitator, community, role=Membership.Role.FACILITATOR)
            join(self.member, community)
            MembershipFactory(user=self.pending, community=community, pending=True)
            MembershipFactory(user=self.declined, community=community, declined=True)
            post = ask(self.member, community, title=f"Vraag {marker} over schuldhulp")
            self.communities[visibility] = community
            self.posts[visibility] = post
            self.answers[visibility] = answer(facilitator, post, body=f"Antwoord {marker}")
            self.markers[visibility] = marker

    def user(self, role):
        return {
            "anonymous": None,
            "outsider": self.outsider,
            "member": self.member,
            "pending": self.pending,
            "declined": self.declined,
            "other_facilitator": self.other_facilitator,
            "staff": self.staff,
        }[role]


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker):
    """Built once per module inside a transaction that is rolled back at the end.

    Each test's own ``db`` transaction nests inside it (a savepoint), so what a test writes is
    undone after that test, and the world is back as it was for the next one.
    """
    from django.db import transaction

    from home.services import ensure_site_structure

    with django_db_blocker.unblock():
        with transaction.atomic():
            _home, index = ensure_site_structure()
            yield World(index)
            transaction.set_rollback(True)


@pytest.fixture
def world(_world, db):
    for user in (_world.member, _world.outsider, _world.pending, _world.declined, _world.staff,
                 _world.other_facilitator):
        policies.forget_memberships(user)
    return _world
