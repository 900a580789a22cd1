"""Abuse limits, login throttling, the honeypot and browser security headers."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from community.models import Answer, HelpfulVote, Post
from tests.community.conftest import answer, ask, join
from tests.factories import PASSWORD, UserFactory

LIMITS = {"post": "2/h", "answer": "2/h", "vote": "2/h", "flag": "2/h", "join": "2/h", "invite": "2/h"}


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@override_settings(KOFFIETAFEL_RATE_LIMITS=LIMITS)
def test_posting_too_often_gets_429_with_text_kept(member_client, community):
    url = f"{community.url}vragen/nieuw/"
    for i in range(2):
        assert member_client.post(url, {"title": f"Een gewone vraag nummer {i}", "body": "x", "suggesties_gezien": "1"}).status_code == 302
    response = member_client.post(url, {"title": "Een derde vraag, te snel", "body": "Mijn zorgvuldige tekst", "suggesties_gezien": "1"})
    content = response.content.decode()
    assert response.status_code == 429
    assert "Wacht even" in content
    assert "Mijn zorgvuldige tekst" in content and "Een derde vraag, te snel" in content
    assert Post.objects.count() == 2


@override_settings(KOFFIETAFEL_RATE_LIMITS=LIMITS)
def test_answering_too_often_gets_429_with_text_kept(member_client, member, community, facilitator):
    post = ask(facilitator, community)
    url = f"{community.url}bijdragen/{post.pk}/antwoorden/"
    for i in range(2):
        member_client.post(url, {"body": f"Antwoord {i}"})
    response = member_client.post(url, {"body": "Mijn derde antwoord"})
    assert response.status_code == 429
    assert "Mijn derde antwoord" in response.content.decode()
    assert Answer.objects.count() == 2


@override_settings(KOFFIETAFEL_RATE_LIMITS=LIMITS)
def test_voting_too_often_gets_429(member_client, member, community, facilitator):
    post = ask(member, community)
    targets = [answer(facilitator, post, body=f"Antwoord {i}") for i in range(3)]
    statuses = [
        member_client.post(f"{community.url}bijdragen/{post.pk}/antwoorden/{t.pk}/nuttig/").status_code
        for t in targets
    ]
    assert statuses == [302, 302, 429]
    assert HelpfulVote.objects.count() == 2


@override_settings(KOFFIETAFEL_RATE_LIMITS=LIMITS)
def test_limits_count_per_person(client, community, facilitator):
    url = f"{community.url}vragen/nieuw/"
    for username in ("een", "twee"):
        user = UserFactory(username=username)
        join(user, community)
        client.force_login(user)
        for i in range(2):
            assert client.post(url, {"title": f"Vraag {i} van {username} hier", "body": "x", "suggesties_gezien": "1"}).status_code == 302
    assert Post.objects.count() == 4


def test_login_is_throttled_after_repeated_failures(db):
    user = UserFactory(username="doelwit")
    client = Client()
    for _ in range(5):
        client.post("/account/login/", {"login": user.email, "password": "fout-wachtwoord"})
    response = client.post("/account/login/", {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)


def test_honeypot_refuses_bot_sign_up(client, db):
    response = client.post("/account/signup/", {
        "email": "bot@example.org", "username": "robot", "password1": "een-lang-wachtwoord-42",
        "password2": "een-lang-wachtwoord-42", "display_name": "Robot", "website": "http://spam.example",
    })
    assert response.status_code == 200
    assert "kon niet worden verwerkt" in response.content.decode()
    assert not get_user_model().objects.filter(username="robot").exists()


def test_honeypot_is_invisible_to_people(client, db):
    content = client.get("/account/signup/").content.decode()
    assert 'name="website"' in content
    import re

    tag = re.search(r"<input[^>]*name=\"website\"[^>]*>", content).group(0)
    assert "hidden" in tag and 'tabindex="-1"' in tag


@pytest.mark.parametrize("path", ["/", "/gemeenschappen/", "/account/login/", "/toegankelijkheid/"])
def test_security_headers_on_public_pages(client, site_tree, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_hsts_over_https(site_tree):
    response = Client().get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


# -- the JSON API ---------------------------------------------------------------------------------


def _api_bearer(user) -> dict:
    from wagtail.models import APIToken

    _token, plaintext = APIToken.create_token(user=user, name="limiet")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


@override_settings(KOFFIETAFEL_RATE_LIMITS={**LIMITS, "api": "3/m"})
@pytest.mark.parametrize("path", ["/api/v2/posts/", "/api/v2/pages/"])
def test_api_callers_over_their_limit_get_429_with_a_dutch_reason(site_tree, path):
    client = Client()
    statuses = [client.get(path).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    response = client.get(path)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Te veel verzoeken" in response.json()["detail"]


@override_settings(KOFFIETAFEL_RATE_LIMITS={**LIMITS, "api": "2/m"})
def test_api_limit_counts_per_token_not_for_everyone_behind_one_address(site_tree, member, outsider):
    first, second = Client(**_api_bearer(member)), Client(**_api_bearer(outsider))
    assert [first.get("/api/v2/posts/").status_code for _ in range(3)] == [200, 200, 429]

    assert second.get("/api/v2/posts/").status_code == 200


@override_settings(KOFFIETAFEL_RATE_LIMITS={**LIMITS, "api": "2/m"})
def test_api_limit_leaves_the_site_alone(site_tree):
    client = Client()
    for _ in range(3):
        client.get("/api/v2/posts/")

    assert client.get("/").status_code == 200
