"""The site search (/zoeken/): communities, frameworks, case stories, questions, stories and answers.

Every type is searched over a queryset the access policy already narrowed (see community/search.py
for posts and answers; pages below), so results, counts and snippets only ever come from what the
searcher may see. Wagtail's project template searches ``Page.objects.live()`` without ``public()``;
here pages are ``live().public()`` *and* inside communities the searcher may know exist.

Relevance scores of different models are not comparable (SQLite's BM25 is lower-is-better,
PostgreSQL's ts_rank higher-is-better, Elasticsearch has its own scale), so the "all types" list
merges the per-type rankings with reciprocal rank fusion: an item's score is the sum over lists of
1 / (RRF_K + its rank there). That needs only the order of each list, works on every backend, and
keeps a fixed number of queries per page: one count and at most one result query per type.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.core.paginator import Paginator
from django.db.models.functions import Length, Substr
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from community import policies
from community import search as post_search
from community.models import CommunityPage, Post, Theme

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


class SearchForm(forms.Form):
    """The search form's GET parameters. Invalid filters are ignored, never an error page."""

    q = forms.CharField(label=_("Zoek op"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    soort = forms.ChoiceField(label=_("Soort"), required=False, choices=[("", _("Alles"))] + list(TYPES.items()))
    gemeenschap = forms.ModelChoiceField(
        label=_("Gemeenschap"), required=False, queryset=CommunityPage.objects.none(), empty_label=_("Alle gemeenschappen")
    )
    thema = forms.ModelChoiceField(label=_("Thema"), required=False, queryset=Theme.objects.none(),
                                   empty_label=_("Alle thema's"))
    status = forms.ChoiceField(label=_("Status van de vraag"), required=False, choices=STATUS_CHOICES)

    def __init__(self, data, *, user):
        # An id that is no plain number of sane size is dropped before the form looks it up
        # (found in review and by fuzzing: "²" and 30-digit numbers gave 500s).
        raw = str((data or {}).get("gemeenschap", ""))
        if raw and not (raw.isascii() and raw.isdecimal() and len(raw) < 19):
            data = data.copy()
            data.pop("gemeenschap")
        super().__init__(data)
        # Only communities whose posts the user may read are offered (and accepted) as a filter.
        readable = policies.readable_communities(user).filter(live=True).order_by("title")
        self.fields["gemeenschap"].queryset = readable
        community_id = (data or {}).get("gemeenschap")
        if community_id and str(community_id).isascii() and str(community_id).isdecimal() and len(str(community_id)) < 19:
            self.fields["thema"].queryset = Theme.objects.filter(
                community_id=int(community_id), community__in=readable.values("pk")
            )
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


def _community_querysets(user, community):
    qs = CommunityPage.objects.filter(pk__in=_visible_communities(user).values("pk"))
    if community is not None:
        qs = qs.filter(pk=community.pk)
    return qs


def _framework_queryset(user, community):
    """Frameworks whose community the user may know exists (a framework is its community's child)."""
    framework_model = _framework_model()
    communities = _visible_communities(user)
    if community is not None:
        communities = communities.filter(pk=community.pk)
    ids = (
        framework_model.objects.live()
        .filter(policies.not_view_restricted())
        .annotate(parent_path=Substr("path", 1, Length("path") - Page.steplen))
        .filter(parent_path__in=communities.values("path"))
        .values("pk")
    )
    return framework_model.objects.filter(pk__in=ids)


def _querysets(*, user, kind_filter, community, theme, solved):
    """``{type: queryset}`` of the types the filters leave in play."""

    def wanted(kind):
        return not kind_filter or kind_filter == kind

    post_filters = {"community": community, "theme": theme}
    result = {}
    # Only the types in play are built: each costs a count query, and the policy's condition one more.
    visible = policies.visible_posts_filter(user) if wanted("vragen") or wanted("verhalen") else None
    if wanted("vragen"):
        result["vragen"] = post_search.searchable_posts(
            user=user, kind=Post.Kind.QUESTION, solved=solved, visible=visible, **post_filters
        ).select_related("community", "author__profile")
    if solved is None and wanted("verhalen"):
        result["verhalen"] = post_search.searchable_posts(
            user=user, kind=Post.Kind.STORY, visible=visible, **post_filters
        ).select_related("community", "author__profile")
    if solved is None and wanted("antwoorden"):
        # Newest first, not by relevance: see community.search.search_answers.
        result["antwoorden"] = post_search.searchable_answers(user=user, **post_filters).select_related(
            "post__community", "user__profile"
        ).order_by("-id")
    if theme is None and solved is None:
        if wanted("gemeenschappen"):
            result["gemeenschappen"] = _community_querysets(user, community)
        if wanted("kaders"):
            result["kaders"] = _framework_queryset(user, community)
        case_story_model = _case_story_model()
        if case_story_model is not None and community is None and wanted("casusverhalen"):
            public = case_story_model.objects.live().filter(policies.not_view_restricted())
            result["casusverhalen"] = case_story_model.objects.filter(pk__in=public.values("pk"))
    return result


# -- running it ------------------------------------------------------------------------------


def run(*, form: SearchForm, user, request, page_number=None) -> Outcome:
    raw = (form.data.get("q") or "")[: post_search.QUERY_MAX_LENGTH]
    query = post_search.clean_query(raw)
    outcome = Outcome(query=query, active_type=form.value("soort") or "")
    if not query:
        outcome.problem = "punctuation" if raw.strip() else "empty"
        return outcome
    status = form.value("status")
    solved = {"opgelost": True, "onopgelost": False}.get(status or "")
    querysets = _querysets(
        user=user, kind_filter=outcome.active_type, community=form.value("gemeenschap"),
        theme=form.value("thema"), solved=solved,
    )
    backend = post_search._backend()
    searches = {
        kind: backend.search(query, qs, operator="and", order_by_relevance=kind != "antwoorden")
        for kind, qs in querysets.items()
    }
    outcome.counts = {kind: results.count() for kind, results in searches.items()}
    outcome.total = sum(outcome.counts.values())
    outcome.tabs = [(kind, label, outcome.counts[kind]) for kind, label in TYPES.items() if kind in outcome.counts]

    if outcome.active_type:
        results = searches.get(outcome.active_type)
        if results is None:
            return outcome
        outcome.page_obj = Paginator(results, PER_PAGE).get_page(page_number)
        objects = [(outcome.active_type, obj) for obj in outcome.page_obj.object_list]
    else:
        max_items = PER_PAGE * ALL_TYPES_MAX_PAGES
        outcome.page_obj = Paginator(range(min(outcome.total, max_items)), PER_PAGE).get_page(page_number)
        stop = outcome.page_obj.number * PER_PAGE
        fused = []
        for kind, results in searches.items():
            if outcome.counts[kind]:
                for rank, obj in enumerate(results[:stop]):
                    fused.append((1.0 / (RRF_K + rank), kind, obj))
        fused.sort(key=lambda item: item[0], reverse=True)
        objects = [(kind, obj) for _score, kind, obj in fused[stop - PER_PAGE : stop]]
    outcome.hits = _hits(objects, query=query, request=request)
    for hit in outcome.hits:
        hit.kind_label = TYPES[hit.kind]
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


def _hits(objects, *, query, request) -> list[post_search.Hit]:
    frameworks = [obj for kind, obj in objects if kind == "kaders"]
    parents = {}
    if frameworks:
        paths = {obj.path[: -Page.steplen] for obj in frameworks}
        parents = {c.path: c for c in CommunityPage.objects.filter(path__in=paths)}
    hits = []
    for kind, obj in objects:
        if kind in ("vragen", "verhalen"):
            hits.append(post_search.Hit(
                kind=kind, title=obj.title, url=obj.get_url(request),
                snippet=post_search.highlight(post_search.post_text(obj), query),
                context=obj.community.title, date=obj.created_at,
                solved=obj.is_solved if obj.is_question else None, obj=obj,
            ))
        elif kind == "antwoorden":
            post = obj.post
            hits.append(post_search.Hit(
                kind=kind, title=post.title, url=f"{post.get_url(request)}#antwoord-{obj.pk}",
                snippet=post_search.highlight(strip_tags(obj.body_html), query),
                context=post.community.title, date=obj.submit_date, obj=obj,
            ))
        elif kind == "gemeenschappen":
            hits.append(post_search.Hit(
                kind=kind, title=obj.title, url=obj.get_url(request),
                snippet=post_search.highlight(f"{obj.summary} {strip_tags(obj.description)}", query), obj=obj,
            ))
        elif kind == "kaders":
            community = parents.get(obj.path[: -Page.steplen])
            hits.append(post_search.Hit(
                kind=kind, title=obj.title, url=obj.get_url(request),
                snippet=post_search.highlight(_stream_text(obj.body), query),
                context=community.title if community else "", obj=obj,
            ))
        else:
            text = f"{getattr(obj, 'summary', '')} {_stream_text(getattr(obj, 'body', ''))}"
            hits.append(post_search.Hit(
                kind=kind, title=obj.title, url=obj.get_url(request),
                snippet=post_search.highlight(text, query), date=obj.first_published_at, obj=obj,
            ))
    return hits
