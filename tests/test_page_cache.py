"""The anonymous page cache (koffietafel.page_cache) never serves one visitor's page to another.

Production switches it on with ANONYMOUS_PAGE_CACHE_SECONDS (see settings/scale_out.py); here it
is added to the test settings' middleware in the same place.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test.utils import CaptureQueriesContext

from community import services
from community.models import Visibility

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _page_cache_on(page_cache_on):
    """Every test here runs with the anonymous page cache on (tests/conftest.py)."""


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def test_second_anonymous_visit_is_served_from_the_cache(client, community):
    first, _ = get(client, community.url)
    client.cookies.clear()
    second, queries = get(client, community.url)
    assert first.status_code == second.status_code == 200
    assert queries == 0
    assert TOKEN.sub("", first.content.decode()) == TOKEN.sub("", second.content.decode())


def test_each_visitor_from_the_cache_gets_a_csrf_token_for_their_own_cookie(client, community):
    get(client, community.url)
    client.cookies.clear()
    response, queries = get(client, community.url)
    assert queries == 0
    cookie = response.cookies[settings.CSRF_COOKIE_NAME].value
    tokens = TOKEN.findall(response.content.decode())
    assert tokens, "the page has a form with a CSRF token (language switch)"
    assert all(_unmask_cipher_token(t) == cookie for t in tokens)


def test_signed_in_member_never_gets_the_anonymous_copy_nor_leaves_one(client, community, member):
    get(client, community.url)
    client.force_login(member)
    as_member, queries = get(client, community.url)
    assert queries > 0
    assert "Je bent lid van deze gemeenschap" in as_member.content.decode()
    client.logout()
    client.cookies.clear()
    anonymous, _ = get(client, community.url)
    assert "Je bent lid van deze gemeenschap" not in anonymous.content.decode()


def test_private_community_pages_are_never_stored_for_anonymous_visitors(client, community_factory, member):
    private = community_factory(visibility=Visibility.PRIVATE)
    first, _ = get(client, private.url)
    client.cookies.clear()
    second, queries = get(client, private.url)
    assert first.status_code == second.status_code == 404
    assert queries > 0


def test_a_change_to_the_content_reaches_the_next_anonymous_visitor(client, community, member,
                                                                   django_capture_on_commit_callbacks):
    get(client, community.url)
    with django_capture_on_commit_callbacks(execute=True):  # the cache is told after the commit
        services.post_create(author=member, community=community, kind="question",
                             title="Nieuwe vraag over de koffietafel", body="Tekst")
    client.cookies.clear()
    response, queries = get(client, community.url)
    assert queries > 0
    assert "Nieuwe vraag over de koffietafel" in response.content.decode()


def test_anonymous_api_list_is_served_from_the_cache(client, community, member):
    from tests.community.conftest import ask

    ask(member, community, title="Een vraag voor de API-cache")
    first, _ = get(client, "/api/v2/posts/")
    second, queries = get(client, "/api/v2/posts/")
    assert first.status_code == second.status_code == 200
    assert queries == 0
    assert first.json() == second.json()


def test_a_request_with_a_token_never_gets_the_anonymous_copy_nor_leaves_one(client, community_factory, member):
    from wagtail.models import APIToken

    from tests.community.conftest import ask, join

    closed = community_factory(title="Besloten kring", visibility=Visibility.CLOSED)
    join(member, closed)
    ask(member, closed, title="Alleen voor leden van de kring")
    _token, plaintext = APIToken.create_token(user=member, name="test")
    header = {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}
    assert client.get("/api/v2/posts/").json()["meta"]["total_count"] == 0  # stored for anonymous visitors
    assert client.get("/api/v2/posts/", **header).json()["meta"]["total_count"] == 1
    assert client.get("/api/v2/posts/").json()["meta"]["total_count"] == 0
    assert client.get("/api/v2/posts/", HTTP_AUTHORIZATION="Bearer wagtail_wrong").status_code == 401


# -- invalidation from processes that serve no pages ------------------------------------------

WORKER_SCRIPT = """
import json
from django.contrib.sites.models import Site
from django.db.models.signals import post_save
from koffietafel import page_cache
calls = []
page_cache.new_generation = lambda **kwargs: calls.append(1)
post_save.send(sender=Site, instance=Site(domain="x.example"), created=True)
print(json.dumps({"new_generations": len(calls)}))
"""


def test_a_management_command_process_invalidates_the_cache_without_any_request(tmp_path):
    """db_worker, cron jobs and shell sessions build no middleware; their changes must still count."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(DJANGO_SETTINGS_MODULE="koffietafel.settings.production", SECRET_KEY="page-cache-test-" + "x" * 60,
               DATABASE_URL=f"sqlite:///{tmp_path / 'worker.sqlite3'}", ANONYMOUS_PAGE_CACHE_SECONDS="60")
    result = subprocess.run([sys.executable, "manage.py", "shell", "-v", "0", "-c", WORKER_SCRIPT], cwd=root,
                            env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"new_generations": 1}


def test_a_change_made_outside_a_request_reaches_the_next_anonymous_visitor(client, community, member,
                                                                          django_capture_on_commit_callbacks):
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    get(client, community.url)  # stored
    # As in a worker process, where no middleware was ever built: only app loading (home's
    # AppConfig.ready(), which django.setup() runs in every process) connects the receivers.
    for signal in (post_save, post_delete, m2m_changed):
        signal.disconnect(dispatch_uid=f"anonymous_page_cache_{signal!r}")
    apps.get_app_config("home").ready()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(author=member, community=community, kind="question",
                             title="Vraag uit een achtergrondtaak", body="Tekst")
    client.cookies.clear()
    response, queries = get(client, community.url)
    assert queries > 0
    assert "Vraag uit een achtergrondtaak" in response.content.decode()


def test_text_that_looks_like_the_token_placeholder_never_becomes_a_visitors_token(client, community, member):
    """Someone who writes the placeholder into a post must not make cached pages hand out tokens."""
    from django.conf import settings as django_settings

    placeholder = "__KOFFIETAFEL_CSRF_TOKEN__"  # the fixed placeholder of the first version
    post, _created = services.post_create(
        author=member, community=community, kind="question", title="Wat betekent dit teken?",
        body=f"[klik hier](https://example.org/?t={placeholder})",
    )
    get(client, post.get_url())
    client.cookies.clear()
    response, queries = get(client, post.get_url())

    assert queries == 0
    cookie = response.cookies[django_settings.CSRF_COOKIE_NAME].value
    html = response.content.decode()
    assert placeholder in html  # shown as typed
    assert not any(_unmask_cipher_token(token) == cookie for token in re.findall(r"t=([A-Za-z0-9]{64})", html))
