"""The site search (/zoeken/): communities, frameworks, case stories, questions, stories and answers.

With a cache every process shares, each type is ranked once per query for everyone and narrowed to
the searcher by the access policy in Python (home/search_matches.py); otherwise each type is
searched over a queryset the policy already narrowed (see community/search.py for posts and
answers; pages below). Either way results, counts and snippets only ever come from what the
searcher may see. Wagtail's project template searches ``Page.objects.live()`` without ``public()``;
here pages are ``live().public()`` *and* inside communities the searcher may know exist.

Relevance scores of different models are not comparable (SQLite's BM25 is lower-is-better,
PostgreSQL's ts_rank higher-is-better, Elasticsearch has its own scale), so the "all types" list
merges the per-model rankings with reciprocal rank fusion: an item's score is the sum over lists of
1 / (RRF_K + its rank there). That needs only the order of each list and works on every backend.
Questions and practice stories are one list (one model, one index: their scores compare).

Queries per page are fixed, whatever the number of matches. With the shared lists current: one
query for the page's posts and one for its answers. Without them, on the database backends one query
per list fetches the ranked rows up to the end of the page *and* counts every match of each type
(``COUNT(*) OVER ()``), and one more loads the page's posts whole. Posts and answers are ranked as
narrow rows, because the window count has to hold every match. The ranking itself still scores
every match (ts_rank / BM25 have no index that yields the best k first); a search backend such as
OpenSearch is the answer when that grows too large (docs/deployment.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery, Window
from django.db.models.functions import Length, Substr
from django.forms.utils import flatatt
from django.template.loader import get_template
from django.utils.html import conditional_escape, escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from community import policies, selectors
from community import search as post_search
from community.models import Answer, CommunityPage, Post, Theme
from home import search_matches

PER_PAGE = 20
RRF_K = 60
ALL_TYPES_MAX_PAGES = 10  # deeper than this, a type filter is the better tool

TYPES = {
    "vragen": _("Vragen"),
    "verhalen": _("Praktijkverhalen"),
    "antwoorden": _("Antwoorden"),
    "gemeenschappen": _("Gemeenschappen"),
    "kaders": _("Kaders"),
    "casusverhalen": _("Casusverhalen"),
}
POST_TYPES = ("vragen", "verhalen", "antwoorden")
STATUS_CHOICES = [("", _("Alle vragen")), ("opgelost", _("Opgelost")), ("onopgelost", _("Nog niet opgelost"))]


def _case_story_model():
    """CaseStoryPage when the learning app provides it (home may import learning)."""
    from learning import models as learning_models

    return getattr(learning_models, "CaseStoryPage", None)


def _framework_model():
    from learning import models as learning_models

    return learning_models.FrameworkPage


class _QuickSelect(forms.Select):
    """A ``<select>`` rendered in Python, the same markup as Django's.

    Django renders every ``<option>`` through its own template include; for the list of communities
    that cost more than running the search's ranking query (measured: 20-40 ms per page).
    """

    def render(self, name, value, attrs=None, renderer=None):
        # Django's Select.optgroups for flat choices, without its option dictionaries: the first
        # choice whose value matches is selected (tests/find/test_search_matches.py compares markup).
        values = set(self.format_value(value))
        options, has_selected = [], False
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            selected = not has_selected and option_value in values
            has_selected |= selected
            options.append(f'<option value="{escape(option_value)}"{" selected" if selected else ""}>'
                           f"{conditional_escape(label)}</option>")
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)),
                           mark_safe("".join(options)))  # noqa: S308 - every option's value and label escaped


class SearchForm(forms.Form):
    """The search form's GET parameters. Invalid filters are ignored, never an error page."""

    q = forms.CharField(label=_("Zoek op"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    soort = forms.ChoiceField(label=_("Soort"), required=False, choices=[("", _("Alles"))] + list(TYPES.items()),
                              widget=_QuickSelect)
    # Plain (id, title) choices: model instances of 50 communities cost more than the search itself.
    gemeenschap = forms.TypedChoiceField(label=_("Gemeenschap"), required=False, coerce=int, empty_value=None,
                                         widget=_QuickSelect)
    thema = forms.ModelChoiceField(label=_("Thema"), required=False, queryset=Theme.objects.none(),
                                   empty_label=_("Alle thema's"), widget=_QuickSelect)
    status = forms.ChoiceField(label=_("Status van de vraag"), required=False, choices=STATUS_CHOICES,
                               widget=_QuickSelect)

    def __init__(self, data, *, user):
        # An id that is no plain number of sane size is dropped before the form looks it up
        # (found in review and by fuzzing: "²" and 30-digit numbers gave 500s).
        raw = str((data or {}).get("gemeenschap", ""))
        if raw and not (raw.isascii() and raw.isdecimal() and len(raw) < 19):
            data = data.copy()
            data.pop("gemeenschap")
        super().__init__(data)
        # Only communities whose posts the user may read are offered (and accepted) as a filter.
        readable = policies.readable_community_ids(user)
        # Every live community in title order, shared by all readers (no query warm).
        self.community_rows = selectors.card_rows()
        readable_set = set(readable)
        self.fields["gemeenschap"].choices = [("", _("Alle gemeenschappen"))] + [
            (row[0], row[1]) for row in self.community_rows if row[0] in readable_set
        ]
        community_id = (data or {}).get("gemeenschap")
        if community_id and str(community_id).isascii() and str(community_id).isdecimal() and len(str(community_id)) < 19:
            self.fields["thema"].queryset = Theme.objects.filter(community_id=int(community_id), community_id__in=readable)
        else:
            del self.fields["thema"]

    def value(self, name):
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        if name in self.errors:
            return None
        return self.cleaned_data.get(name)


@dataclass
class Outcome:
    """What the search page shows."""

    query: str
    problem: str = ""  # "", "empty" or "punctuation"
    active_type: str = ""
    counts: dict = field(default_factory=dict)
    tabs: list = field(default_factory=list)  # (type, label, count) in display order
    total: int = 0
    page_obj: object = None
    hits: list = field(default_factory=list)


# -- the searchable querysets, one per type --------------------------------------------------


def _visible_communities(user):
    # not_view_restricted() is Wagtail's public() as one SQL condition (public() runs a query per use).
    return CommunityPage.objects.live().filter(policies.not_view_restricted()).visible_to(user)


def _community_querysets(visible, community_id):
    qs = CommunityPage.objects.filter(pk__in=visible.values("pk"))
    if community_id is not None:
        qs = qs.filter(pk=community_id)
    return qs


def _framework_queryset(visible, community_id):
    """Frameworks whose community the user may know exists (a framework is its community's child).

    Each carries its community's title (``community_title``) for the result's context line.
    """
    framework_model = _framework_model()
    communities = visible
    if community_id is not None:
        communities = communities.filter(pk=community_id)
    ids = (
        framework_model.objects.live()
        .filter(policies.not_view_restricted())
        .annotate(parent_path=Substr("path", 1, Length("path") - Page.steplen))
        .filter(parent_path__in=communities.values("path"))
        .values("pk")
    )
    parent_title = CommunityPage.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Page.steplen)
    ).values("title")[:1]
    return framework_model.objects.filter(pk__in=ids).annotate(community_title=Subquery(parent_title))


