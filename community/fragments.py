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

The post's **header** above the thread (kind, title, author, dates, the hidden notice, the text,
themes and the learning links of a question) is the same for everyone who may read the post, so it
is shared too, under:

- the post and its **post generation**, renewed when the post is saved (every edit, hiding and
  restoring), its themes or organisations change, or its learning link (``forget_post``, from
  community/receivers_post_page.py and learning/receivers.py);
- whether it is solved and hidden as the view's own row says (read before the generations; the
  header shows those two from that row, so an accept, which saves no post, needs no renewal);
- the people generation, the community's URL, the language, and the **post headers generation**
  (theme names, prompts and learning goals, page paths: ``forget_post_headers``).

Access is decided on every view from the post's own row (selectors.post_page_row); the header's
texts are read only when it is not in the cache. What is personal (follow buttons, edit and
moderation controls, a story's case story actions) is rendered per view; the blank answer form is
the same for every member who may answer and is shared too (``answer_form_key``).

Forms in a shared fragment must not carry one viewer's CSRF token to another: the token is
replaced by a placeholder before storing and by the viewer's own token on every use (the same
technique as the anonymous page cache, koffietafel.page_cache). The placeholder is random per
stored copy, so text someone wrote in an answer can never make the page show a reader's token.
"""

from __future__ import annotations

import hashlib
import re
import uuid

from django.core.cache import cache, caches
from django.middleware.csrf import get_token
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from koffietafel import generations

CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
THREAD_GENERATION_KEY = "community:thread-generation:{post_id}"
POST_GENERATION_KEY = "community:post-generation:{post_id}"
POST_HEADERS_GENERATION_KEY = "community:post-headers-generation"
FRAGMENT_SECONDS = 600
# Where the post header's follow buttons go (post_header.html): before any text a user wrote, so
# the first occurrence is always the template's own (titles and names are escaped).
FOLLOW_BUTTONS_MARKER = "<!-- koffietafel:follow-buttons -->"


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


def forget_post(post_id: int | None) -> None:
    """Something the post's shared header shows changed (its row, themes, organisations, learning link)."""
    if post_id is not None:
        generations.renew(POST_GENERATION_KEY.format(post_id=post_id))


def forget_post_headers() -> None:
    """A theme, a learning link's prompt or goal, or a page's path changed: every post header is redone.

    Now and after the commit (site/generations.py). Rare (framework publishes, theme edits).
    """
    generations.renew(POST_HEADERS_GENERATION_KEY)


def _key(prefix: str, parts) -> str:
    return prefix + hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()


def post_page_keys(*, post, page_url: str, viewer: tuple) -> tuple[str, str]:
    """Keys of the post's shared header and thread, with their generations read in one cache round trip.

    ``post`` is the row the view read before the generations: what it decided from that row (the
    accepted answer, hidden or not) goes in the keys itself.
    """
    from .selectors import PEOPLE_GENERATION_KEY

    names = (THREAD_GENERATION_KEY.format(post_id=post.pk), POST_GENERATION_KEY.format(post_id=post.pk),
             PEOPLE_GENERATION_KEY, POST_HEADERS_GENERATION_KEY)
    found = cache.get_many(names)
    thread, own, people, headers = (generations.current(name, found=found.get(name)) for name in names)
    common = (post.pk, post.accepted_answer_id, post.is_hidden, people, page_url, get_language())
    return (
        _key("community:post-header:", (*common, own, headers)),
        _key("community:thread:", (*common, thread, *viewer)),
    )


def answer_form_key(*, post, page_url: str) -> str:
    """The blank answer form under a post: the same for every member who may answer (their CSRF token aside)."""
    return _key("community:answer-form:", (post.pk, post.kind, page_url, get_language()))


def shared(request, key: str, render) -> str:
    """The fragment stored under ``key``, or ``render()`` stored there; with this viewer's CSRF token."""
    return shared_many(request, [(key, render)])[0]


def shared_many(request, parts: list[tuple[str, object]]) -> list[str]:
    """``shared`` for several (key, render) pairs, in one cache round trip (two when any is missing)."""
    fragments = caches["fragments"]  # none without a cache every process shares (settings)
    entries = fragments.get_many([key for key, _render in parts])
    new = {}
    for key, render in parts:
        if key not in entries:
            placeholder = f"csrf-{uuid.uuid4().hex}"
            entries[key] = new[key] = (placeholder, CSRF_INPUT.sub(rf"\g<1>{placeholder}\g<2>", str(render())))
    if new:
        fragments.set_many(new, FRAGMENT_SECONDS)
    result = []
    for key, _render in parts:
        placeholder, content = entries[key]
        if placeholder in content:
            content = content.replace(placeholder, get_token(request))
        result.append(mark_safe(content))  # rendered by our own template, autoescaped there
    return result
