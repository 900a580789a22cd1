"""The benchmark pages: who may see them (404 for everyone else), period, chart, table, CSV, query budget."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.models import Membership
from learning.events.models import BenchmarkOptIn
from tests.community.conftest import answer, ask, join
from tests.factories import OrganisationFactory, UserFactory

ROLES = ["anonymous", "outsider", "member", "other_facilitator"]


@pytest.fixture
def other_facilitator(community_factory):
    user = UserFactory(username="anderefacilitator")
    join(user, community_factory(title="Andere gemeenschap"), role=Membership.Role.FACILITATOR)
    return user


@pytest.fixture
def people(outsider, member, other_facilitator):
    return {"anonymous": None, "outsider": outsider, "member": member, "other_facilitator": other_facilitator}


def _get(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("suffix", ["", "cijfers.csv"])
def test_community_dashboard_is_404_for_everyone_but_its_facilitators(client, community, facilitator, people, role,
                                                                      suffix):
    assert _get(client, people[role], f"/benchmark/gemeenschappen/{community.slug}/{suffix}").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_private_community_dashboard_is_404_like_a_missing_one(client, community_factory, people, role):
    private = community_factory(title="Geheime kring", private=True)
    join(people["member"], private)
    response = _get(client, people[role], f"/benchmark/gemeenschappen/{private.slug}/")
    assert response.status_code == 404 and "Geheime kring" not in response.content.decode()


@pytest.mark.parametrize(
    ("role", "url"),
    [(role, url) for role in ROLES for url in ("/benchmark/", "/benchmark/organisaties/", "/benchmark/organisaties/cijfers.csv")
     if not (role == "other_facilitator" and url == "/benchmark/")],  # they have an index: their own dashboards
)
def test_index_and_organisation_benchmark_are_404_for_everyone_else(client, people, facilitator, role, url):
    assert _get(client, people[role], url).status_code == 404


@pytest.mark.parametrize("who", ["facilitator", "superuser"])
def test_facilitator_and_administrator_see_the_dashboard(client, community, facilitator, superuser, who):
    response = _get(client, {"facilitator": facilitator, "superuser": superuser}[who],
                    f"/benchmark/gemeenschappen/{community.slug}/")
    assert response.status_code == 200


def test_dashboard_has_an_svg_chart_with_a_name_and_the_same_data_in_a_table(client, community, facilitator, member):
    ask(member, community)
    client.force_login(facilitator)
    html = client.get(f"/benchmark/gemeenschappen/{community.slug}/").content.decode()
    assert '<svg role="img" aria-labelledby="trend-title trend-desc"' in html
    assert '<title id="trend-title">' in html
    assert html.count('<th class="utrecht-table__header-cell" scope="row"><time') == 12  # twelve weeks
    assert "<script" not in html


def test_period_is_validated_with_a_dutch_error_at_the_field(client, community, facilitator):
    client.force_login(facilitator)
    html = client.get(f"/benchmark/gemeenschappen/{community.slug}/?van=2027-03-01&tot=2027-01-01").content.decode()
    assert 'id="id_van_error"' in html and "De begindatum ligt na de einddatum." in html
    html = client.get(f"/benchmark/gemeenschappen/{community.slug}/?van=gisteren").content.decode()
    assert "Vul een geldige datum in" in html


def test_csv_download_has_the_figures_of_the_chosen_period(client, community, facilitator, member):
    ask(member, community)
    client.force_login(facilitator)
    response = client.get(f"/benchmark/gemeenschappen/{community.slug}/cijfers.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    figures = {row[0]: row[1] for row in rows if len(row) == 2}
    assert figures["vragen"] == "1" and figures["leden"] == "2"
    assert rows[-13] == ["week vanaf", "vragen", "praktijkverhalen", "antwoorden"]


def _grow(community, people, n):
    for i in range(n):
        q = ask(people[i % len(people)], community, title=f"Nog een vraag nummer {i} voor de meting")
        answer(people[(i + 1) % len(people)], q, body=f"Antwoord {i}")


def _count(client, url):
    client.get(url)  # warm caches (site root, sessions) so both sizes start alike
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_community_dashboard_runs_the_same_number_of_queries_at_two_sizes(client, community, facilitator):
    people = [UserFactory(username=f"lid{i}") for i in range(4)]
    for person in people:
        join(person, community)
    client.force_login(facilitator)
    url = f"/benchmark/gemeenschappen/{community.slug}/"
    _grow(community, people, 2)
    small = _count(client, url)
    _grow(community, people, 30)
    assert _count(client, url) == small


def test_organisation_benchmark_runs_the_same_number_of_queries_at_two_sizes(client, community, superuser):
    orgs = [OrganisationFactory(name=f"Organisatie {i}") for i in range(4)]
    BenchmarkOptIn.objects.create(organisation=orgs[0])
    people = [UserFactory(username=f"lid{i}", profile__organisation=orgs[i % 4]) for i in range(8)]
    for person in people:
        join(person, community)
    client.force_login(superuser)
    _grow(community, people, 2)
    small = _count(client, "/benchmark/organisaties/")
    more = [OrganisationFactory(name=f"Nog een organisatie {i}") for i in range(6)]
    for org in more[:3]:
        BenchmarkOptIn.objects.create(organisation=org)
    _grow(community, people, 30)
    assert _count(client, "/benchmark/organisaties/") == small


def test_community_page_links_to_the_dashboard_for_its_facilitators_only(client, community, facilitator, member):
    link = f'href="/benchmark/gemeenschappen/{community.slug}/"'
    assert link not in client.get(community.url).content.decode()
    client.force_login(member)
    assert link not in client.get(community.url).content.decode()
    client.force_login(facilitator)
    assert link in client.get(community.url).content.decode()
