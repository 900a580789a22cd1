"""The JSON API under /api/v2/: pages (Wagtail's API v2) and posts with their answers (read-only).

- ``/api/v2/pages/`` is Wagtail's own pages endpoint (``wagtail.api.v2``), which already limits
  itself to live, public pages. It knows nothing of community visibility, so the base queryset
  here also leaves out every private community and everything below it (its framework): those must
  never appear, not even to members (the pages endpoint is anonymous). Closed communities appear,
  as they do everywhere else: anyone may know they exist and read their framework.
- ``/api/v2/posts/`` and ``/api/v2/posts/<id>/`` (django-ninja, as Wagtail's own v3 API uses)
  return exactly the policy's posts (``policies.visible_posts_filter``, the same rule as
  ``Post.objects.visible_to``) for ``user``, whoever the personal API token
  belongs to (``Authorization: Bearer <token>``, Wagtail's ``APIToken``, stored as a hash), or an
  anonymous visitor without a token: open communities only. A session cookie is ignored; a wrong
  or revoked token is a 401, never a silent downgrade to anonymous. Answers are the public ones
  (hidden answers stay in the thread on the site, for those who may see them there).
- ``/api/v2/openapi.json`` describes both (generated for posts, the pages part written below).

Responses of both endpoints page the same way: ``?limit=&offset=``, ``{"meta": {"total_count"},
"items": [...]}``, at most ``API_LIMIT_MAX`` items per request.
"""

import hashlib
from datetime import datetime
from typing import Literal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.utils.translation import get_language
from ninja import Field, NinjaAPI, Path, Query, Router, Schema
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.api.v3.auth import BearerTokenAuth

from koffietafel import generations

from . import policies
from .search import clean_query
from .models import Answer, CommunityPage, Post, Visibility

API_LIMIT_MAX = getattr(settings, "WAGTAILAPI_LIMIT_MAX", 20) or 20


# -- pages (Wagtail API v2) ------------------------------------------------------------------


class PublicPagesAPIViewSet(PagesAPIViewSet):
    """Wagtail's pages endpoint without private communities and their subtrees.

    Query parameters Wagtail passes on unchecked are refused with its own 400 first (found by
    fuzzing, each a 500 before): a NUL character (PostgreSQL refuses it in text), an offset beyond
    a 64-bit integer, and a search operator other than "and" or "or". ``search`` keeps only its
    words, as the site search does (SQLite's FTS5 fails on a lone quote: a 500 before).
    """

    def check_query_parameters(self, queryset):
        params = self.request.GET
        if any("\x00" in value for _name, values in params.lists() for value in values):
            raise BadRequestError("query parameters cannot contain a NUL character")
        offset = params.get("offset", "")
        if offset.isascii() and offset.isdigit() and int(offset) > MAX_ID - API_LIMIT_MAX:
            raise BadRequestError("offset is too large")
        if "search_operator" in params and params["search_operator"] not in ("and", "or"):
            raise BadRequestError("search_operator must be 'and' or 'or'")
        super().check_query_parameters(queryset)
        if "search" in params:
            cleaned = params.copy()
            cleaned["search"] = clean_query(params["search"])
            self.request._request.GET = cleaned  # what Wagtail's SearchFilter reads

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        private = CommunityPage.objects.filter(visibility=Visibility.PRIVATE).values_list("path", flat=True)
        hidden = Q()
        for path in private:
            hidden |= Q(path__startswith=path)
        return queryset.exclude(hidden) if hidden else queryset


pages_router = WagtailAPIRouter("wagtailapi")
pages_router.register_endpoint("pages", PublicPagesAPIViewSet)


# -- posts (django-ninja) --------------------------------------------------------------------


class TokenOrAnonymous(BearerTokenAuth):
    """A personal API token makes the request that user's; no Authorization header makes it anonymous.

    Wagtail's ``BearerTokenAuth`` resolves the token (hash lookup, revocation, last-used) and
    returns None for a bad one, which django-ninja answers with 401.
    """

    def __call__(self, request):
        if not request.headers.get("Authorization"):
            request.user = AnonymousUser()  # never the session's user: this door is token-only
            return request.user
        return super().__call__(request)


class Meta(Schema):
    total_count: int


def _person(username, display_name, organisation) -> dict:
    return {"username": username or "", "name": display_name or username or "", "organisation": organisation}


def _iso(value: datetime | None) -> str | None:
    """A datetime as pydantic writes it (ISO 8601, UTC as "Z"), for responses built without pydantic."""
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


class Person(Schema):
    username: str
    name: str
    organisation: str | None


class ThemeOut(Schema):
    id: int
    name: str
    slug: str


class CommunityRef(Schema):
    id: int
    title: str
    url: str


