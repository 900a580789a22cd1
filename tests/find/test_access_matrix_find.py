"""The access matrix, continued: the doors of find-and-follow × every kind of visitor × every visibility.

Same world and same two rules as tests/community/test_access_matrix.py: a community is known to
everyone unless private; its posts are read by everyone when open, else only by members and staff.
Search results and suggestions, feeds, the sitemap, notifications, digests and the JSON API must
answer exactly that, never more, and never as a count or a snippet either.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail

from community import policies
from tests.community.test_access_matrix import ROLES, VISIBILITIES, client_for, knows_community, reads_posts

matrix = pytest.mark.parametrize("visibility", VISIBILITIES)
roles = pytest.mark.parametrize("role", ROLES)


def _results(response) -> str:
    """The results part of the search page (the form above and the footer's language switch echo the query)."""
    html = response.content.decode()
    assert 'id="results-heading"' in html
    results = html.split('id="results-heading"', 1)[1].split("</main>", 1)[0]
    # The heading and the type links carry the query too; the result list itself starts at <ol>.
    return results.split("</h2>", 1)[0] + "".join(part.split("</ol>", 1)[0] for part in results.split("<ol")[1:])


# -- search ----------------------------------------------------------------------------------


@matrix
@roles
def test_search_results(world, role, visibility):
    post, reply = world.posts[visibility], world.answers[visibility]
    response = client_for(world, role).get("/zoeken/", {"q": world.markers[visibility]})
    assert response.status_code == 200
    results = _results(response)
    assert (post.get_url() in results) == reads_posts(role, visibility)
    assert (f"#antwoord-{reply.pk}" in results) == reads_posts(role, visibility)
    assert (world.markers[visibility] in results) == reads_posts(role, visibility)


@matrix
@roles
def test_search_counts_only_what_the_visitor_may_see(world, role, visibility):
    response = client_for(world, role).get("/zoeken/", {"q": world.markers[visibility], "soort": "vragen"})
    html = response.content.decode().split('id="results-heading"', 1)[1]
    expected = 1 if reads_posts(role, visibility) else 0
    assert f">{expected} resulta" in html.split("</h2>", 1)[0]
    assert f"Vragen ({expected})" in html


@matrix
@roles
def test_search_finds_communities_the_visitor_may_know(world, role, visibility):
    community = world.communities[visibility]
    response = client_for(world, role).get("/zoeken/", {"q": f"Gemeenschap {visibility}", "soort": "gemeenschappen"})
    assert (f'href="{community.url}"' in _results(response)) == knows_community(role, visibility)


@matrix
@roles
def test_search_filter_on_an_unreadable_community_reveals_nothing(world, role, visibility):
    community = world.communities[visibility]
    response = client_for(world, role).get("/zoeken/", {"q": "schuldhulp", "gemeenschap": community.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert (world.markers[visibility] in html) == reads_posts(role, visibility)


@matrix
@roles
def test_question_suggestions(world, role, visibility):
    """Suggestions asked for in the open community may come from any community the visitor reads."""
    response = client_for(world, role).get(
        world.communities["open"].url + "vragen/suggesties/", {"q": f"schuldhulp {world.markers[visibility]}"}
    )
    assert response.status_code == 200
    assert (world.posts[visibility].title in response.content.decode()) == reads_posts(role, visibility)


@matrix
@roles
def test_question_suggestions_route_under_a_hidden_community_is_404(world, role, visibility):
    response = client_for(world, role).get(world.communities[visibility].url + "vragen/suggesties/", {"q": "schuldhulp"})
    assert response.status_code == (200 if knows_community(role, visibility) else 404)


# -- feeds and sitemap -----------------------------------------------------------------------


@matrix
@roles
def test_community_feed(world, role, visibility):
    """Only open communities have a (public) feed; it is the same for every visitor."""
    response = client_for(world, role).get(world.communities[visibility].url + "feed/")
    if visibility == "open":
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/atom+xml")
        assert world.markers["open"] in response.content.decode()
    else:
        assert response.status_code == 404
        assert world.markers[visibility] not in response.content.decode()


@roles
def test_sitemap_lists_only_posts_of_open_communities(world, role):
    content = client_for(world, role).get("/sitemap.xml").content.decode()
    assert world.posts["open"].get_url() in content
    assert world.posts["closed"].get_url() not in content
    assert world.posts["private"].get_url() not in content
    assert world.markers["private"] not in content
    assert world.markers["closed"] not in content
