"""The access matrix, continued: the doors of find-and-follow × every kind of visitor × every visibility.

Same world and same two rules as tests/community/test_access_matrix.py: a community is known to
everyone unless private; its posts are read by everyone when open, else only by members and staff.
Search results and suggestions, feeds, the sitemap, notifications, digests and the JSON API must
answer exactly that, never more, and never as a count or a snippet either.
"""

from __future__ import annotations

import pytest
from django.core import mail

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


@roles
def test_search_filter_selects_exactly_the_policys_posts(world, role):
    """What search filters on (policies.visible_posts_filter) is visible_posts, hidden posts included."""
    from django.contrib.auth.models import AnonymousUser

    from community import policies, services
    from community.models import Post, SearchableAnswer
    from tests.community.conftest import ask

    from community.models import CommunityPage
    from tests.community.conftest import join

    other = CommunityPage.objects.get(title="Andere gemeenschap")  # other_facilitator's
    join(world.member, other)
    for community in [*world.communities.values(), other]:
        hidden = ask(world.member, community, title=f"Verborgen vraag in {community.title} over schuldhulp")
        moderator = community.memberships.get(role="facilitator").user
        services.post_set_hidden(moderator=moderator, post=hidden, hidden=True, reason="test")
    user = world.user(role) or AnonymousUser()
    policies.forget_memberships(user)
    expected = set(Post.objects.visible_to(user).values_list("pk", flat=True))
    assert set(Post.objects.filter(policies.visible_posts_filter(user)).values_list("pk", flat=True)) == expected
    through_post = SearchableAnswer.objects.filter(policies.visible_posts_filter(user, prefix="post__"))
    assert set(through_post.values_list("post_id", flat=True)) <= expected


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


# -- notifications and digests ---------------------------------------------------------------

signed_in = pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])


def _new_post(world, visibility):
    """A new question by the community's facilitator (the world's posts are by ``member``)."""
    from django.contrib.auth import get_user_model

    from tests.community.conftest import ask

    author = get_user_model().objects.get(username=f"fac_{visibility}")
    return ask(author, world.communities[visibility], title=f"Nieuwe vraag {world.markers[visibility]} over wonen")


@matrix
@signed_in
def test_notifications_are_only_written_for_who_may_read(world, role, visibility):
    """A follower of the community (followed when they still could) hears of a new post only if they may read it."""
    from community import services_notify
    from community.models import Follow, Notification

    user = world.user(role)
    Follow.objects.create(user=user, community=world.communities[visibility])
    post = _new_post(world, visibility)
    services_notify.deliver_post_created(post.pk)
    assert Notification.objects.filter(recipient=user, post=post).exists() == reads_posts(role, visibility)


@matrix
@signed_in
def test_notifications_page_and_badge(world, role, visibility):
    """An existing notification (e.g. from before the user left) shows and counts only while readable."""
    from community.models import Notification, NotificationKind

    user = world.user(role)
    Notification.objects.create(recipient=user, kind=NotificationKind.NEW_POST, post=world.posts[visibility])
    client = client_for(world, role)
    html = client.get("/meldingen/").content.decode()
    assert (world.markers[visibility] in html) == reads_posts(role, visibility)
    assert ('data-unread-count="1"' in html) == reads_posts(role, visibility)
    opened = client.get(f"/meldingen/{Notification.objects.get(recipient=user).pk}/")
    assert opened.status_code == (302 if reads_posts(role, visibility) else 404)


def test_notifications_page_needs_login(world):
    response = client_for(world, "anonymous").get("/meldingen/")
    assert response.status_code == 302 and "/account/login/" in response["Location"]


