"""bench/run, step 1: find the URLs to measure, sign the bench member in, count SQL queries.

Runs against the same database and settings as the server (koffietafel.settings.bench) and prints
one JSON object: {"member_cookie": ..., "pages": [{"name", "url", "status", "queries": {...}}]}.

Queries are counted with Django's test client and CaptureQueriesContext, per page and role:
``cold`` after clearing the cache (what building the page costs), ``warm`` on the next request
(what a visitor costs while the caches are filled).
"""

from __future__ import annotations

import json
import os
import sys

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koffietafel.settings.bench")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from community.models import CommunityPage, Post  # noqa: E402

HOST = "127.0.0.1"
SEARCH_TERM = os.environ.get("BENCH_SEARCH_TERM", "gemeente")
API_CANDIDATES = ["/api/v2/posts/", "/api/v2/communities/", "/api/v2/pages/"]


def clear_caches():
    for alias in settings.CACHES:
        caches[alias].clear()


def get(client, url):
    return client.get(url, HTTP_HOST=HOST, secure=False)


def count(client, url) -> dict:
    clear_caches()
    with CaptureQueriesContext(connection) as cold:
        response = get(client, url)
    with CaptureQueriesContext(connection) as warm:
        get(client, url)
    return {"status": response.status_code, "cold": len(cold), "warm": len(warm)}


def main():
    community = CommunityPage.objects.filter(slug__startswith="bench-").order_by("pk").first()
    if community is None:
        sys.exit("prepare: no bench communities; run seed_bench first")
    question = (
        Post.objects.filter(community=community, kind=Post.Kind.QUESTION).annotate(rows=Count("answers"))
        .filter(rows=50).order_by("pk").first()
    )
    member = get_user_model().objects.get(username="bench000001")
    anonymous = Client(raise_request_exception=False)
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(member)
    cookie = signed_in.cookies[settings.SESSION_COOKIE_NAME].value

    api_url = API_CANDIDATES[0]
    for candidate in API_CANDIDATES:
        if get(anonymous, candidate).status_code == 200:
            api_url = candidate
            break
    pages = [
        ("bare view (ceiling)", "/_bench/bare/"),
        ("home", "/"),
        ("community", community.url),
        ("question, 50 answers", question.get_url()),
        ("search", f"/zoeken/?q={SEARCH_TERM}"),
        ("API list", api_url),
    ]
    result = {"member_cookie": cookie, "session_cookie_name": settings.SESSION_COOKIE_NAME, "pages": []}
    for name, url in pages:
        entry = {"name": name, "url": url}
        for role, client in (("anonymous", anonymous), ("member", signed_in)):
            entry[role] = count(client, url)
        result["pages"].append(entry)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