@dataclass
class _Source:
    """One ranked list of the "all types" fusion: a searchable queryset and the types its rows are.

    Questions and practice stories are one list: the same model in the same index, so their scores
    are comparable and one query ranks both (and counts both, see ``_with_counts``).
    """

    queryset: object
    types: tuple  # the TYPES keys this list's rows can be
    relevance: bool = True

    def type_of(self, obj) -> str:
        if len(self.types) == 1:
            return self.types[0]
        return "vragen" if obj.kind == Post.Kind.QUESTION else "verhalen"


def _sources(*, user, kind_filter, community_id, theme, solved) -> list[_Source]:
    """The lists the filters leave in play, each over what the user may see."""

    def wanted(kind):
        return not kind_filter or kind_filter == kind

    post_filters = {"community": community_id, "theme": theme}
    sources = []
    post_types = tuple(t for t in ("vragen", "verhalen") if wanted(t) and (t == "vragen" or solved is None))
    if post_types:
        kind = {("vragen",): Post.Kind.QUESTION, ("verhalen",): Post.Kind.STORY}.get(post_types)
        posts = post_search.searchable_posts(user=user, kind=kind, solved=solved, **post_filters)
        sources.append(_Source(posts.only("pk", "kind"), post_types))
    if solved is None and wanted("antwoorden"):
        # Newest first, not by relevance: see community.search.search_answers.
        answers = post_search.searchable_answers(user=user, **post_filters)
        answers = answers.select_related(None).only("pk", "post_id", "body_html", "submit_date")
        sources.append(_Source(answers.order_by("-id"), ("antwoorden",), False))
    if theme is None and solved is None:
        visible = _visible_communities(user)
        if wanted("gemeenschappen"):
            sources.append(_Source(_community_querysets(visible, community_id), ("gemeenschappen",)))
        if wanted("kaders"):
            sources.append(_Source(_framework_queryset(visible, community_id), ("kaders",)))
        case_story_model = _case_story_model()
        if case_story_model is not None and community_id is None and wanted("casusverhalen"):
            public = case_story_model.objects.live().filter(policies.not_view_restricted())
            sources.append(_Source(case_story_model.objects.filter(pk__in=public.values("pk")), ("casusverhalen",)))
    return sources