@matrix
@signed_in
def test_digest_content(world, role, visibility, django_capture_on_commit_callbacks):
    from community import mailings
    from community.models import Delivery, Notification, NotificationKind

    user = world.user(role)
    Notification.objects.create(recipient=user, kind=NotificationKind.NEW_POST, post=world.posts[visibility],
                                delivery=Delivery.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        log = mailings.send_digest(user, frequency="weekly")
    sent = [m for m in mail.outbox if m.to == [user.email]]
    assert (log is not None) == reads_posts(role, visibility)
    assert any(world.markers[visibility] in m.body for m in sent) == reads_posts(role, visibility)
    assert any(world.markers[visibility] in m.alternatives[0][0] for m in sent) == reads_posts(role, visibility)


@matrix
@signed_in
def test_following_something_one_may_not_see_is_404(world, role, visibility):
    post = world.posts[visibility]
    response = client_for(world, role).post("/volgen/", {"soort": "bijdrage", "id": post.pk})
    assert response.status_code == (302 if reads_posts(role, visibility) else 404)
    response = client_for(world, role).post("/volgen/", {"soort": "gemeenschap", "id": post.community.pk})
    assert response.status_code == (302 if knows_community(role, visibility) else 404)


# -- the JSON API ----------------------------------------------------------------------------


def _api_client(world, role):
    """The API reads the personal token, never the session: anonymous means no token at all."""
    from django.test import Client
    from wagtail.models import APIToken

    user = world.user(role)
    if user is None:
        return Client()
    _token, plaintext = APIToken.create_token(user=user, name="matrix")
    return Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")


@matrix
@roles
def test_api_post_list(world, role, visibility):
    response = _api_client(world, role).get("/api/v2/posts/", {"limit": 20})
    assert response.status_code == 200
    body = response.content.decode()
    assert (world.markers[visibility] in body) == reads_posts(role, visibility)
    ids = [item["id"] for item in response.json()["items"]]
    assert (world.posts[visibility].pk in ids) == reads_posts(role, visibility)


@matrix
@roles
def test_api_post_list_filtered_by_community(world, role, visibility):
    response = _api_client(world, role).get("/api/v2/posts/", {"community": world.communities[visibility].pk})
    expected = 1 if reads_posts(role, visibility) else 0
    assert response.json()["meta"]["total_count"] == expected


@matrix
@roles
def test_api_post_detail(world, role, visibility):
    post, reply = world.posts[visibility], world.answers[visibility]
    response = _api_client(world, role).get(f"/api/v2/posts/{post.pk}/")
    assert response.status_code == (200 if reads_posts(role, visibility) else 404)
    body = response.content.decode()
    assert (world.markers[visibility] in body) == reads_posts(role, visibility)
    if reads_posts(role, visibility):
        assert [a["id"] for a in response.json()["answers"]] == [reply.pk]


@matrix
@roles
def test_api_pages_list_and_detail(world, role, visibility):
    """Wagtail's pages endpoint is the same for everyone: public pages of communities that are not private."""
    community = world.communities[visibility]
    client = _api_client(world, role)
    listing = client.get("/api/v2/pages/", {"type": "community.CommunityPage", "limit": 20})
    assert listing.status_code == 200
    ids = [item["id"] for item in listing.json()["items"]]
    assert (community.pk in ids) == (visibility != "private")
    assert world.markers["private"] not in listing.content.decode()
    detail = client.get(f"/api/v2/pages/{community.pk}/")
    assert detail.status_code == (200 if visibility != "private" else 404)
    search = client.get("/api/v2/pages/", {"search": world.markers["private"]})
    assert world.markers["private"] not in search.content.decode()


@matrix
def test_api_pages_never_show_what_is_below_a_private_community(world, visibility):
    from django.test import Client

    from tests.factories import PageFactory

    community = world.communities[visibility]
    from learning.models import FrameworkPage

    class _Framework(PageFactory):
        class Meta:
            model = FrameworkPage

    framework = _Framework(parent=community, title=f"Kader van {community.title}", slug="kader")
    client = Client()
    listing = client.get("/api/v2/pages/", {"descendant_of": community.pk})
    detail = client.get(f"/api/v2/pages/{framework.pk}/")
    if visibility == "private":
        assert listing.status_code in (400, 404) or listing.json()["items"] == []
        assert detail.status_code == 404
    else:
        assert framework.pk in [item["id"] for item in listing.json()["items"]]
        assert detail.status_code == 200


@matrix
@signed_in
def test_personal_feed(world, role, visibility):
    from django.test import Client

    from community.feeds import personal_feed_token
    from community.models import Notification, NotificationKind

    user = world.user(role)
    Notification.objects.create(recipient=user, kind=NotificationKind.NEW_POST, post=world.posts[visibility])
    response = Client().get(f"/meldingen/feed/{personal_feed_token(user)}/")
    assert response.status_code == 200
    assert (world.markers[visibility] in response.content.decode()) == reads_posts(role, visibility)