class AnswerOut(Schema):
    id: int
    parent_id: int | None = Field(description="The answer this one replies to; null for a direct answer.")
    author: Person
    body_markdown: str
    body_html: str
    created_at: datetime
    helpful_count: int


class StorySection(Schema):
    title: str
    html: str


class PostOut(Schema):
    id: int
    kind: Literal["question", "story"]
    title: str
    url: str = Field(description="The post's page on the site.")
    community: CommunityRef
    author: Person
    themes: list[ThemeOut]
    created_at: datetime
    edited_at: datetime | None
    last_activity_at: datetime
    answer_count: int
    is_solved: bool
    accepted_answer_id: int | None
    body_markdown: str
    body_html: str
    story_status: str = Field(description="lopend, geslaagd or gestopt for a story; empty for a question.")
    story_sections: list[StorySection]
    answers: list[AnswerOut]


class PostPage(Schema):
    meta: Meta
    items: list[PostOut]


MAX_ID = 2**63 - 1  # ids beyond a 64-bit integer are a 422, not a database overflow


class PostFilters(Schema):
    community: int | None = Field(None, ge=1, le=MAX_ID, description="Only posts of this community (id).")
    theme: int | None = Field(None, ge=1, le=MAX_ID, description="Only posts with this theme (id).")
    kind: Literal["question", "story"] | None = None
    solved: bool | None = Field(None, description="Questions that are (not) solved.")
    limit: int = Field(20, ge=1, le=API_LIMIT_MAX, description=f"Items per page, at most {API_LIMIT_MAX}.")
    offset: int = Field(0, ge=0, le=MAX_ID)


_POST_COLUMNS = (
    "id", "kind", "title", "slug", "community_id", "created_at", "edited_at", "last_activity_at", "answer_count",
    "accepted_answer_id", "body", "body_html", "story_status", "context_html", "tried_html", "building_blocks_html",
    "obstacles_html", "lessons_html",
    "author__username", "author__profile__display_name", "author__profile__organisation__name",
)
_SECTION_COLUMNS = ("context_html", "tried_html", "building_blocks_html", "obstacles_html", "lessons_html")


def visible_posts(user, condition: Q | None = None):
    """What the API shows a user: the policy's posts (``policies.visible_posts_filter``, the same rule
    as ``Post.objects.visible_to``), newest first. ``condition`` is that filter when already built.

    The condition on community ids lets PostgreSQL count from the (community, is_hidden, created_at)
    index alone (scale 1: 1.7 ms instead of 21 ms through the policy's joins and subqueries).
    """
    if condition is None:
        condition = policies.visible_posts_filter(user)
    return Post.objects.filter(condition).order_by("-created_at", "-pk")


def _page_url(page, request) -> str | None:
    """``page.get_url(request)``, without its query for the request's site when there is one site only.

    With one site Wagtail's answer is the path whatever the request's site is (``Page.get_url``).
    """
    if len({root_path[0] for root_path in page._get_site_root_paths(request)}) != 1:
        return page.get_url(request)
    parts = page.get_url_parts(request=request)
    if parts is None or parts[1] is None and parts[2] is None:
        return None
    return parts[2]