# -- running it ------------------------------------------------------------------------------


def _counts_come_with_rows(backend) -> bool:
    """Whether the backend runs the queryset's own SQL, so a window count in it counts every match.

    The database backends (PostgreSQL, SQLite, MySQL) filter the queryset itself; Elasticsearch and
    OpenSearch rank elsewhere and load only the page's rows, where a window would count just those.
    """
    return type(backend).__module__.startswith("modelsearch.backends.database")


def _with_counts(source: _Source):
    """The source's queryset with each type's number of matches on every row (``_n_<type>``).

    ``COUNT(*) OVER ()`` is computed after the search's WHERE and before its LIMIT, so the one query
    that fetches the ranked rows also counts all matches: no separate count query per type.
    """
    if len(source.types) == 1:
        return source.queryset.annotate(**{f"_n_{source.types[0]}": Window(Count("pk"))})
    kinds = {"vragen": Post.Kind.QUESTION, "verhalen": Post.Kind.STORY}
    return source.queryset.annotate(**{
        f"_n_{t}": Window(Count("pk", filter=Q(kind=kinds[t]))) for t in source.types
    })


class _Ranked:
    """A source's search results that know their counts after fetching one slice.

    ``rows(start, stop)`` runs one query; the counts come with the rows (database backends), or
    from one count query per type (other backends). With no rows and ``start > 0`` the counts are
    unknown from the rows, and are asked for separately (a page number past the end).
    """

    def __init__(self, *, backend, query, source: _Source):
        self.source = source
        self.types, self.type_of = source.types, source.type_of
        self.windowed = _counts_come_with_rows(backend)
        queryset = _with_counts(source) if self.windowed else source.queryset
        self.results = backend.search(query, queryset, operator="and", order_by_relevance=source.relevance)
        self.counts = None
        self._backend, self._query = backend, query
        self._slice = None

    def rows(self, start, stop) -> list:
        if self._slice is not None and self._slice[0] == start and self._slice[1] >= stop:
            return self._slice[2][: stop - start]
        rows = list(self.results[start:stop])
        self._slice = (start, stop, rows)
        if self.counts is None:
            if self.windowed and (rows or start == 0):
                self.counts = {t: getattr(rows[0], f"_n_{t}") if rows else 0 for t in self.source.types}
            else:
                self.counts = self._count_separately()
        return rows

    def _count_separately(self) -> dict:
        if len(self.source.types) == 1:
            return {self.source.types[0]: self.results.count()}
        counts = {}
        for t, kind in (("vragen", Post.Kind.QUESTION), ("verhalen", Post.Kind.STORY)):
            qs = self.source.queryset.filter(kind=kind)
            counts[t] = self._backend.search(self._query, qs, operator="and", order_by_relevance=False).count()
        return counts


