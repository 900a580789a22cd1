"""The community catalogue (community/catalogue.py) follows every change to what it records.

Each test first lets a visitor see the lists (so the catalogue is built and cached), then makes
the change, and checks what that visitor sees next: the cached catalogue must never keep a post
visible that the policy no longer allows, nor hide one it now allows.
"""

from __future__ import annotations

from django.core.cache import cache
from django.test import Client
from wagtail.models import Page, PageViewRestriction

from community import catalogue, policies
from community.models import Post
from tests.community.conftest import ask, join


def home_of(user) -> str:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get("/").content.decode()


def api_titles(user=None) -> list[str]:
    client = Client()
    if user is not None:
        client.force_login(user)
    return [item["title"] for item in client.get("/api/v2/posts/").json()["items"]]


def readable(user, post) -> bool:
    return Post.objects.visible_to(user).filter(pk=post.pk).exists()


def test_outsider_stops_seeing_a_community_made_private(community, member, outsider):
    post = ask(member, community, title="Vraag in een open gemeenschap")
    assert post.title in home_of(outsider)
    assert post.title in api_titles()
    assert readable(outsider, post)

    community.visibility = "private"
    community.save_revision().publish()

    assert post.title not in home_of(outsider)
    assert post.title not in api_titles()
    assert not readable(outsider, post)
    assert community.title not in Client().get("/gemeenschappen/").content.decode()
    assert post.title in home_of(member)


def test_a_new_view_restriction_hides_the_posts_from_every_list_and_its_removal_shows_them(
    community, member, outsider
):
    post = ask(member, community, title="Vraag voor de restrictie")
    assert post.title in home_of(outsider)
    assert readable(member, post)

    restriction = PageViewRestriction.objects.create(page=community, restriction_type=PageViewRestriction.LOGIN)

    assert post.title not in home_of(outsider)
    assert post.title not in home_of(member)
    assert not readable(member, post)
    assert post.title not in api_titles()

    restriction.delete()

    assert post.title in home_of(outsider)
    assert readable(member, post)


def test_an_unpublished_community_takes_its_posts_out_of_the_lists(community, member):
    post = ask(member, community, title="Vraag in een gemeenschap die offline gaat")
    assert post.title in home_of(member)

    community.unpublish()

    assert post.title not in home_of(member)
    assert not readable(member, post)
    assert post.title not in api_titles()


def test_a_community_moved_under_a_restricted_page_disappears(home_page, community, member, outsider):
    restricted_section = home_page.add_child(instance=Page(title="Alleen voor ingelogden", slug="afgeschermd"))
    PageViewRestriction.objects.create(page=restricted_section, restriction_type=PageViewRestriction.LOGIN)
    post = ask(member, community, title="Vraag in een gemeenschap die verhuist")
    assert post.title in home_of(outsider)  # the catalogue is built after the restriction

    community.move(restricted_section, pos="last-child")

    assert post.title not in home_of(outsider)
    assert not readable(outsider, post)
    assert not readable(member, post)


def test_a_new_community_shows_its_posts(community_factory, member, outsider):
    assert home_of(outsider)  # the catalogue is built before the new community exists
    new = community_factory(title="Nieuwe gemeenschap")
    join(member, new)
    post = ask(member, new, title="Eerste vraag in de nieuwe gemeenschap")

    assert post.title in home_of(outsider)
    assert readable(outsider, post)
    assert new.title in Client().get("/gemeenschappen/").content.decode()


def test_a_deleted_community_is_forgotten_so_its_id_cannot_open_another(community_factory, outsider):
    doomed = community_factory(title="Verdwijnt")
    assert doomed.pk in policies.readable_community_ids(outsider)

    doomed.delete()

    assert doomed.pk not in policies.readable_community_ids(outsider)
    assert doomed.pk not in policies.readable_community_ids(None)


def test_the_same_user_object_sees_a_change_made_later_in_the_request(community, member, outsider):
    post = ask(member, community)
    assert readable(outsider, post)  # the catalogue is now kept on this user object

    community.visibility = "closed"
    community.save()

    assert not readable(outsider, post)


def test_a_catalogue_built_from_rows_before_the_commit_is_never_used(
    community, member, outsider, django_capture_on_commit_callbacks
):
    post = ask(member, community)
    assert readable(outsider, post)
    with django_capture_on_commit_callbacks(execute=True):
        community.visibility = "private"
        community.save()
        # Another worker read the old rows before this transaction committed and stored them
        # under the generation of that moment.
        stale = {pk: entry._replace(visibility="open") for pk, entry in catalogue.build().items()}
        cache.set(catalogue.CATALOGUE_KEY, (cache.get(catalogue.GENERATION_KEY), stale))
    catalogue.forget_on_user(outsider)

    assert not readable(outsider, post)


def test_superusers_still_see_posts_of_private_and_restricted_communities(community_factory, member, superuser):
    private = community_factory(title="Geheim", private=True)
    restricted = community_factory(title="Afgeschermd")
    PageViewRestriction.objects.create(page=restricted, restriction_type=PageViewRestriction.LOGIN)
    join(member, private)
    join(member, restricted)
    posts = [ask(member, private, title="Vraag in het geheim"), ask(member, restricted, title="Vraag achter slot")]

    assert all(readable(superuser, post) for post in posts)
    assert {private.pk, restricted.pk} <= set(policies.readable_community_ids(superuser))
    assert {private, restricted} <= set(policies.visible_communities(private.__class__.objects.all(), superuser))


def test_without_a_shared_cache_another_workers_change_shows_in_the_next_request(settings, community, member, outsider):
    # Production without REDIS_URL: each worker has its own local cache, so the catalogue must not
    # outlive a request there. A change made through another worker sends no signal here.
    from django.contrib.auth import get_user_model

    settings.COMMUNITY_CATALOGUE_CACHE = ""
    post = ask(member, community)
    assert readable(outsider, post)

    type(community).objects.filter(pk=community.pk).update(visibility="private")  # no signal

    next_request_user = get_user_model().objects.get(pk=outsider.pk)
    assert not readable(next_request_user, post)
