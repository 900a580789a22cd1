"""Rendered fragments shared between viewers who would see exactly the same HTML.

The thread under a question (50 answers, each with its author, dates, counts and buttons) costs
more to render than the rest of the page together. Most people who read a thread see the same
HTML: what differs is who they are *to this thread* (their role, whether they asked the question)
and what they did *in it* (their own answers, votes and reports). So the rendered thread is kept
in the cache under a key made of everything it depends on:

- the post and its **thread generation**, a value renewed whenever anything shown in the thread
  changes: an answer written, edited, hidden or deleted, a helpful vote, an accepted answer, the
  post saved (``forget_thread``: at once and after the commit, as ``selectors.forget_people``);
  and the post's accepted answer, because the view reads the post row before the generation;
- the **people generation** (names and organisations shown with each answer);
- the community's URL (every form posts to it) and the active language;
- the viewer's **class** for this thread: signed in or not, may answer, may accept, may moderate;
- the viewer's own id **only when they did something in this thread** (an answer of their own,
  which they see even when hidden, a vote or a report): their copy is theirs alone. The check is
  one query on every view, so the moment someone votes, their next view is their own copy.

Forms in a shared fragment must not carry one viewer's CSRF token to another: the token is
replaced by a placeholder before storing and by the viewer's own token on every use (the same
technique as the anonymous page cache, koffietafel.page_cache). The placeholder is random per
stored copy, so text someone wrote in an answer can never make the page show a reader's token.
"""

from __future__ import annotations

import hashlib
import re
import uuid

from django.core.cache import caches
from django.middleware.csrf import get_token
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from koffietafel import generations

CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
THREAD_GENERATION_KEY = "community:thread-generation:{post_id}"
FRAGMENT_SECONDS = 600


def thread_generation(post_id: int) -> str:
    return generations.current(THREAD_GENERATION_KEY.format(post_id=post_id))


def forget_thread(post_id: int | None) -> None:
    """Something shown in this post's thread changed: every cached copy of it is outdated.

    Now (later reads in this transaction) and after the commit (a request that rendered the thread
    meanwhile saw the old rows and may have stored them under the old generation's successor).
    """
    if post_id is None:
        return
    key = THREAD_GENERATION_KEY.format(post_id=post_id)
    generations.renew(key)


def thread_key(*, post, page_url: str, people_generation: str, viewer: tuple) -> str:
    raw = "|".join(
        str(part)
        # The post row was read before the generation: its accepted answer goes in the key itself.
        for part in (post.pk, thread_generation(post.pk), post.accepted_answer_id, people_generation, page_url,
                     get_language(), *viewer)
    )
    return "community:thread:" + hashlib.sha256(raw.encode()).hexdigest()


def shared(request, key: str, render) -> str:
    """The fragment stored under ``key``, or ``render()`` stored there; with this viewer's CSRF token."""
    fragments = caches["fragments"]  # none without a cache every process shares (settings)
    entry = fragments.get(key)
    if entry is None:
        placeholder = f"csrf-{uuid.uuid4().hex}"
        entry = (placeholder, CSRF_INPUT.sub(rf"\g<1>{placeholder}\g<2>", str(render())))
        fragments.set(key, entry, FRAGMENT_SECONDS)
    placeholder, content = entry
    if placeholder in content:
        content = content.replace(placeholder, get_token(request))
    return mark_safe(content)  # rendered by our own template, autoescaped there
