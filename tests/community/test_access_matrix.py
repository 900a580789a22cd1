"""Every door × every kind of visitor × every visibility: who sees what, and who may write.

Expected outcomes come from two rules (ARCHITECTURE.md, "One access policy, every door"):
a community is known to everyone unless private (then only to members and staff); its posts are
read by everyone when open, else only by members and staff. Writing needs membership.
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from community.models import Answer, AnswerFlag, HelpfulVote, Post
from tests.community.conftest import ask

ROLES = ["anonymous", "outsider", "pending", "declined", "member", "other_facilitator", "staff"]
VISIBILITIES = ["open", "closed", "private"]


def knows_community(role, visibility):
    return visibility != "private" or role in ("member", "staff")


def reads_posts(role, visibility):
    return visibility == "open" or role in ("member", "staff")


def writes(role):
    return role == "member"


def client_for(world, role):
    client = Client()
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    return client


def marker_shown(response, marker):
    return marker in response.content.decode()


matrix = pytest.mark.parametrize("visibility", VISIBILITIES)
roles = pytest.mark.parametrize("role", ROLES)


# -- reading doors ---------------------------------------------------------------------------


@matrix
@roles
def test_community_page(world, role, visibility):
    response = client_for(world, role).get(world.communities[visibility].url)
    assert response.status_code == (200 if knows_community(role, visibility) else 404)
    assert marker_shown(response, world.markers[visibility]) == reads_posts(role, visibility)


@matrix
@roles
def test_post_page(world, role, visibility):
    post = world.posts[visibility]
    response = client_for(world, role).get(post.get_url())
    if reads_posts(role, visibility):
        assert response.status_code == 200
    elif role == "anonymous" and visibility == "closed":
        assert response.status_code == 302 and "/account/login/" in response["Location"]
    else:
        assert response.status_code == 404
    assert marker_shown(response, world.markers[visibility]) == reads_posts(role, visibility)


@matrix
@roles
def test_post_list_filters_and_pagination_keep_policy(world, role, visibility):
    community = world.communities[visibility]
    answered = world.posts[visibility].title
    unanswered = ask(world.member, community, title=f"Onbeantwoorde vraag {world.markers[visibility]}").title
    content = client_for(world, role).get(community.url + "?filter=onbeantwoord").content.decode()
    assert answered not in content
    assert (unanswered in content) == reads_posts(role, visibility)
    response = client_for(world, role).get(community.url + "?filter=vragen&pagina=2")  # past the end: last page
    if knows_community(role, visibility):
        assert response.status_code == 200
    assert (answered in response.content.decode()) == reads_posts(role, visibility)


@pytest.mark.parametrize("path", ["/", "/gemeenschappen/"])
@roles
def test_lists_and_counts_hide_private_community(world, role, path):
    response = client_for(world, role).get(path)
    assert response.status_code == 200
    content = response.content.decode()
    private = world.communities["private"]
    assert (private.title in content) == knows_community(role, "private")
    assert (private.url in content) == knows_community(role, "private")


@matrix
@roles
def test_home_latest_activity(world, role, visibility):
    content = client_for(world, role).get("/").content.decode()
    assert (world.posts[visibility].title in content) == reads_posts(role, visibility)


@roles
def test_my_activity_lists_only_own_posts(world, role):
    response = client_for(world, role).get("/mijn-activiteit/")
    if role == "anonymous":
        assert response.status_code == 302
        return
    content = response.content.decode()
    for visibility in VISIBILITIES:
        assert (world.posts[visibility].title in content) == (role == "member")


@roles
def test_members_list_is_for_members(world, role):
    community = world.communities["open"]
    response = client_for(world, role).get(community.url + "leden/")
    if role == "member" or role == "staff":
        assert response.status_code == 200
        assert "Member" in response.content.decode()
    elif role == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == 404


def test_sitemap_lists_only_public_pages(world, client):
    content = client.get("/sitemap.xml").content.decode()
    assert world.communities["open"].url in content
    assert world.communities["closed"].url in content
    assert world.communities["private"].url not in content


# -- writing doors ---------------------------------------------------------------------------


def _refused(response, role, visibility):
    if visibility == "private" and role != "staff":
        return response.status_code == 404  # no trace, not even "forbidden" or "log in"
    if role == "anonymous":
        return response.status_code == 302 and "/account/login/" in response["Location"]
    return response.status_code in (403, 404)


@matrix
@roles
def test_crafted_answer_post(world, role, visibility):
    post = world.posts[visibility]
    before = Answer.objects.count()
    response = client_for(world, role).post(
        f"{post.community.url}bijdragen/{post.pk}/antwoorden/", {"body": "Gekaapt antwoord"}
    )
    stored = Answer.objects.count() - before
    assert stored == (1 if writes(role) else 0)
    if not writes(role):
        assert _refused(response, role, visibility)


@matrix
@roles
def test_crafted_reply_post(world, role, visibility):
    post = world.posts[visibility]
    parent = world.answers[visibility]
    before = Answer.objects.count()
    client_for(world, role).post(
        f"{post.community.url}bijdragen/{post.pk}/antwoorden/", {"body": "Reactie", "parent": parent.pk}
    )
    assert Answer.objects.count() - before == (1 if writes(role) else 0)


@matrix
@roles
def test_helpful_vote(world, role, visibility):
    post, target = world.posts[visibility], world.answers[visibility]
    response = client_for(world, role).post(f"{post.community.url}bijdragen/{post.pk}/antwoorden/{target.pk}/nuttig/")
    assert HelpfulVote.objects.filter(answer=target).count() == (1 if writes(role) else 0)
    if not writes(role):
        assert _refused(response, role, visibility)


@matrix
@roles
def test_flag(world, role, visibility):
    post, target = world.posts[visibility], world.answers[visibility]
    response = client_for(world, role).post(
        f"{post.community.url}bijdragen/{post.pk}/antwoorden/{target.pk}/melden/", {"reason": "spam"}
    )
    assert AnswerFlag.objects.filter(answer=target).count() == (1 if writes(role) else 0)
    if not writes(role):
        assert _refused(response, role, visibility)


@matrix
@roles
def test_accept(world, role, visibility):
    post, target = world.posts[visibility], world.answers[visibility]
    response = client_for(world, role).post(
        f"{post.community.url}bijdragen/{post.pk}/antwoorden/{target.pk}/accepteren/"
    )
    post.refresh_from_db()
    assert (post.accepted_answer_id == target.pk) == writes(role)  # only the asker (member) here
    if not writes(role):
        assert _refused(response, role, visibility)


# -- comments-xtd's own endpoints: none is reachable -----------------------------------------

XTD_PATHS = [
    "/comments/post/",
    "/comments/preview/",
    "/comments/api/comment/",
    "/comments/api/preview/",
    "/comments/api/feedback/",
    "/comments/api/flag/",
    "/comments/api/community-post/{post}/",
    "/comments/api/community-post/{post}/count/",
    "/comments/reply/{answer}/",
    "/comments/flag/{answer}/",
    "/comments/like/{answer}/",
    "/comments/dislike/{answer}/",
    "/comments/delete/{answer}/",
    "/comments/approve/{answer}/",
    "/comments/cr/{ct}/{post}/",
]


@pytest.mark.parametrize("path", XTD_PATHS)
@pytest.mark.parametrize("role", ["anonymous", "outsider", "staff"])
def test_comments_xtd_endpoints_are_closed(world, role, path):
    post, target = world.posts["private"], world.answers["private"]
    ct = ContentType.objects.get_for_model(Post)
    url = path.format(post=post.pk, answer=target.pk, ct=ct.pk)
    client = client_for(world, role)
    before = Answer.objects.count()
    for response in (client.get(url), client.post(url, {"comment": "x", "object_pk": post.pk})):
        assert response.status_code == 404
        assert world.markers["private"] not in response.content.decode()
    assert Answer.objects.count() == before


@pytest.mark.parametrize("role", ["outsider", "other_facilitator", "staff", "member"])
def test_comment_will_be_posted_lock_follows_the_policy(world, rf, role):
    """Second lock: were comments-xtd's post view ever mounted, the policy still decides."""
    from django_comments.signals import comment_will_be_posted

    post = world.posts["private"]
    request = rf.post("/")
    request.user = world.user(role)
    comment = Answer(content_object=post, post=post, comment="binnengedrongen", site_id=1)
    results = comment_will_be_posted.send(sender=Answer, comment=comment, request=request)
    allowed = all(result is not False for _receiver, result in results)
    assert allowed == writes(role)