class _OneType:
    """The rows of one type for Django's Paginator: the count is known from the first fetch."""

    def __init__(self, ranked: _Ranked, kind: str):
        self.ranked, self.kind = ranked, kind

    def count(self):
        return self.ranked.counts[self.kind]

    def __getitem__(self, key):
        return self.ranked.rows(key.start or 0, key.stop)


def _page_number(raw) -> int:
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return max(number, 1)


def _loaded(objects) -> list:
    """``(type, object)`` of the page, the posts loaded whole (one query).

    Posts are ranked and counted as bare ids and answers with only what their result shows: a
    window count over thousands of full rows costs more than the ranking itself (measured on
    PostgreSQL, "gemeente" at scale 1: 160 ms against 45 ms). The page's posts, and the posts its
    answers belong to, then come in one query.
    """
    post_ids = {obj.pk for kind, obj in objects if kind in ("vragen", "verhalen")}
    post_ids |= {obj.post_id for kind, obj in objects if kind == "antwoorden"}
    posts = Post.objects.select_related("community").in_bulk(post_ids) if post_ids else {}
    shared = {}
    for post in posts.values():  # one object per community, so its URL is worked out once (Post.get_url)
        post.community = shared.setdefault(post.community_id, post.community)
    result = []
    for kind, obj in objects:
        if kind in ("vragen", "verhalen"):
            obj = posts.get(obj.pk)
        elif kind == "antwoorden":
            post = posts.get(obj.post_id)
            if post is not None:
                obj.post = post
            obj = obj if post is not None else None
        if obj is not None:  # None: deleted between the two queries
            result.append((kind, obj))
    return result


SHOWN_POST_FIELDS = (
    "pk", "community_id", "author_id", "kind", "title", "slug", "is_hidden", "created_at", "accepted_answer_id",
    "body_html", "context_html", "tried_html", "building_blocks_html", "obstacles_html", "lessons_html",
)


def _loaded_matches(objects, *, access) -> list:
    """``(type, object)`` of the page from the shared lists' bare ids (search_matches.Match).

    One query for the posts (also those of the answers) and one for the answers; communities,
    frameworks and case stories come with what they show (search_matches.PageMatch). The posts
    are checked against the policy once more as loaded (``access``: policies.post_access), so a
    change in flight while a list was shared never shows a post its reader may not read.
    """
    post_ids = {match.pk for kind, match in objects if kind in ("vragen", "verhalen")}
    answer_ids = [match.pk for kind, match in objects if kind == "antwoorden"]
    post_ids |= {match.post_id for kind, match in objects if kind == "antwoorden"}
    # Without the community (its title and URL come from selectors.card_rows) and without the
    # markdown sources (snippets quote the sanitised HTML).
    posts = Post.objects.only(*SHOWN_POST_FIELDS).in_bulk(post_ids) if post_ids else {}
    posts = {pk: post for pk, post in posts.items() if access.allows(post.community_id, post.is_hidden, post.author_id)}
    answers = {}
    if answer_ids:
        answers = Answer.objects.select_related(None).only("pk", "post_id", "body_html", "submit_date")
        answers = answers.in_bulk(answer_ids)
        answers = {pk: answer for pk, answer in answers.items() if answer.post_id in posts}
        for answer in answers.values():
            answer.post = posts[answer.post_id]
    result = []
    for kind, match in objects:
        if kind in ("vragen", "verhalen"):
            obj = posts.get(match.pk)
        elif kind == "antwoorden":
            obj = answers.get(match.pk)
        else:
            obj = match  # a search_matches.PageMatch: what the result shows
        if obj is not None:  # None: deleted (or no longer readable) since the list was made
            result.append((kind, obj))
    return result


