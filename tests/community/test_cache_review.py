"""Review of the member-page caches (issue 8): what a reader sees right after a change, or another's view.

Each test first makes someone render (and so store) the cached part, then changes something through
a door that does not go through the obvious signal, and checks what the next reader sees.
"""

from __future__ import annotations

import pytest
from django.test import Client

from community import services
from community.models import Post
from tests.community.conftest import answer, ask, join
from tests.factories import UserFactory


def page(user, url):
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def thread_of(html):
    start = html.index('<section aria-labelledby="answers-heading"')
    return html[start:html.index("</section>", start)]


@pytest.fixture
def question(community, member, facilitator):
    post = ask(member, community, title="Hoe bereik je inwoners die hun post niet openen?")
    answer(facilitator, post, body="Ga langs met de wijkagent.")
    answer(facilitator, post, body="Of stuur een kaartje.")
    return post


def test_a_report_shows_to_a_reader_who_already_had_a_thread_of_their_own(question, community):
    """A reader who voted has their own copy; reporting another answer must still show as reported."""
    colleague = join(UserFactory(username="colleague"), community).user
    first, second = question.answers.order_by("pk")
    services.answer_vote(user=colleague, answer=first, post=question)
    assert "Gemeld" not in thread_of(page(colleague, question.get_url()))  # their own copy is stored

    services.answer_flag(user=colleague, answer=second, post=question, reason="Klopt niet")

    assert "Gemeld" in thread_of(page(colleague, question.get_url()))


def test_an_answer_accepted_while_a_reader_renders_is_not_stored_as_unaccepted(question, member, community, rf):
    """The post row is read before the thread's generation: a copy made from an old row must not outlive it."""
    from django.contrib.sessions.backends.cache import SessionStore

    from community import selectors, views

    reader = join(UserFactory(username="reader"), community).user
    reply = question.answers.order_by("pk").first()
    # The reader's request loaded the post ...
    stale_post = selectors.post_page_row(user=reader, community=community, pk=question.pk)
    services.answer_accept(user=member, post=question, answer=reply)  # ... then the accept committed

    request = rf.get(question.get_url())
    request.user, request.session = reader, SessionStore()
    perms = {"can_answer": True, "can_accept": False, "can_moderate": False}
    views._shared_parts(request, community, stale_post, perms)  # and rendered header and thread from its old row

    html = page(reader, question.get_url())
    assert "Geaccepteerd antwoord" in thread_of(html)
    assert "Opgelost" in html


def test_a_theme_renamed_in_the_framework_shows_in_the_cached_post_list(community, member):
    """Publishing a framework renames a theme with update() (no post_save on Theme)."""
    from community.models import Theme
    from tests.factories import FrameworkPageFactory
    from tests.learning.builders import body, publish, theme

    framework = FrameworkPageFactory(parent=community)
    block = "40000000-0000-0000-0000-000000000001"
    publish(framework, body(themes=[theme("Vroegsignalering", id=block)]))
    ask(member, community, themes=[Theme.objects.get(community=community)])
    assert "Vroegsignalering" in page(member, community.url)

    publish(framework, body(themes=[theme("Vroeg signaleren", id=block)]))

    html = page(member, community.url)
    assert "Vroeg signaleren" in html and "Vroegsignalering" not in html


def test_after_restoring_a_backup_readers_see_the_restored_database(community, member, question, monkeypatch,
                                                                   tmp_path):
    """A restore changes every row without a signal; cached copies of the old rows must not be served."""
    from django.core.management import call_command

    from home.management.commands import restore_db

    other = join(UserFactory(username="other"), community).user
    assert "Hoe bereik je inwoners" in page(other, community.url)
    assert "Ga langs met de wijkagent." in page(other, question.get_url())

    def restore_older_backup(connection, source):  # what pg_restore or SQLite's backup API leave behind
        Post.objects.filter(pk=question.pk).update(title="Titel uit de backup")
        question.answers.filter(comment="Ga langs met de wijkagent.").update(body_html="<p>Uit de backup.</p>")

    monkeypatch.setattr(restore_db, "restore", restore_older_backup)
    backup = tmp_path / "koffietafel.backup"
    backup.write_bytes(b"")
    call_command("restore_db", str(backup), stdout=__import__("io").StringIO())

    assert "Titel uit de backup" in page(other, community.url)
    assert "Uit de backup." in page(other, question.get_url())


# Production without REDIS_URL (docs/deployment.md: "gunicorn N workers", each with its own
# local-memory cache): a change in one worker renews generations in that worker's cache only.
PRODUCTION_WITHOUT_REDIS = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"},
    "fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}


class Worker:
    """One gunicorn worker's own local-memory default cache, swapped in while it serves."""

    def __init__(self):
        import threading
        from collections import OrderedDict

        self.store = (OrderedDict(), {}, threading.Lock())

    def __enter__(self):
        from django.core.cache import caches

        cache = caches["default"]
        self.saved = cache._cache, cache._expire_info, cache._lock
        cache._cache, cache._expire_info, cache._lock = self.store

    def __exit__(self, *exc):
        from django.core.cache import caches

        cache = caches["default"]
        cache._cache, cache._expire_info, cache._lock = self.saved


def test_without_a_shared_cache_another_worker_never_shows_what_a_facilitator_hid(question, facilitator, community):
    from django.test import override_settings

    reader = join(UserFactory(username="reader"), community).user
    private = question.answers.get(comment="Ga langs met de wijkagent.")
    with override_settings(CACHES=PRODUCTION_WITHOUT_REDIS):
        one, other = Worker(), Worker()
        with other:
            assert "Ga langs met de wijkagent." in thread_of(page(reader, question.get_url()))
            assert "Hoe bereik je inwoners" in page(reader, community.url)

        with one:
            services.answer_set_hidden(moderator=facilitator, answer=private, post=question, hidden=True,
                                       reason="Privégegevens")
        with other:
            assert "Ga langs met de wijkagent." not in thread_of(page(reader, question.get_url()))

        with one:
            services.post_set_hidden(moderator=facilitator, post=question, hidden=True, reason="Privégegevens")
        with other:
            assert "Hoe bereik je inwoners" not in page(reader, community.url)
