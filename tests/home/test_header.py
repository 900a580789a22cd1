"""The site header's main menu: Train je Collega for everyone, Benchmark for those who may open it.

Links sit in the labelled nav landmark; the current section is marked with aria-current. The
header costs no database query once the caches are warm, whoever looks.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from learning.events.models import BenchmarkOptIn
from tests.factories import OrganisationFactory, UserFactory

NAV = re.compile(r'<nav class="koffietafel-nav" aria-label="Hoofdmenu">.*?</nav>', re.S)


def header(user, path="/"):
    request = RequestFactory().get(path)
    request.user = user
    with translation.override("nl"):  # outside a request: the language an earlier test chose may linger
        return render_to_string("includes/header.html", {"request": request, "user": user}, request=request)


def nav(user, path="/"):
    return NAV.search(header(user, path)).group(0)


def fresh(user):
    """The user as the next request sees it (nothing cached on the object)."""
    return AnonymousUser() if user is None else get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def contact(db):
    user = UserFactory(username="contactpersoon")
    opt_in = BenchmarkOptIn.objects.create(organisation=OrganisationFactory(name="Gemeente Meerdam"))
    opt_in.contacts.add(user)
    return user


def test_everyone_finds_train_je_collega_in_the_main_menu(site_tree):
    assert '<a class="koffietafel-nav__link" href="/train-je-collega/">Train je Collega</a>' in nav(AnonymousUser())


def test_the_current_section_is_marked(community, facilitator):
    assert 'href="/train-je-collega/" aria-current="page"' in nav(AnonymousUser(), "/train-je-collega/")
    assert 'href="/train-je-collega/" aria-current="true"' in nav(AnonymousUser(), "/train-je-collega/sessies/1/")
    assert 'href="/benchmark/" aria-current="page"' in nav(fresh(facilitator), "/benchmark/")


def test_benchmark_is_offered_only_to_those_who_may_open_it(community, member, facilitator, contact, outsider):
    assert 'href="/benchmark/"' not in nav(AnonymousUser())
    assert 'href="/benchmark/"' not in nav(fresh(member))
    assert 'href="/benchmark/"' not in nav(fresh(outsider))
    assert 'href="/benchmark/"' in nav(fresh(facilitator))
    assert 'href="/benchmark/"' in nav(fresh(contact))


def test_the_menu_follows_a_new_role_at_once(community, member, contact):
    from community.models import Membership

    assert 'href="/benchmark/"' not in nav(fresh(member))
    membership = Membership.objects.get(user=member, community=community)
    membership.role = Membership.Role.FACILITATOR
    membership.save()
    assert 'href="/benchmark/"' in nav(fresh(member))
    BenchmarkOptIn.objects.get().contacts.remove(contact)
    assert 'href="/benchmark/"' not in nav(fresh(contact))


@pytest.mark.parametrize("who", ["anonymous", "member", "facilitator", "contact"])
def test_the_header_costs_no_query_once_warm(community, member, facilitator, contact, who):
    user = {"anonymous": None, "member": member, "facilitator": facilitator, "contact": contact}[who]
    header(fresh(user))
    viewer = fresh(user)
    with CaptureQueriesContext(connection) as queries:
        header(viewer)
    assert len(queries) == 0, [q["sql"] for q in queries.captured_queries]