def _shared_hits(search, objects, *, form, user, query, request) -> list[post_search.Hit]:
    """The page's hits from the shared lists: those already worked out for the query (for any reader:
    a hit shows nothing of who reads it) from the cache, the rest loaded, worked out, drawn and added there."""
    new = {}
    wanted = [(kind, match) for kind, match in objects if (kind, match.pk) not in search.shown]
    if wanted:
        communities = {row[0]: (row[1], row[6]) for row in form.community_rows}  # (title, url)
        loaded = _loaded_matches(wanted, access=policies.post_access(user))
        for hit in _drawn(_hits(loaded, query=query, request=request, communities=communities)):
            new[(hit.kind, hit.obj.pk)] = (hit.title, hit.url, hit.snippet, hit.context, hit.date, hit.solved, hit.html)
        search_matches.store_shown(search.place, search.shown, new)
    hits = []
    for kind, match in objects:
        shown = search.shown.get((kind, match.pk)) or new.get((kind, match.pk))
        if shown is not None:  # None: deleted (or no longer readable) since the list was made
            title, url, snippet, context, date, solved, html = shown
            hit = post_search.Hit(kind=kind, title=title, url=url, snippet=snippet, context=context, date=date,
                                  solved=solved, kind_label=TYPES[kind])
            hit.html = html
            hits.append(hit)
    return hits


def _drawn(hits: list[post_search.Hit]) -> list[post_search.Hit]:
    """Each hit with its list item (``hit.html``), drawn once: the shared lists keep it per language."""
    template = get_template("home/search_hit.html")
    for hit in hits:
        hit.kind_label = TYPES[hit.kind]
        hit.html = template.render({"hit": hit})
    return hits


def _count(outcome: Outcome, ranked: list[_Ranked]) -> None:
    counts = {t: n for item in ranked for t, n in item.counts.items()}
    outcome.counts = {t: counts[t] for t in TYPES if t in counts}
    outcome.total = sum(outcome.counts.values())
    outcome.tabs = [(kind, label, outcome.counts[kind]) for kind, label in TYPES.items() if kind in outcome.counts]


def run(*, form: SearchForm, user, request, page_number=None) -> Outcome:
    raw = (form.data.get("q") or "")[: post_search.QUERY_MAX_LENGTH]
    query = post_search.clean_query(raw)
    outcome = Outcome(query=query, active_type=form.value("soort") or "")
    if not query:
        outcome.problem = "punctuation" if raw.strip() else "empty"
        return outcome
    status = form.value("status")
    solved = {"opgelost": True, "onopgelost": False}.get(status or "")
    filters = {"kind_filter": outcome.active_type, "community_id": form.value("gemeenschap"),
               "theme": form.value("thema"), "solved": solved}
    backend = post_search._backend()
    shared = search_matches.usable(backend)
    if shared:  # ranked once for everyone, narrowed to this user in Python (home/search_matches.py)
        search = search_matches.narrowed(backend=backend, query=query, user=user, **filters)
        ranked = search.ranked
    else:
        ranked = [_Ranked(backend=backend, query=query, source=source) for source in _sources(user=user, **filters)]

    if outcome.active_type:
        # The filter leaves at most one source, holding only the active type.
        if not ranked:
            return outcome
        only = ranked[0]
        start = (_page_number(page_number) - 1) * PER_PAGE
        only.rows(start, start + PER_PAGE)  # one query: the page's rows and the count
        _count(outcome, ranked)
        outcome.page_obj = Paginator(_OneType(only, outcome.active_type), PER_PAGE).get_page(page_number)
        objects = [(outcome.active_type, obj) for obj in outcome.page_obj.object_list]
    else:
        # Every list is fetched from its start to the end of the requested page (one query each,
        # counts included), then merged by reciprocal rank fusion.
        guess = min(_page_number(page_number), ALL_TYPES_MAX_PAGES) * PER_PAGE
        for item in ranked:
            item.rows(0, guess)
        _count(outcome, ranked)
        max_items = PER_PAGE * ALL_TYPES_MAX_PAGES
        outcome.page_obj = Paginator(range(min(outcome.total, max_items)), PER_PAGE).get_page(page_number)
        stop = outcome.page_obj.number * PER_PAGE
        fused = []
        for item in ranked:
            for rank, obj in enumerate(item.rows(0, stop)):  # fetched above unless the page number was odd
                fused.append((1.0 / (RRF_K + rank), item.type_of(obj), obj))
        fused.sort(key=lambda entry: entry[0], reverse=True)
        objects = [(kind, obj) for _score, kind, obj in fused[stop - PER_PAGE : stop]]
    if shared:
        outcome.hits = _shared_hits(search, objects, form=form, user=user, query=query, request=request)
    else:
        outcome.hits = _drawn(_hits(_loaded(objects), query=query, request=request))
    return outcome


