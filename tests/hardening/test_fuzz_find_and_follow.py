"""Fuzzing the doors of find and follow: the JSON API, the search page and the issue-6 forms.

Same rules as test_fuzz.py: no 500 for any input, no stored script, the user's text kept on a
validation error. Hypothesis generates odd digits ("²", "١٢"), huge numbers, NUL, markup and
control characters; each example is a real request through the whole stack.
"""

from __future__ import annotations

import html
import itertools
import os
from urllib.parse import quote

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import APIToken

from community.models import Delivery, DigestFrequency, Follow, NotificationKind, Theme
from tests.community.conftest import ask

NASTY = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\x00", "\u202e", "' OR 1=1 --", "{{ 7*7 }}",
         "%(name)s", "\r\n", "😀", "&amp;", "²", "١٢", "٣", "-1", "0", "1e3", "0x10", " 1", "1 ", "9" * 30, "true",
         "True", "null", "[]", "{}", "Bearer", "wagtail_", "..", "%00", "\t"]
texts = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=8)), max_size=6).map("".join),
)
numbers = st.one_of(st.integers(min_value=-(2**70), max_value=2**70).map(str), st.sampled_from(NASTY), texts)
values = st.one_of(st.none(), numbers)  # None: the parameter is left out
# FUZZ_EXAMPLES=500 for a deep run; the default keeps this file well under a minute.
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
NO_LIMITS = override_settings(KOFFIETAFEL_RATE_LIMITS={})


_numbers = itertools.count()


def params_of(**candidates) -> dict:
    return {name: value for name, value in candidates.items() if value is not None}


@pytest.fixture
def posts(community, member, facilitator):
    theme = Theme.objects.create(community=community, name="Jongeren")
    ask(member, community, title="Een vraag over schuldhulp in de wijk", themes=[theme])
    return theme


@pytest.fixture
def token(member):
    _token, plaintext = APIToken.create_token(user=member, name="fuzz")
    return plaintext


# -- the JSON API ----------------------------------------------------------------------------


@NO_LIMITS
@FUZZ
@given(community_=values, theme=values, kind=st.one_of(st.none(), st.sampled_from(["question", "story"]), texts),
       solved=st.one_of(st.none(), st.sampled_from(["true", "false", "1", "0", "yes"]), texts),
       limit=values, offset=values, with_token=st.booleans())
def test_api_list_parameters(client, posts, token, community_, theme, kind, solved, limit, offset, with_token):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if with_token else {}
    response = client.get("/api/v2/posts/", params_of(community=community_, theme=theme, kind=kind, solved=solved,
                                                      limit=limit, offset=offset), **headers)
    assert response.status_code in (200, 422), response.content[:300]
    if response.status_code == 200:
        assert set(response.json()) == {"meta", "items"}


@NO_LIMITS
@FUZZ
@given(post_id=st.one_of(st.integers(min_value=-(2**70), max_value=2**70).map(str), numbers))
def test_api_detail_with_any_id(client, posts, post_id):
    response = client.get(f"/api/v2/posts/{quote(post_id, safe='')}/")
    assert response.status_code in (200, 404, 422), response.content[:300]


@NO_LIMITS
@FUZZ
@given(header=st.one_of(texts, st.sampled_from(["Bearer", "Bearer ", "Bearer  x", "bearer wagtail_x", "Basic eDp5",
                                                "Bearer wagtail_" + "a" * 5000, "Bearer \x00", "Token x"])))
def test_api_authorization_header_garbage(client, posts, header):
    """Any Authorization header but a valid token is a 401 (never anonymous, never a 500); none is anonymous."""
    response = client.get("/api/v2/posts/", HTTP_AUTHORIZATION=header)
    if header:
        assert response.status_code == 401, (header, response.status_code)
    else:
        assert response.status_code == 200


@NO_LIMITS
@FUZZ
@given(path=st.sampled_from(["/api/v2/pages/", "/api/v2/pages/?type=community.CommunityPage"]),
       limit=values, offset=values, search=st.one_of(st.none(), texts), order=st.one_of(st.none(), texts))
def test_api_pages_parameters(client, posts, path, limit, offset, search, order):
    response = client.get(path, params_of(limit=limit, offset=offset, search=search, order=order))
    assert response.status_code in (200, 400, 404), response.content[:300]


@pytest.mark.parametrize("params", [
    {"search": "\x00"}, {"search": "gemeente\x00"}, {"offset": "9" * 30}, {"offset": str(2**63)},
    {"search": "schuldhulp", "search_operator": "x"}, {"search": "schuldhulp", "search_operator": "\x00"},
])
def test_api_pages_odd_parameters_are_a_400(client, posts, params):
    """Found by fuzzing: Wagtail's pages endpoint answered these with a 500 (NUL to PostgreSQL, an
    offset beyond bigint, an unknown search operator)."""
    response = client.get("/api/v2/pages/", params)
    assert response.status_code == 400
    assert "message" in response.json()


