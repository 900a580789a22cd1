"""Fixtures shared by the whole suite: the site tree, a community and the people around it.

The cast mirrors the demo logins (see seed_demo): ``member`` and ``facilitator`` belong to
``community``, ``outsider`` belongs nowhere, ``superuser`` administers the site. Build anything
else with the factories in tests/factories.py.
"""

from __future__ import annotations

import pytest
from django.db import connection

from home.services import ensure_site_structure
from tests.factories import CommunityPageFactory, MembershipFactory, SuperuserFactory, UserFactory


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="deselect tests that use no database (scripts/test's PostgreSQL pass: they ran on SQLite)",
    )


def uses_database(item) -> bool:
    """The same test as pytest-django's own ordering: a django_db marker or a database fixture."""
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        item.get_closest_marker("django_db")
        or {"db", "transactional_db", "live_server"}.intersection(fixtures)
    )


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` are skipped on SQLite; ``--database-tests-only`` deselects the rest."""
    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (scripts/test runs a PostgreSQL pass when it is installed)")
        for item in items:
            if item.get_closest_marker("postgres"):
                item.add_marker(skip)
    if config.getoption("--database-tests-only"):
        deselected = [item for item in items if not uses_database(item)]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = [item for item in items if uses_database(item)]


@pytest.fixture
def site_tree(db):
    """``(home, community_index)``: the tree every installation has, built the way seed_demo builds it."""
    return ensure_site_structure()


@pytest.fixture
def home_page(site_tree):
    return site_tree[0]


@pytest.fixture
def community_index(site_tree):
    return site_tree[1]


@pytest.fixture
def community_factory(community_index):
    """Make more communities under the index: ``community_factory(private=True, title="...")``."""

    def make(**kwargs):
        kwargs.setdefault("parent", community_index)
        return CommunityPageFactory(**kwargs)

    return make


@pytest.fixture
def community(community_factory):
    """An open community with ``facilitator`` and ``member`` in it."""
    return community_factory(title="Schuldhulp in de wijk")


@pytest.fixture
def facilitator(community):
    membership = MembershipFactory(
        user=UserFactory(username="facilitator"), community=community, facilitator=True
    )
    return membership.user


@pytest.fixture
def member(community):
    return MembershipFactory(user=UserFactory(username="member"), community=community).user


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


@pytest.fixture
def superuser(db):
    return SuperuserFactory(username="admin")


@pytest.fixture
def page_cache_on(settings):
    """The anonymous page cache as production switches it on (ANONYMOUS_PAGE_CACHE_SECONDS), in the same place."""
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(middleware.index("django.middleware.csrf.CsrfViewMiddleware") + 1,
                      "koffietafel.page_cache.AnonymousPageCacheMiddleware")
    settings.MIDDLEWARE = middleware
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 60


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Rate-limit counters and cached site data never leak from one test into the next."""
    from django.core.cache import caches

    for alias in caches:
        caches[alias].clear()
    yield
