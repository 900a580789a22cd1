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
  made on every view with the post's row (selectors.post_page_row), so the moment someone votes,
  their next view is their own copy.

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
the same for every member who may answer and is shared too.

The generations are kept with the fragments, and each stored part carries the generations it was
rendered under instead of having them in its key: generations and parts then come in one round
trip (``post_page_parts``), and a part is used only while its generations are current.

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
POST_GENERATION_KEY = "community:post-generation:{post_id}"
POST_HEADERS_GENERATION_KEY = "community:post-headers-generation"
FRAGMENT_SECONDS = 600
# Where the post header's follow buttons go (post_header.html): before any text a user wrote, so
# the first occurrence is always the template's own (titles and names are escaped).
FOLLOW_BUTTONS_MARKER = "<!-- koffietafel:follow-buttons -->"


def _generations():
    """Where the post page's generations live: with the fragments (one round trip for both)."""
    return caches["fragments"]  # none without a cache every process shares (settings)


def forget_thread(post_id: int | None) -> None:
    """Something shown in this post's thread changed: every cached copy of it is outdated.

    Now (later reads in this transaction) and after the commit (a request that rendered the thread
    meanwhile saw the old rows and may have stored them under the old generation's successor).
    """
    if post_id is None:
        return
    generations.renew(THREAD_GENERATION_KEY.format(post_id=post_id), cache=_generations())


def forget_post(post_id: int | None) -> None:
    """Something the post's shared header shows changed (its row, themes, organisations, learning link)."""
    if post_id is not None:
        generations.renew(POST_GENERATION_KEY.format(post_id=post_id), cache=_generations())


def forget_post_headers() -> None:
    """A theme, a learning link's prompt or goal, or a page's path changed: every post header is redone.

    Now and after the commit (site/generations.py). Rare (framework publishes, theme edits).
    """
    generations.renew(POST_HEADERS_GENERATION_KEY, cache=_generations())


def _key(prefix: str, parts) -> str:
    return prefix + hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()


def post_page_parts(request, *, post, page_url: str, viewer: tuple, renders: dict) -> dict[str, str]:
    """The post page's shared parts, each stored or ``renders[name]()`` stored; with this reader's CSRF token.

    ``renders`` holds "header", "thread" and, for a blank form, "answer_form". Their generations and
    the stored parts come in one round trip (two when a part must be rendered). A part is stored
    under a key of what the view decided before reading the generations (from the post row: the
    accepted answer, hidden or not; the reader's class) together with the generations it was
    rendered under, and used only while those are current: as if they were part of the key.
    """
    from .selectors import people_generation

    store = caches["fragments"]
    names = {
        "thread": THREAD_GENERATION_KEY.format(post_id=post.pk),
        "post": POST_GENERATION_KEY.format(post_id=post.pk),
        "headers": POST_HEADERS_GENERATION_KEY,
    }
    common = (post.pk, post.accepted_answer_id, post.is_hidden, page_url, get_language())
    keys = {
        "header": _key("community:post-header:", common),
        "thread": _key("community:thread:", (*common, *viewer)),
        "answer_form": _key("community:answer-form:", (post.pk, post.kind, page_url, get_language())),
    }
    keys = {name: keys[name] for name in renders}
    found = store.get_many([*names.values(), *keys.values()])
    current = {name: generations.current(key, cache=store, found=found.get(key)) for name, key in names.items()}
    people = people_generation()  # read once per request with the page's other generations (routing)
    stamps = {"header": (current["post"], current["headers"], people), "thread": (current["thread"], people),
              "answer_form": ()}
    result, new = {}, {}
    for name, key in keys.items():
        entry = found.get(key)
        if entry is None or entry[0] != stamps[name]:
            placeholder = f"csrf-{uuid.uuid4().hex}"
            content = CSRF_INPUT.sub(rf"\g<1>{placeholder}\g<2>", str(renders[name]()))
            entry = new[key] = (stamps[name], placeholder, content)
        _stamp, placeholder, content = entry
        if placeholder in content:
            content = content.replace(placeholder, get_token(request))
        result[name] = mark_safe(content)  # rendered by our own template, autoescaped there
    if new:
        store.set_many(new, FRAGMENT_SECONDS)
    return result