# -- results as hits -------------------------------------------------------------------------


def _stream_text(value) -> str:
    """Plain text of a RichTextField (str) or a StreamField (its raw data), for snippets."""
    raw = getattr(value, "raw_data", None)
    if raw is None:
        return strip_tags(str(value or ""))
    pieces: list[str] = []

    def walk(node):
        if isinstance(node, str):
            pieces.append(strip_tags(node))
        elif isinstance(node, dict):
            for key, child in node.items():
                if key not in ("type", "id"):
                    walk(child)
        elif isinstance(node, (list, tuple)):
            for child in node:
                walk(child)

    walk(list(raw))
    return " ".join(pieces)


def _hits(objects, *, query, request, communities=None) -> list[post_search.Hit]:
    """The page's results as hits. ``communities``: ``{pk: (title, url)}`` (selectors.card_rows)
    when the posts were loaded without their community and pages come as search_matches.PageMatch."""

    def post_url_and_community(post):
        if communities is None:
            return post.get_url(request), post.community.title
        title, url = communities.get(post.community_id) or (post.community.title, post.community.get_url(request))
        return post.url_in(url), title

    hits = []
    for kind, obj in objects:
        if kind in ("vragen", "verhalen"):
            url, community_title = post_url_and_community(obj)
            hits.append(post_search.Hit(
                kind=kind, title=obj.title, url=url,
                snippet=post_search.highlight(post_search.post_text(obj), query),
                context=community_title, date=obj.created_at,
                solved=obj.is_solved if obj.is_question else None, obj=obj,
            ))
        elif kind == "antwoorden":
            post = obj.post
            url, community_title = post_url_and_community(post)
            hits.append(post_search.Hit(
                kind=kind, title=post.title, url=f"{url}#antwoord-{obj.pk}",
                snippet=post_search.highlight(strip_tags(obj.body_html), query),
                context=community_title, date=obj.submit_date, obj=obj,
            ))
        elif isinstance(obj, search_matches.PageMatch):
            context = communities[obj.community_id][0] if kind == "kaders" else ""
            hits.append(post_search.Hit(kind=kind, title=obj.title, url=obj.url, context=context, date=obj.date,
                                        snippet=post_search.highlight(obj.text, query), obj=obj))
        elif kind == "gemeenschappen":
            hits.append(post_search.Hit(
                kind=kind, title=obj.title, url=obj.get_url(request),
                snippet=post_search.highlight(f"{obj.summary} {strip_tags(obj.description)}", query), obj=obj,
            ))
        elif kind == "kaders":
            hits.append(post_search.Hit(
                kind=kind, title=obj.title, url=obj.get_url(request),
                snippet=post_search.highlight(_stream_text(obj.body), query),
                context=getattr(obj, "community_title", None) or "", obj=obj,
            ))
        else:
            text = f"{getattr(obj, 'summary', '')} {_stream_text(getattr(obj, 'body', ''))}"
            hits.append(post_search.Hit(
                kind=kind, title=obj.title, url=obj.get_url(request),
                snippet=post_search.highlight(text, query), date=obj.first_published_at, obj=obj,
            ))
    return hits
