"""Searching what members wrote (questions, practice stories, answers), strictly through the policy.

Wagtail's search backends only accept filters on fields declared as ``index.FilterField``, and
``Post.objects.visible_to(user)`` filters on joins and ``Exists`` subqueries they cannot translate.
So the policy's queryset is never searched directly: the policy states the same rule as a condition
on the post's own filter fields (``policies.visible_posts_filter``: the readable communities as a
short list of ids, hidden posts only for their author and the community's facilitators), and
answers are filtered through their post (``index.RelatedFields("post", ...)``). No list of post
ids is ever sent, so Elasticsearch/OpenSearch's limit of 65,536 terms cannot be reached, and on
the database backends PostgreSQL and SQLite filter on an indexed column instead of a subquery over
every visible post. Counts come from the same filtered search, so nothing outside the visitor's
reach is ever counted, shown or quoted in a snippet.

Hidden answers (``is_public=False`` or ``is_removed``) are left out of search for everyone, also for
the few who may read them in the thread: a strict subset of ``policies.visible_answers``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from wagtail.search.backends import get_search_backend

from . import policies
from .models import Post, SearchableAnswer

QUERY_MAX_LENGTH = 200
SUGGESTIONS_MAX = 5

# Words that carry no meaning in a Dutch question title. PostgreSQL's Dutch configuration drops
# them itself; SQLite's FTS5 does not, and an OR-search for "hoe" would match half of all questions.
STOPWORDS = frozenset(
    """aan al als bij dan dat de den der des die dit door een en er het hij hoe ik in is je jij jullie
    kan kun kunnen met na naar niet nog of om onze ook op over te tot u uit van voor wat we welk
    welke wie wij zijn zo zou""".split()
)

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def clean_query(raw: str | None) -> str:
    """The words of a query, without punctuation: what the backends get (FTS5 chokes on some)."""
    text = (raw or "")[:QUERY_MAX_LENGTH]
    return " ".join(_NON_WORD.sub(" ", text).split()).strip("_ ")


def query_terms(query: str) -> list[str]:
    return [t for t in clean_query(query).lower().split() if t.strip("_")]


_SQLITE_STATISTICS_MIN_ENTRIES = 1000
_sqlite_statistics_present = False


def _backend():
    _ensure_sqlite_statistics()
    return get_search_backend()


def _ensure_sqlite_statistics() -> None:
    """Give SQLite's query planner statistics on the search index table, once.

    Without ``sqlite_stat1`` rows, SQLite runs Wagtail's FTS5 subquery the wrong way round: for every
    index entry of the content type it evaluates the MATCH again (measured: 2.3 s for 24,000 entries;
    with statistics 10 ms). ``ANALYZE wagtailsearch_indexentry`` takes milliseconds. It waits until
    the index has some size, since statistics of a near-empty table would mislead the planner.
    """
    global _sqlite_statistics_present
    if _sqlite_statistics_present or connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone():
            cursor.execute("SELECT 1 FROM sqlite_stat1 WHERE tbl = 'wagtailsearch_indexentry'")
            if cursor.fetchone():
                _sqlite_statistics_present = True
                return
        cursor.execute("SELECT COUNT(*) FROM wagtailsearch_indexentry")
        if cursor.fetchone()[0] >= _SQLITE_STATISTICS_MIN_ENTRIES:
            cursor.execute("ANALYZE wagtailsearch_indexentry")
            _sqlite_statistics_present = True


# -- what may be searched --------------------------------------------------------------------


def searchable_posts(*, user, kind: str | None = None, community=None, theme=None, solved: bool | None = None,
                     visible: Q | None = None):
    """Posts the user may read (the policy), narrowed by the filters, as a searchable queryset.

    ``community`` is a CommunityPage or its id.

    Only index filter fields are used, so every backend can run it: the policy as a condition on
    community ids (``policies.visible_posts_filter``; pass it as ``visible`` when it is already
    known), and for a theme the ids of that one theme's posts.
    """
    posts = Post.objects.filter(visible if visible is not None else policies.visible_posts_filter(user))
    if kind:
        posts = posts.filter(kind=kind)
    if community is not None:
        posts = posts.filter(community_id=getattr(community, "pk", community))
    if theme is not None:
        posts = posts.filter(pk__in=_theme_post_ids(theme))
    if solved is not None:
        posts = posts.filter(kind=Post.Kind.QUESTION, accepted_answer_id__isnull=not solved)
    return posts


def searchable_answers(*, user, community=None, theme=None, visible_through_post: Q | None = None):
    """Public answers on posts the user may read (``visible_through_post``: the policy's condition, prefix "post__")."""
    if visible_through_post is None:
        visible_through_post = policies.visible_posts_filter(user, prefix="post__")
    answers = SearchableAnswer.objects.filter(visible_through_post, is_public=True, is_removed=False)
    if community is not None:
        answers = answers.filter(post__community_id=getattr(community, "pk", community))
    if theme is not None:
        answers = answers.filter(post_id__in=_theme_post_ids(theme))
    return answers


def _theme_post_ids(theme):
    return Post.themes.through.objects.filter(theme_id=theme.pk).values("post_id")


def search_posts(query: str, *, user, operator: str = "and", **filters):
    return _backend().search(clean_query(query), searchable_posts(user=user, **filters), operator=operator)


def search_answers(query: str, *, user, operator: str = "and", **filters):
    """Matching answers, newest first.

    Not ranked by relevance: an answer is read in its question's context, and SQLite's backend
    scores each match with its own full-text lookup (20,000 answers with a common word: seconds).
    """
    queryset = searchable_answers(user=user, **filters).order_by("-id")
    return _backend().search(clean_query(query), queryset, operator=operator, order_by_relevance=False)


def similar_questions(*, user, title: str, limit: int = SUGGESTIONS_MAX, exclude_pk=None) -> list[Post]:
    """Up to ``limit`` questions the user may read whose titles share meaningful words with ``title``.

    "Have you seen these?" on the ask form: an OR-search on the title words (stop words left out),
    best match first, with what a suggestion shows already selected.
    """
    words = [t for t in query_terms(title) if len(t) > 2 and t not in STOPWORDS]
    if not words:
        return []
    queryset = searchable_posts(user=user, kind=Post.Kind.QUESTION)
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    results = _backend().search(" ".join(words), queryset, fields=["title"], operator="or")
    ids = [post.pk for post in results[:limit]]
    if not ids:
        return []
    by_id = {post.pk: post for post in Post.objects.filter(pk__in=ids).select_related("community")}
    return [by_id[pk] for pk in ids if pk in by_id]


# -- snippets --------------------------------------------------------------------------------


def _stem(term: str) -> str:
    """A crude Dutch stem for highlighting only: "gemeenten" and "gemeente" both mark as "gemeent…"."""
    return term[: max(4, len(term) - 2)] if len(term) > 5 else term


def highlight(text: str, query: str, *, length: int = 240) -> SafeString:
    """A snippet of ``text`` around the first query term, every term marked with ``<mark>``.

    Escaping happens before marking, piece by piece: the text is split at the matches and each piece
    (match or not) is escaped on its own, so the only unescaped markup is our own ``<mark>``, and a
    term can never match inside an HTML entity that escaping produced.
    """
    text = " ".join((text or "").split())
    stems = sorted({_stem(t) for t in query_terms(query) if len(t) > 1}, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(s) for s in stems) + r")\w*", re.I) if stems else None
    start = 0
    if pattern is not None:
        first = pattern.search(text)
        if first and first.start() > length // 3:
            start = text.rfind(" ", 0, first.start() - length // 3) + 1
    # Truncator normalises and walks all it is given: give it no more than the window can use.
    window = Truncator(text[start : start + 2 * length]).chars(length)
    prefix = "…" if start > 0 else ""
    if pattern is None:
        return mark_safe(prefix + escape(window))  # noqa: S308 - escaped
    pieces, last = [], 0
    for match in pattern.finditer(window):
        pieces.append(escape(window[last : match.start()]))
        pieces.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    pieces.append(escape(window[last:]))
    return mark_safe(prefix + "".join(pieces))  # noqa: S308 - every piece escaped above


def post_text(post: Post) -> str:
    """The readable text of a post (what a snippet quotes): the sanitised HTML without tags."""
    from django.utils.html import strip_tags

    if post.kind == Post.Kind.STORY:
        html = " ".join(h for _label, h in post.story_sections())
    else:
        html = post.body_html
    return strip_tags(html)


@dataclass
class Hit:
    """One search result, whatever its type: what the results template shows."""

    kind: str  # one of home.search.TYPES
    title: str
    url: str
    snippet: SafeString
    context: str = ""  # e.g. the community's title
    date: object = None
    solved: bool | None = None
    obj: object = None
    kind_label: str = ""
