"""The JSON API under /api/v2/: personal tokens, pagination, filters, answers and the OpenAPI description.

Who sees what through the API is in test_access_matrix_find.py.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import APIToken

from community import services
from community.models import Theme
from tests.community.conftest import answer, ask, join


def bearer(user) -> dict:
    _token, plaintext = APIToken.create_token(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def get(path, headers=None, **params):
    return Client().get(path, params, **(headers or {}))


# -- tokens ----------------------------------------------------------------------------------


def test_token_is_created_on_the_profile_and_stored_only_as_a_hash(member):
    client = Client()
    client.force_login(member)
    assert "/profiel/api-sleutels/" in client.get("/profiel/").content.decode()
    response = client.post("/profiel/api-sleutels/", {"name": "Teamdashboard"})
    html = response.content.decode()
    token = APIToken.objects.get(user=member)
    plaintext = html.split("Je nieuwe sleutel", 1)[1].split("<code>", 1)[1].split("</code>", 1)[0]
    assert plaintext.startswith("wagtail_")
    assert token.key_hash != plaintext and plaintext not in token.key_hash
    assert APIToken.hash_token(plaintext) == token.key_hash
    assert response["Cache-Control"].startswith("max-age=0")


def test_revoked_token_is_refused(community, member):
    headers = bearer(member)
    APIToken.objects.get(user=member).revoke()
    assert get("/api/v2/posts/", headers).status_code == 401


@pytest.mark.parametrize("header", ["Bearer wagtail_nietgeldig", "Token abc", "Bearer", "Basic bWVtYmVyOmRlbW8="])
def test_a_bad_token_is_a_401_not_anonymous(db, header):
    response = Client().get("/api/v2/posts/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_revoking_on_the_profile_page(member):
    client = Client()
    client.force_login(member)
    client.post("/profiel/api-sleutels/", {"name": "weg ermee"})
    token = APIToken.objects.get(user=member)
    client.post("/profiel/api-sleutels/", {"intrekken": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_session_cookie_does_not_count(community_factory, member):
    closed = community_factory(title="Besloten kring", closed=True)
    join(member, closed)
    post = ask(member, closed, title="Alleen voor leden van de kring")
    client = Client()
    client.force_login(member)
    assert client.get(f"/api/v2/posts/{post.pk}/").status_code == 404
    assert client.get(f"/api/v2/posts/{post.pk}/", **bearer(member)).status_code == 200


def test_token_use_is_recorded(community, member):
    headers = bearer(member)
    get("/api/v2/posts/", headers)
    assert APIToken.objects.get(user=member).last_used_at is not None


# -- the posts endpoint ----------------------------------------------------------------------


def test_list_has_meta_total_count_and_pages(community, member):
    for n in range(25):
        ask(member, community, title=f"Vraag nummer {n} over de wijk")
    first = get("/api/v2/posts/").json()
    assert first["meta"]["total_count"] == 25
    assert len(first["items"]) == 20
    rest = get("/api/v2/posts/", offset=20).json()
    assert len(rest["items"]) == 5


def test_limit_above_the_maximum_is_refused(db):
    assert get("/api/v2/posts/", limit=500).status_code == 422


def test_post_carries_its_answers_and_links(community, member, facilitator):
    post = ask(member, community, body="Graag **tips**.")
    first = answer(facilitator, post, body="Koffie helpt.")
    answer(member, post, body="Dank je!", parent=first)
    data = get(f"/api/v2/posts/{post.pk}/").json()
    assert data["title"] == post.title
    assert data["body_markdown"] == "Graag **tips**."
    assert "<strong>tips</strong>" in data["body_html"]
    assert data["url"].endswith(post.get_url())
    assert data["community"]["title"] == community.title
    assert [a["body_markdown"] for a in data["answers"]] == ["Koffie helpt.", "Dank je!"]
    assert data["answers"][0]["parent_id"] is None
    assert data["answers"][1]["parent_id"] == first.pk
    assert data["answers"][0]["author"]["username"] == "facilitator"


@pytest.mark.parametrize("host", ["testserver", "andere.example"])
def test_links_are_wagtails_urls_also_with_a_second_site(community, member, host):
    """With one site a community's URL is its path on the request's host; seen from another site, its own site's."""
    from django.test import RequestFactory
    from wagtail.models import Site

    post = ask(member, community)
    url = get(f"/api/v2/posts/{post.pk}/").json()["community"]["url"]
    assert url == f"http://testserver{community.get_url()}"
    Site.objects.create(hostname="andere.example", port=80, root_page=community, site_name="Andere")
    request = RequestFactory().get("/", HTTP_HOST=host)
    expected = request.build_absolute_uri(community.get_url(request))
    data = Client().get(f"/api/v2/posts/{post.pk}/", HTTP_HOST=host).json()
    assert data["community"]["url"] == expected
    assert data["url"] == expected + post.get_url()[len(community.get_url()):]


