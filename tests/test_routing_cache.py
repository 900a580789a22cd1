"""The route memo (koffietafel.routing) and the cached memberships (policies.memberships).

Each change an editor or a facilitator can make must reach a reader whose worker already holds the
route, on the very next request; and what one reader's requests left in a cache never shows
another reader anything they may not see.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site

from community import policies, services
from koffietafel import routing
from tests.community.conftest import join
from tests.factories import UserFactory


def visit(user, url):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def warm(user, url):
    """A first request fills the memo (and the user's cached memberships); a second one uses them."""
    assert visit(user, url).status_code == 200
    response = visit(user, url)
    assert response.status_code == 200
    return response


# -- the memo is used ----------------------------------------------------------------------------


def test_a_warm_community_page_runs_no_routing_or_membership_query(community, member):
    warm(member, community.url)
    client = Client()
    client.force_login(member)
    client.get(community.url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(community.url).status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [q for q in sql if "wagtailcore_site" in q]
    assert not [q for q in sql if "wagtailcore_pageviewrestriction" in q]
    assert not [q for q in sql if q.startswith('SELECT "community_membership"."id"')]
    assert not [q for q in sql if '"wagtailcore_page"."slug" =' in q]


def routing_queries(client, url, *, cold):
    """The queries routing runs for one request (site, pages, view restrictions, memberships)."""
    from django.core.cache import caches

    if cold:
        for alias in ("default", "fragments"):
            caches[alias].clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    routing_tables = ('SELECT "wagtailcore_site"', 'SELECT "wagtailcore_pageviewrestriction"',
                      'SELECT "wagtailcore_page"', 'SELECT "django_content_type"',
                      'SELECT "community_membership"."id", "community_membership"."user_id", '
                      '"community_membership"."community_id", "community_membership"."role", '
                      '"community_membership"."status", "community_membership"."created_at" FROM')
    return len([q for q in queries.captured_queries if q["sql"].startswith(routing_tables)])


def test_routing_queries_do_not_grow_with_pages_or_memberships(community_factory, community, member):
    client = Client()
    client.force_login(member)
    client.get(community.url)
    small = (routing_queries(client, community.url, cold=True), routing_queries(client, community.url, cold=False))
    for i in range(12):
        other = community_factory(title=f"Nog een gemeenschap {i}")
        join(member, other)
        PageViewRestriction.objects.create(page=other, restriction_type=PageViewRestriction.LOGIN)
    client.get(community.url)
    large = (routing_queries(client, community.url, cold=True), routing_queries(client, community.url, cold=False))
    assert small == large
    assert large[1] == 0  # warm: none at all
    assert large[0] <= 5  # cold: site, index, community, view restrictions, memberships


# -- changes reach the next request --------------------------------------------------------------


def test_an_unpublished_community_is_gone_on_the_next_request(community, member):
    warm(member, community.url)
    community.unpublish()
    assert visit(member, community.url).status_code == 404


def test_a_moved_page_answers_only_at_its_new_address(community, member, home_page):
    old_url = community.url
    warm(member, old_url)
    community.move(home_page, pos="last-child")
    community.refresh_from_db()
    assert community.url != old_url
    response = visit(member, old_url)  # not served there: Wagtail's redirect to where it went
    assert (response.status_code, response["Location"]) == (301, community.url)
    assert visit(member, community.url).status_code == 200


def test_a_community_made_private_is_gone_for_outsiders_on_the_next_request(community, outsider):
    warm(outsider, community.url)
    community.visibility = "private"
    community.save_revision().publish()
    assert visit(outsider, community.url).status_code == 404


def test_a_login_restriction_applies_on_the_next_request(community):
    warm(None, community.url)
    PageViewRestriction.objects.create(page=community, restriction_type=PageViewRestriction.LOGIN)
    response = visit(None, community.url)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_password_restriction_asks_for_the_password_on_the_next_request(community, member):
    warm(member, community.url)
    PageViewRestriction.objects.create(page=community, restriction_type=PageViewRestriction.PASSWORD,
                                       password="koffie")
    response = visit(member, community.url)
    assert response.status_code == 200
    assert b'name="password"' in response.content


def test_a_group_restriction_and_a_change_in_its_groups_apply_on_the_next_request(community, member):
    group = Group.objects.create(name="Lezers")
    warm(member, community.url)
    restriction = PageViewRestriction.objects.create(page=community, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(group)
    assert visit(member, community.url).status_code == 302  # not in the group

    member.groups.add(group)
    warm(member, community.url)
    restriction.groups.remove(group)
    restriction.groups.add(Group.objects.create(name="Anderen"))
    assert visit(member, community.url).status_code == 302


def test_a_restriction_removed_opens_the_page_on_the_next_request(community):
    restriction = PageViewRestriction.objects.create(page=community, restriction_type=PageViewRestriction.LOGIN)
    assert visit(None, community.url).status_code == 302
    assert visit(None, community.url).status_code == 302
    restriction.delete()
    assert visit(None, community.url).status_code == 200


def test_a_new_title_shows_on_the_next_request(community, member):
    warm(member, community.url)
    community.title = "Nieuwe naam voor de gemeenschap"
    community.save_revision().publish()
    assert "Nieuwe naam voor de gemeenschap" in visit(member, community.url).content.decode()


def test_a_site_given_another_root_page_routes_from_it_on_the_next_request(home_page, community, member):
    warm(member, "/")
    site = Site.objects.get(is_default_site=True)
    site.root_page = community
    site.save()
    response = visit(member, "/")
    assert response.status_code == 200
    assert "Een gemeenschap om van elkaar te leren." in response.content.decode()  # the community's own text


def test_a_removed_membership_closes_a_private_community_on_the_next_request(community_factory, member, facilitator):
    private = community_factory(title="Besloten kring", private=True)
    join(facilitator, private, role="facilitator")
    join(member, private)
    warm(member, private.url)
    services.community_leave(user=member, community=private)
    assert visit(member, private.url).status_code == 404


def test_a_new_membership_opens_a_private_community_on_the_next_request(community_factory, outsider):
    private = community_factory(title="Besloten kring", private=True)
    assert visit(outsider, private.url).status_code == 404
    assert visit(outsider, private.url).status_code == 404
    join(outsider, private)
    assert visit(outsider, private.url).status_code == 200


# -- nothing of one reader reaches another -------------------------------------------------------


def test_a_private_community_a_member_opened_stays_hidden_from_others(community_factory, member, outsider):
    private = community_factory(title="Besloten kring", private=True)
    join(member, private)
    warm(member, private.url)
    assert visit(outsider, private.url).status_code == 404
    assert visit(None, private.url).status_code == 404


def test_memberships_are_cached_per_user(community_factory, member, outsider):
    private = community_factory(title="Besloten kring", private=True)
    join(member, private)
    assert private.pk in policies.memberships(member)
    fresh_outsider = type(outsider).objects.get(pk=outsider.pk)
    assert private.pk not in policies.memberships(fresh_outsider)


def test_a_restriction_someone_passed_with_the_password_is_not_passed_for_others(community, member, outsider):
    restriction = PageViewRestriction.objects.create(page=community, restriction_type=PageViewRestriction.PASSWORD,
                                                     password="koffie")
    client = Client()
    client.force_login(member)
    client.post(f"/_util/authenticate_with_password/{restriction.pk}/{community.pk}/",
                {"password": "koffie", "return_url": community.url})
    assert b'name="password"' not in client.get(community.url).content
    assert b'name="password"' in visit(outsider, community.url).content


# -- without a shared cache nothing is kept --------------------------------------------------------


def test_without_a_shared_cache_a_change_without_signals_shows_in_the_next_request(settings, community, member):
    settings.COMMUNITY_CATALOGUE_CACHE = ""
    warm(member, community.url)
    type(community).objects.filter(pk=community.pk).update(visibility="private")  # another worker's change
    assert routing.current_memo() is None
    assert visit(member, community.url).status_code == 200  # a member still reads it ...
    outsider = UserFactory(username="buitenstaander")
    assert visit(outsider, community.url).status_code == 404  # ... the private page is gone for others


@pytest.mark.parametrize("path", ["/beheer/", "/beheer/pages/"])
def test_the_admin_is_not_routed_through_the_memo(client, superuser, path, home_page):
    client.force_login(superuser)
    response = client.get(path)
    assert response.status_code == 200
    assert not hasattr(response.wsgi_request, "_koffietafel_route_memo")


# -- Wagtail's choice of site, from the memo's rows ----------------------------------------------


@pytest.mark.parametrize("sites, host, port", [
    ([("default.nl", 80, True)], "default.nl", 80),
    ([("default.nl", 80, True)], "other.nl", 80),
    ([("default.nl", 80, True), ("other.nl", 80, False)], "other.nl", 80),
    ([("default.nl", 80, True), ("other.nl", 8080, False)], "other.nl", 80),
    ([("default.nl", 80, True), ("other.nl", 8080, False), ("other.nl", 9090, False)], "other.nl", 80),
    ([("default.nl", 80, True), ("other.nl", 8080, False), ("other.nl", 9090, False)], "other.nl", 9090),
    ([("other.nl", 8080, False), ("other.nl", 9090, False)], "other.nl", 80),
    ([("other.nl", 8080, False)], "unknown.nl", 80),
    ([("default.nl", 443, True), ("default.nl", 80, False)], "default.nl", 443),
    ([("default.nl", 443, True), ("default.nl", 80, False)], "default.nl", 8000),
])
def test_the_memo_picks_the_site_wagtail_would(home_page, sites, host, port):
    from wagtail.models.sites import get_site_for_hostname

    Site.objects.all().delete()
    for hostname, site_port, is_default in sites:
        Site.objects.create(hostname=hostname, port=site_port, is_default_site=is_default, root_page=home_page)
    try:
        expected = get_site_for_hostname(host, port).pk
    except Site.DoesNotExist:
        expected = None
    rows = list(Site.objects.select_related("root_page").order_by("pk"))
    chosen = routing._best_site(rows, host, port)
    assert (chosen.pk if chosen else None) == expected


def test_a_second_site_serves_its_own_root_and_links_across_hosts(home_page, community, member):
    from wagtail.models import Page

    root = Page.get_first_root_node()
    other_home = home_page.__class__(title="Andere site", slug="andere-site")
    root.add_child(instance=other_home)
    Site.objects.create(hostname="andere.example", port=80, root_page=other_home)
    client = Client()
    client.force_login(member)
    assert client.get("/", HTTP_HOST="andere.example").status_code == 200
    assert client.get(community.url, HTTP_HOST="andere.example").status_code == 404  # not in that tree
    response = client.get(community.url)
    assert response.status_code == 200
    assert routing.current_memo().site_root_paths() == Site.get_site_root_paths()
