"""Posts API responses shared by readers with the same access (community.api.shared_response).

On with the anonymous page cache (production with REDIS_URL); here both are switched on as in
tests/test_page_cache.py. Signed-in members without a token read what anonymous visitors read
(the session does not count in the API) and share one stored copy; a token's user has their own.
Whoever reads, the response is the one the policy gives them now: after a change is committed,
and at once after their access changed.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import APIToken

from community import services
from community.api import access_key
from community.models import Post, Visibility
from tests.community.conftest import answer, ask, join

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(page_cache_on):
    """Every test here runs with the anonymous page cache on (tests/conftest.py)."""


def bearer(user) -> dict:
    _token, plaintext = APIToken.create_token(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def titles(client, path="/api/v2/posts/", **headers) -> list[str]:
    response = client.get(path, **headers)
    assert response.status_code == 200
    return [item["title"] for item in response.json()["items"]]


def queries(client, path, **headers) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path, **headers).status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def closed(community_factory, member):
    closed = community_factory(title="Besloten kring", visibility=Visibility.CLOSED)
    join(member, closed)
    ask(member, closed, title="Alleen voor leden van de kring")
    return closed


def test_a_member_with_a_session_reads_the_shared_copy_without_building_it(community, member, facilitator):
    answer(facilitator, ask(member, community, title="Een open vraag over de wijk"))
    first = signed_in(member).get("/api/v2/posts/")
    client = signed_in(facilitator)
    with CaptureQueriesContext(connection) as ctx:
        second = client.get("/api/v2/posts/")
    assert not [q for q in ctx.captured_queries if "community_post" in q["sql"] or "community_answer" in q["sql"]]
    assert second.content == first.content


def test_a_token_copy_is_never_served_to_another_reader(closed, community, member, outsider):
    token = bearer(member)
    client = Client()
    assert titles(client, **token) == ["Alleen voor leden van de kring"]
    assert titles(client, **token) == ["Alleen voor leden van de kring"]  # from the cache
    assert titles(client, **bearer(outsider)) == []
    assert titles(signed_in(member)) == []  # the session does not count
    assert titles(Client()) == []


def test_a_token_reader_who_leaves_the_community_stops_reading_it_at_once(closed, member):
    token = bearer(member)
    assert titles(Client(), **token) == ["Alleen voor leden van de kring"]
    services.community_leave(user=member, community=closed)
    assert titles(Client(), **token) == []


def test_a_community_made_private_leaves_the_shared_copy_at_once(community, member,
                                                                django_capture_on_commit_callbacks):
    ask(member, community, title="Een open vraag over de wijk")
    reader = signed_in(member)
    assert titles(reader) == ["Een open vraag over de wijk"]
    with django_capture_on_commit_callbacks(execute=True):
        community.visibility = Visibility.PRIVATE
        community.save_revision().publish()
    assert titles(reader) == []


def test_a_hidden_post_leaves_the_shared_copy_after_the_commit(community, member, facilitator,
                                                              django_capture_on_commit_callbacks):
    post = ask(member, community, title="Een vraag die verborgen wordt")
    reader = signed_in(facilitator)
    assert titles(reader) == ["Een vraag die verborgen wordt"]
    with django_capture_on_commit_callbacks(execute=True):
        services.post_set_hidden(moderator=facilitator, post=post, hidden=True, reason="spam")
    assert titles(reader) == []
    assert signed_in(facilitator).get(f"/api/v2/posts/{post.pk}/").status_code == 404
    # Its author still reads it with a token; the facilitator sees hidden posts of their community.
    assert titles(Client(), **bearer(member)) == ["Een vraag die verborgen wordt"]
    assert titles(Client(), **bearer(facilitator)) == ["Een vraag die verborgen wordt"]


def test_a_new_answer_reaches_the_next_reader(community, member, facilitator, django_capture_on_commit_callbacks):
    post = ask(member, community, title="Een vraag met een nieuw antwoord")
    reader = signed_in(member)
    assert reader.get(f"/api/v2/posts/{post.pk}/").json()["answers"] == []
    with django_capture_on_commit_callbacks(execute=True):
        answer(facilitator, post, body="Koffie helpt.")
    assert [a["body_markdown"] for a in reader.get(f"/api/v2/posts/{post.pk}/").json()["answers"]] == ["Koffie helpt."]


def test_a_hidden_answer_leaves_the_shared_copy_after_the_commit(community, member, facilitator,
                                                                django_capture_on_commit_callbacks):
    post = ask(member, community, title="Een vraag met een verborgen antwoord")
    spam = answer(member, post, body="Koop nu!")
    reader = signed_in(member)
    assert len(reader.get(f"/api/v2/posts/{post.pk}/").json()["answers"]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_set_hidden(moderator=facilitator, answer=spam, post=post, hidden=True, reason="spam")
    assert reader.get(f"/api/v2/posts/{post.pk}/").json()["answers"] == []
    assert reader.get("/api/v2/posts/").json()["items"][0]["answers"] == []


def test_a_new_display_name_reaches_the_next_reader(community, member, django_capture_on_commit_callbacks):
    ask(member, community, title="Een vraag van iemand met een nieuwe naam")
    reader = signed_in(member)
    assert reader.get("/api/v2/posts/").json()["items"][0]["author"]["name"] != "Marijke de Vries"
    with django_capture_on_commit_callbacks(execute=True):
        member.profile.display_name = "Marijke de Vries"
        member.profile.save()
    assert reader.get("/api/v2/posts/").json()["items"][0]["author"]["name"] == "Marijke de Vries"


def test_each_language_gets_its_own_copy(community, member):
    services.post_create(author=member, community=community, kind="story", title="Een verhaal in twee talen",
                         story={"story_status": "lopend", "context": "Aanleiding"})
    reader = signed_in(member)
    assert reader.get("/api/v2/posts/").json()["items"][0]["story_sections"][0]["title"] == "Aanleiding"
    reader.cookies["django_language"] = "en"
    assert reader.get("/api/v2/posts/").json()["items"][0]["story_sections"][0]["title"] == "Background"


@pytest.mark.parametrize("role", ["member", "token"])
def test_shared_list_query_count_does_not_grow_with_data(community_factory, community, member, facilitator, role):
    """Cold (every cache cleared) and warm, at two data sizes."""
    from django.core.cache import caches

    client = signed_in(member) if role == "member" else Client()
    headers = bearer(member) if role == "token" else {}
    other = community_factory(title="Wonen en zorg")
    join(member, other)

    def cold_and_warm():
        for alias in caches:
            caches[alias].clear()
        APIToken.objects.update(last_used_at=None)  # the first use of a token records it (one UPDATE)
        return queries(client, "/api/v2/posts/", **headers), queries(client, "/api/v2/posts/", **headers)

    for n in range(3):
        answer(facilitator, ask(member, community, title=f"Vraag nummer {n} over de wijk"))
    small = cold_and_warm()
    for n in range(3, 30):
        post = ask(member, community if n % 2 else other, title=f"Vraag nummer {n} over de wijk")
        answer(facilitator if n % 2 else member, post)
    large = cold_and_warm()
    assert small == large
    cold, warm = large
    assert cold <= 15
    assert warm < cold and warm <= 3  # the access condition and, with a token, the token and memberships


def test_access_key_is_the_condition_with_its_ids_sorted():
    assert access_key(Q(community_id__in=[3, 1, 2]) & Q(is_hidden=False)) == access_key(
        Q(community_id__in=[1, 2, 3]) & Q(is_hidden=False))
    assert access_key(Q(community_id__in=[1, 2])) != access_key(Q(community_id__in=[1, 2]) & Q(is_hidden=False))
    assert access_key(Q(community_id__in=[1]) & (Q(is_hidden=False) | Q(author_id=7))) != access_key(
        Q(community_id__in=[1]) & (Q(is_hidden=False) | Q(author_id=8)))


def test_a_condition_that_cannot_be_written_as_text_is_not_stored():
    """A subquery's text would not name every row it stands for (a queryset's repr stops at 20)."""
    assert access_key(Q(community_id__in=Post.objects.values("community_id"))) is None
    assert access_key(Q(community_id__in=[1]) & ~Q(author_id__in=Post.objects.values("author_id"))) is None