def build_posts(posts, request) -> list[dict]:
    """The response items for ``posts`` (an already sliced queryset), in four queries whatever their number.

    Rows come as dictionaries (``values()``) and are written as the schema above describes: at 20
    posts with their answers that is some 700 fewer model instances, and no per-field resolvers,
    per request (measured: most of the endpoint's time went there).
    """
    rows = list(posts.values(*_POST_COLUMNS))
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    communities = {}
    community_refs = {}
    for pk, title, url_path in CommunityPage.objects.filter(
        pk__in={row["community_id"] for row in rows}
    ).values_list("pk", "title", "url_path"):
        # Three columns instead of every Page field; the URL from Wagtail's own code, once per community
        # (Post.get_url below reuses it).
        community = communities[pk] = CommunityPage(id=pk, title=title, url_path=url_path)
        url = community.__dict__["_koffietafel_url"] = _page_url(community, request)
        community_refs[pk] = {"id": pk, "title": title, "url": request.build_absolute_uri(url)}
    themes: dict[int, list] = {pk: [] for pk in ids}
    for post_id, theme_id, name, slug in (
        Post.themes.through.objects.filter(post_id__in=ids)
        .order_by("theme__community_id", "theme__name", "theme_id")
        .values_list("post_id", "theme_id", "theme__name", "theme__slug")
    ):
        themes[post_id].append({"id": theme_id, "name": name, "slug": slug})
    answers: dict[int, list] = {pk: [] for pk in ids}
    for a in (
        Answer.objects.filter(post_id__in=ids, is_public=True, is_removed=False)
        .order_by("thread_id", "order")
        .values("id", "post_id", "parent_id", "comment", "body_html", "submit_date", "helpful_count",
                "user__username", "user__profile__display_name", "user__profile__organisation__name")
    ):
        answers[a["post_id"]].append({
            "id": a["id"],
            "parent_id": None if a["parent_id"] in (None, a["id"]) else a["parent_id"],
            "author": _person(a["user__username"], a["user__profile__display_name"],
                              a["user__profile__organisation__name"]),
            "body_markdown": a["comment"],
            "body_html": a["body_html"],
            "created_at": _iso(a["submit_date"]),
            "helpful_count": a["helpful_count"],
        })
    items = []
    for row in rows:
        # An unsaved Post with only these fields: its own get_url() and story_sections() decide.
        post = Post(id=row["id"], kind=row["kind"], slug=row["slug"], community=communities[row["community_id"]],
                    **{name: row[name] for name in _SECTION_COLUMNS})
        items.append({
            "id": row["id"],
            "kind": row["kind"],
            "title": row["title"],
            "url": request.build_absolute_uri(post.get_url(request)),
            "community": community_refs[row["community_id"]],
            "author": _person(row["author__username"], row["author__profile__display_name"],
                              row["author__profile__organisation__name"]),
            "themes": themes[row["id"]],
            "created_at": _iso(row["created_at"]),
            "edited_at": _iso(row["edited_at"]),
            "last_activity_at": _iso(row["last_activity_at"]),
            "answer_count": row["answer_count"],
            "is_solved": row["accepted_answer_id"] is not None,
            "accepted_answer_id": row["accepted_answer_id"],
            "body_markdown": row["body"],
            "body_html": row["body_html"],
            "story_status": row["story_status"],
            "story_sections": [{"title": str(title), "html": html} for title, html in post.story_sections()],
            "answers": answers[row["id"]],
        })
    return items


# -- responses shared by everyone with the same access ---------------------------------------

_SAFE_VALUES = (bool, int, str, type(None))


def access_key(condition) -> str | None:
    """``policies.visible_posts_filter(user)`` as text, id lists sorted; None when it cannot be written.

    That condition alone decides which posts a reader gets (everything else in a response is the
    same for every reader), so readers whose conditions are equal get the same bytes: all anonymous
    visitors and signed-in members without a token (the session does not count here) share one
    copy; a token's user has a condition of their own (it names them: their hidden posts). Only
    plain values (ids, flags) are written; anything else (a subquery, an expression) gives None and
    the response is built and not stored: a key must never stand for more than one set of posts.
    """
    if isinstance(condition, Q):
        parts = [access_key(child) for child in condition.children]
        if any(part is None for part in parts):
            return None
        return f"{'NOT ' if condition.negated else ''}{condition.connector}({', '.join(parts)})"
    if not (isinstance(condition, tuple) and len(condition) == 2 and isinstance(condition[0], str)):
        return None
    lookup, value = condition
    if isinstance(value, (list, tuple, set, frozenset)):
        if not all(type(item) in _SAFE_VALUES for item in value):
            return None
        return f"{lookup}=[{', '.join(sorted(map(repr, value)))}]"
    return f"{lookup}={value!r}" if type(value) in _SAFE_VALUES else None


def _response_cache():
    return caches[getattr(settings, "ANONYMOUS_PAGE_CACHE_ALIAS", "default")]


def shared_response(request, condition: Q, build) -> HttpResponse:
    """The JSON ``build()`` returns, kept in the cache for everyone with the same access.

    On with the anonymous page cache (``ANONYMOUS_PAGE_CACHE_SECONDS``, production with REDIS_URL)
    and fresh the same way: each copy carries the page cache's content generation, renewed after
    any model is saved or deleted and after any form post (``koffietafel.page_cache``), and lives
    at most that many seconds. The generation is read before the rows, so a response built while a
    change commits is stored under the old generation and never served. The key holds the access
    condition (``access_key``), scheme, host, language (story section titles) and the full path.
    A 404 (raised by ``build``) is never stored.
    """
    from koffietafel import page_cache

    seconds = int(getattr(settings, "ANONYMOUS_PAGE_CACHE_SECONDS", 0) or 0)
    access = access_key(condition) if seconds > 0 else None
    if access is None:
        return api.create_response(request, build(), status=200)
    raw = "|".join([request.scheme, request.get_host(), get_language() or "", request.get_full_path(), access])
    key = "api-response:" + hashlib.sha256(raw.encode()).hexdigest()
    cache = _response_cache()
    found = cache.get_many([page_cache.GENERATION_KEY, key])
    generation = generations.current(page_cache.GENERATION_KEY, cache=cache, found=found.get(page_cache.GENERATION_KEY))
    entry = found.get(key)
    if entry is not None and generation is not None and entry[0] == generation:
        return HttpResponse(entry[1], status=200, content_type=api.get_content_type())
    response = api.create_response(request, build(), status=200)
    if generation is not None:
        cache.set(key, (generation, response.content), seconds)
    return response