def test_hidden_answers_are_left_out(community, member, facilitator):
    post = ask(member, community)
    hidden = answer(facilitator, post, body="Weg hiermee.")
    services.answer_set_hidden(moderator=facilitator, answer=hidden, post=post, hidden=True, reason="spam")
    assert get(f"/api/v2/posts/{post.pk}/", bearer(facilitator)).json()["answers"] == []


def test_filter_by_community_and_theme(community_factory, community, member):
    other = community_factory(title="Wonen en zorg")
    join(member, other)
    theme = Theme.objects.create(community=community, name="Jongeren")
    tagged = ask(member, community, title="Jongeren en schulden, wat werkt?", themes=[theme])
    ask(member, community, title="Zonder thema over de wijk")
    elsewhere = ask(member, other, title="In een andere gemeenschap")
    by_community = get("/api/v2/posts/", community=other.pk).json()
    assert [p["id"] for p in by_community["items"]] == [elsewhere.pk]
    by_theme = get("/api/v2/posts/", theme=theme.pk).json()
    assert [p["id"] for p in by_theme["items"]] == [tagged.pk]
    assert by_theme["items"][0]["themes"] == [{"id": theme.pk, "name": "Jongeren", "slug": "jongeren"}]


def test_filter_by_kind_and_solved(community, member, facilitator):
    solved = ask(member, community, title="Een opgeloste vraag over de wijk")
    services.answer_accept(user=member, post=solved, answer=answer(facilitator, solved))
    ask(member, community, title="Een open vraag over de wijk")
    items = get("/api/v2/posts/", kind="question", solved="true").json()["items"]
    assert [p["id"] for p in items] == [solved.pk]


@pytest.mark.parametrize("params", [{"community": "abc"}, {"kind": "other"}, {"offset": -1}, {"community": "9" * 30},
                                    {"theme": "9" * 30}, {"community": "²"}])
def test_bad_parameters_are_a_422(db, params):
    assert get("/api/v2/posts/", **params).status_code == 422


def test_an_absurd_post_id_is_refused_not_a_500(db):
    assert get(f"/api/v2/posts/{'9' * 30}/").status_code == 422