@pytest.mark.parametrize("search", ['"', 'schuld"hulp', "NEAR(", "a.b", "*", "-", "AND", "'"])
def test_api_pages_search_with_search_syntax_is_not_a_500(client, posts, search):
    """Found by fuzzing: on SQLite a lone quote reached FTS5 ("unterminated string", a 500)."""
    response = client.get("/api/v2/pages/", {"search": search})
    assert response.status_code == 200


# -- the search page -------------------------------------------------------------------------


@NO_LIMITS
@FUZZ
@given(q=st.one_of(st.none(), texts), soort=values, gemeenschap=values, thema=values, status=values, pagina=values,
       signed_in=st.booleans())
def test_search_parameters(client, member, posts, q, soort, gemeenschap, thema, status, pagina, signed_in):
    if signed_in:
        client.force_login(member)
    response = client.get("/zoeken/", params_of(q=q, soort=soort, gemeenschap=gemeenschap, thema=thema, status=status,
                                                 pagina=pagina))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page  # echoed only escaped


@NO_LIMITS
@FUZZ
@given(gemeenschap=st.sampled_from(["own", "other"]), thema=values, q=texts)
def test_search_theme_of_a_real_community(client, community, posts, gemeenschap, thema, q):
    response = client.get("/zoeken/", params_of(q=q or "schuldhulp", gemeenschap=community.pk, thema=thema))
    assert response.status_code == 200


# -- issue 6: notification settings, follow, API tokens, joining ----------------------------


@NO_LIMITS
@FUZZ
@given(choices=st.dictionaries(st.sampled_from([f"kind_{k.value}" for k in NotificationKind]),
                               st.one_of(st.sampled_from(Delivery.values), texts), max_size=6),
       digest=st.one_of(st.sampled_from(DigestFrequency.values), texts), days=values)
def test_notification_settings_form(client, community, facilitator, choices, digest, days):
    client.force_login(facilitator)
    data = {**choices, "digest": digest}
    if days is not None:
        data[f"days_{community.pk}"] = days
    response = client.post("/meldingen/instellingen/", data)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert 'aria-invalid="true"' in response.content.decode() or "error" in response.content.decode().lower()


@NO_LIMITS
@FUZZ
@given(soort=st.one_of(st.sampled_from(["gemeenschap", "bijdrage", "thema", "persoon"]), texts),
       id_=values, actie=st.one_of(st.none(), st.sampled_from(["volgen", "ontvolgen"]), texts),
       next_=st.one_of(st.none(), st.sampled_from(["//evil.example/", "https://evil.example/", "javascript:alert(1)",
                                                   "/meldingen/", "\\\\evil.example"]), texts))
def test_follow_and_unfollow(client, community, member, posts, soort, id_, actie, next_):
    client.force_login(member)
    response = client.post("/volgen/", params_of(soort=soort, id=id_, actie=actie, next=next_))
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        location = response["Location"]
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location


@NO_LIMITS
@FUZZ
@given(name=texts)
def test_api_token_form(client, member, name):
    client.force_login(member)
    before = APIToken.objects.filter(user=member).count()
    response = client.post("/profiel/api-sleutels/", {"name": name})
    assert response.status_code in (200, 400)
    stored = APIToken.objects.filter(user=member).count() > before
    page = html.unescape(response.content.decode())
    if stored:
        # The name is shown back escaped: never as markup.
        assert "<script>alert" not in response.content.decode()
    elif name.strip() and "\x00" not in name and response.status_code == 400:
        assert name.strip()[:50] in page


@NO_LIMITS
@FUZZ
@given(meldingen=st.one_of(st.none(), st.sampled_from(["immediate", "digest", "off", "none"]), texts))
def test_join_with_a_notification_choice(client, community_factory, outsider, meldingen):
    community = community_factory(title=f"Gemeenschap om lid van te worden {next(_numbers)}")
    client.force_login(outsider)
    response = client.post(community.url + "lid-worden/", params_of(meldingen=meldingen))
    assert response.status_code == 302
    follow = Follow.objects.filter(user=outsider, community=community).first()
    if meldingen == "none":
        assert follow is None
    else:
        assert follow is not None and follow.delivery in Delivery.values


def test_join_choice_of_a_pending_request_also_follows_only_with_a_valid_delivery(client, community_factory, outsider):
    closed = community_factory(title="Besloten kring", closed=True)
    client.force_login(outsider)
    client.post(closed.url + "lid-worden/", {"meldingen": "<script>"})
    assert Follow.objects.get(user=outsider, community=closed).delivery == Delivery.DIGEST