posts_router = Router(tags=["posts"])


@posts_router.get("/posts/", response=PostPage, summary="Posts you may read, newest first")
def list_posts(request, filters: Query[PostFilters]):
    """Questions and practice stories with their answers: exactly what the token's user may read."""
    condition = policies.visible_posts_filter(request.user)

    def build():
        posts = visible_posts(request.user, condition)
        if filters.community is not None:
            posts = posts.filter(community_id=filters.community)
        if filters.theme is not None:
            posts = posts.filter(themes=filters.theme)
        if filters.kind:
            posts = posts.filter(kind=filters.kind)
        if filters.solved is not None:
            posts = posts.filter(kind=Post.Kind.QUESTION, accepted_answer__isnull=not filters.solved)
        page = posts[filters.offset : filters.offset + filters.limit]
        return {"meta": {"total_count": posts.count()}, "items": build_posts(page, request)}

    return shared_response(request, condition, build)


@posts_router.get("/posts/{post_id}/", response=PostOut, summary="One post with its answers")
def get_post(request, post_id: int = Path(..., ge=1, le=MAX_ID)):
    """404 when the post does not exist or the token's user may not read it (no difference)."""
    condition = policies.visible_posts_filter(request.user)

    def build():
        items = build_posts(visible_posts(request.user, condition).filter(pk=post_id), request)
        if not items:
            raise Http404
        return items[0]

    return shared_response(request, condition, build)


# -- the API object and its OpenAPI description ----------------------------------------------

# Wagtail's v2 pages endpoint is not django-ninja; its part of the description is written here.
_PAGE_ITEM = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "meta": {
            "type": "object",
            "properties": {
                "type": {"type": "string", "examples": ["community.CommunityPage"]},
                "detail_url": {"type": "string"},
                "html_url": {"type": "string"},
                "slug": {"type": "string"},
                "first_published_at": {"type": "string", "format": "date-time"},
            },
        },
    },
}
PAGES_PATHS = {
    "/api/v2/pages/": {
        "get": {
            "tags": ["pages"],
            "summary": "Public pages: communities (not private ones), frameworks, case stories",
            "description": "Wagtail's pages endpoint (wagtail.api.v2). Live, public pages only; private "
                           "communities and their frameworks never appear. Filters and fields as in Wagtail's "
                           "API v2: ?type=community.CommunityPage&fields=summary,visibility, ?child_of=, "
                           "?search=, ?order=, ?limit= (max 20), ?offset=.",
            "parameters": [
                {"name": name, "in": "query", "required": False, "schema": {"type": kind}}
                for name, kind in (("type", "string"), ("fields", "string"), ("child_of", "integer"),
                                   ("descendant_of", "integer"), ("search", "string"), ("order", "string"),
                                   ("limit", "integer"), ("offset", "integer"))
            ],
            "responses": {"200": {"description": "A page of pages", "content": {"application/json": {"schema": {
                "type": "object",
                "properties": {"meta": {"$ref": "#/components/schemas/Meta"},
                               "items": {"type": "array", "items": _PAGE_ITEM}},
            }}}}},
        }
    },
    "/api/v2/pages/{id}/": {
        "get": {
            "tags": ["pages"],
            "summary": "One public page",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "The page", "content": {"application/json": {"schema": _PAGE_ITEM}}},
                          "404": {"description": "No such public page"}},
        }
    },
}


class KoffietafelAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema["paths"] = {**PAGES_PATHS, **schema["paths"]}
        schema.setdefault("components", {}).setdefault("schemas", {}).setdefault(
            "Meta", {"type": "object", "properties": {"total_count": {"type": "integer"}}})
        schema["components"].setdefault("securitySchemes", {})["TokenOrAnonymous"] = {
            "type": "http", "scheme": "bearer",
            "description": "A personal API token from /profiel/api-sleutels/. Without one you read as an "
                           "anonymous visitor: open communities only.",
        }
        return schema


api = KoffietafelAPI(
    title="Koffietafel API",
    version="2",
    description="Read-only JSON API of Koffietafel. Everything goes through the same access policy as the site.",
    urls_namespace="koffietafel_api",
    auth=TokenOrAnonymous(),
    docs_url=None,  # no Swagger UI: it loads scripts from a CDN, which our Content-Security-Policy forbids
    openapi_url="/openapi.json",
)
api.add_router("/", posts_router)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)