def test_unknown_post_is_404(db):
    response = get("/api/v2/posts/999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def _queries(path, headers, client=None):
    with CaptureQueriesContext(connection) as ctx:
        assert (client or Client()).get(path, **headers).status_code == 200
    return len(ctx.captured_queries)


API_QUERY_BUDGET = 15  # the benchmark's goal per request


@pytest.mark.parametrize("role", ["anonymous", "member", "token"])
@pytest.mark.parametrize("params", ["", "?kind=question&solved=false", "?limit=5&offset=3"])
def test_list_query_count_does_not_grow_with_data(community_factory, community, member, facilitator, role, params):
    """Every response built (the shared copies of test_api_cache.py off); a member signed in with a session."""
    headers = bearer(member) if role == "token" else {}
    client = Client()
    if role == "member":
        client.force_login(member)
    other = community_factory(title="Wonen en zorg")
    join(member, other)
    theme = Theme.objects.create(community=community, name="Jongeren")
    for n in range(9):  # enough for a full page at offset 3
        answer(facilitator, ask(member, community, title=f"Vraag nummer {n} over de wijk", themes=[theme]))
    _queries("/api/v2/posts/" + params, headers, client)
    small = _queries("/api/v2/posts/" + params, headers, client)
    for n in range(9, 30):
        post = ask(member, community if n % 2 else other, title=f"Vraag nummer {n} over de wijk",
                   themes=[theme] if n % 2 else [])
        answer(facilitator if n % 2 else member, post)
        answer(member, post, body="Nog een antwoord")
    large = _queries("/api/v2/posts/" + params, headers, client)
    assert small == large
    assert large <= API_QUERY_BUDGET


@pytest.mark.parametrize("role", ["anonymous", "token"])
def test_detail_query_count_does_not_grow_with_answers(community, member, facilitator, role):
    headers = bearer(member) if role == "token" else {}
    post = ask(member, community, title="Een vraag met veel antwoorden", themes=[])
    answer(facilitator, post)
    _queries(f"/api/v2/posts/{post.pk}/", headers)
    small = _queries(f"/api/v2/posts/{post.pk}/", headers)
    for n in range(20):
        answer(facilitator if n % 2 else member, post, body=f"Antwoord nummer {n}")
    assert _queries(f"/api/v2/posts/{post.pk}/", headers) == small <= API_QUERY_BUDGET


def test_responses_match_the_documented_schema(community, member, facilitator):
    """The items are written without pydantic (community.api.build_posts); they must still be what the schema says."""
    from community.api import PostOut, PostPage

    theme = Theme.objects.create(community=community, name="Jongeren")
    question = ask(member, community, title="Een vraag voor het schema van de API", themes=[theme])
    first = answer(facilitator, question, body="Een antwoord")
    answer(member, question, body="Een reactie", parent=first)
    services.answer_accept(user=member, post=question, answer=first)
    services.post_create(author=member, community=community, kind="story", title="Een verhaal voor het schema",
                         story={"story_status": "lopend", "context": "Aanleiding **vet**", "lessons": "Geleerd"})
    page = get("/api/v2/posts/").json()
    PostPage.model_validate(page)
    assert page["items"][0]["story_sections"] == [
        {"title": "Aanleiding", "html": "<p>Aanleiding <strong>vet</strong></p>"},
        {"title": "Wat we leerden", "html": "<p>Geleerd</p>"},
    ]
    detail = get(f"/api/v2/posts/{question.pk}/").json()
    PostOut.model_validate(detail)
    assert detail["is_solved"] and detail["accepted_answer_id"] == first.pk
    assert detail["themes"] == [{"id": theme.pk, "name": "Jongeren", "slug": "jongeren"}]
    assert detail["author"]["username"] == "member"
    assert detail["author"]["name"] == member.profile.name
    assert detail["created_at"].endswith("Z")


# -- the pages endpoint and the description --------------------------------------------------


def test_pages_endpoint_lists_communities_with_their_fields(community):
    data = get("/api/v2/pages/", type="community.CommunityPage", fields="summary,visibility").json()
    assert [(p["title"], p["visibility"]) for p in data["items"]] == [(community.title, "open")]
    assert data["meta"]["total_count"] == 1


def test_openapi_description_covers_pages_and_posts(db):
    response = get("/api/v2/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert {"/api/v2/pages/", "/api/v2/pages/{id}/", "/api/v2/posts/", "/api/v2/posts/{post_id}/"} <= set(schema["paths"])
    parameters = {p["name"] for p in schema["paths"]["/api/v2/posts/"]["get"]["parameters"]}
    assert {"community", "theme", "kind", "solved", "limit", "offset"} <= parameters
