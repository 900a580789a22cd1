"""The JSON API under /api/v2/: pages (Wagtail's API v2) and posts with their answers (read-only).

- ``/api/v2/pages/`` is Wagtail's own pages endpoint (``wagtail.api.v2``), which already limits
  itself to live, public pages. It knows nothing of community visibility, so the base queryset
  here also leaves out every private community and everything below it (its framework): those must
  never appear, not even to members (the pages endpoint is anonymous). Closed communities appear,
  as they do everywhere else: anyone may know they exist and read their framework.
- ``/api/v2/posts/`` and ``/api/v2/posts/<id>/`` (django-ninja, as Wagtail's own v3 API uses)
  return exactly ``Post.objects.visible_to(user)``, where ``user`` is whoever the personal API token
  belongs to (``Authorization: Bearer <token>``, Wagtail's ``APIToken``, stored as a hash), or an
  anonymous visitor without a token: open communities only. A session cookie is ignored; a wrong
  or revoked token is a 401, never a silent downgrade to anonymous. Answers are the public ones
  (hidden answers stay in the thread on the site, for those who may see them there).
- ``/api/v2/openapi.json`` describes both (generated for posts, the pages part written below).

Responses of both endpoints page the same way: ``?limit=&offset=``, ``{"meta": {"total_count"},
"items": [...]}``, at most ``API_LIMIT_MAX`` items per request.
"""

from datetime import datetime
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Path, Query, Router, Schema
from ninja.pagination import PaginationBase, paginate
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.api.v3.auth import BearerTokenAuth

from .models import Answer, CommunityPage, Post, Visibility

API_LIMIT_MAX = getattr(settings, "WAGTAILAPI_LIMIT_MAX", 20) or 20


# -- pages (Wagtail API v2) ------------------------------------------------------------------


class PublicPagesAPIViewSet(PagesAPIViewSet):
    """Wagtail's pages endpoint without private communities and their subtrees."""

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


class WagtailStylePagination(PaginationBase):
    """limit/offset like Wagtail's v2 pages endpoint, with its ``meta.total_count`` envelope."""

    class Input(Schema):
        limit: int = Field(20, ge=1, le=API_LIMIT_MAX, description=f"Items per page, at most {API_LIMIT_MAX}.")
        offset: int = Field(0, ge=0)

    class Output(Schema):
        meta: Meta
        items: list[Any]

    def paginate_queryset(self, queryset, pagination: Input, request, **params):
        return {
            "meta": {"total_count": queryset.count()},
            "items": list(queryset[pagination.offset : pagination.offset + pagination.limit]),
        }


class Person(Schema):
    username: str
    name: str
    organisation: str | None


def _person(user) -> dict:
    profile = user.profile
    return {"username": user.get_username(), "name": profile.name,
            "organisation": profile.organisation.name if profile.organisation_id else None}


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

    @staticmethod
    def resolve_parent_id(answer):
        return None if answer.parent_id in (None, answer.pk) else answer.parent_id

    @staticmethod
    def resolve_author(answer):
        return _person(answer.user)

    @staticmethod
    def resolve_body_markdown(answer):
        return answer.comment

    @staticmethod
    def resolve_created_at(answer):
        return answer.submit_date


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

    @staticmethod
    def resolve_url(post, context):
        return context["request"].build_absolute_uri(post.get_url(context["request"]))

    @staticmethod
    def resolve_community(post, context):
        request = context["request"]
        community = post.community
        return {"id": community.pk, "title": community.title,
                "url": request.build_absolute_uri(community.get_url(request))}

    @staticmethod
    def resolve_author(post):
        return _person(post.author)

    @staticmethod
    def resolve_themes(post):
        return list(post.themes.all())

    @staticmethod
    def resolve_body_markdown(post):
        return post.body

    @staticmethod
    def resolve_story_sections(post):
        return [{"title": str(title), "html": html} for title, html in post.story_sections()]

    @staticmethod
    def resolve_answers(post):
        return post.public_answers


MAX_ID = 2**63 - 1  # ids beyond a 64-bit integer are a 422, not a database overflow


class PostFilters(Schema):
    community: int | None = Field(None, ge=1, le=MAX_ID, description="Only posts of this community (id).")
    theme: int | None = Field(None, ge=1, le=MAX_ID, description="Only posts with this theme (id).")
    kind: Literal["question", "story"] | None = None
    solved: bool | None = Field(None, description="Questions that are (not) solved.")


def visible_posts(user):
    """What the API shows a user: the policy's posts, with what the schema reads, in a fixed number of queries."""
    answers = (
        Answer.objects.filter(is_public=True, is_removed=False)
        .select_related("user__profile__organisation")
        .order_by("thread_id", "order")
    )
    return (
        Post.objects.visible_to(user)
        .select_related("community", "author__profile__organisation")
        .prefetch_related("themes", Prefetch("answers", queryset=answers, to_attr="public_answers"))
        .order_by("-created_at", "-pk")
    )


posts_router = Router(tags=["posts"])


@posts_router.get("/posts/", response=list[PostOut], summary="Posts you may read, newest first")
@paginate(WagtailStylePagination)
def list_posts(request, filters: Query[PostFilters]):
    """Questions and practice stories with their answers: exactly what the token's user may read."""
    posts = visible_posts(request.user)
    if filters.community is not None:
        posts = posts.filter(community_id=filters.community)
    if filters.theme is not None:
        posts = posts.filter(themes=filters.theme)
    if filters.kind:
        posts = posts.filter(kind=filters.kind)
    if filters.solved is not None:
        posts = posts.filter(kind=Post.Kind.QUESTION, accepted_answer__isnull=not filters.solved)
    return posts


@posts_router.get("/posts/{post_id}/", response=PostOut, summary="One post with its answers")
def get_post(request, post_id: int = Path(..., ge=1, le=MAX_ID)):
    """404 when the post does not exist or the token's user may not read it (no difference)."""
    return get_object_or_404(visible_posts(request.user), pk=post_id)


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

