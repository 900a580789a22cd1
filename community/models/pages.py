"""Community pages: the index of all communities and one page per community.

A community is an editor-owned page (revisions, previews, scheduling come free); what members write
inside it are Django models served through this page's routes (RoutablePageMixin).
"""

from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index


class Visibility(models.TextChoices):
    OPEN = "open", _("Open: iedereen leest mee, leden schrijven")
    CLOSED = "closed", _("Besloten: iedereen ziet de gemeenschap en het kader, alleen leden lezen en schrijven")
    PRIVATE = "private", _("Privé: alleen zichtbaar voor leden")


VISIBILITY_SHORT_LABELS = {
    Visibility.OPEN: _("Open"),
    Visibility.CLOSED: _("Besloten"),
    Visibility.PRIVATE: _("Privé"),
}


class CommunityPageQuerySet(PageQuerySet):
    def visible_to(self, user):
        """Communities this user may know exist (see community/policies.py)."""
        from community import policies

        return policies.visible_communities(self, user)


CommunityPageManager = PageManager.from_queryset(CommunityPageQuerySet)


class RoutedAncestorsMixin:
    """Wagtail's view-restriction check without its query for the ancestors routing already loaded.

    ``Page.get_view_restrictions()`` (run by Wagtail's serve hook on every page view) first queries
    the ancestors to resolve aliases, then the restrictions. Routing has just fetched every
    ancestor below the root and left each on its child as ``_cached_parent_obj``; when that chain
    is complete and holds no alias, the restrictions on those paths are the same answer in one
    query, or in none when the page came from the route memo (koffietafel.routing), which keeps
    every restriction row of its generation. Anything else (an alias, a page not reached by
    routing) takes Wagtail's own way.
    """

    def get_view_restrictions(self):
        from wagtail.models import PageViewRestriction

        page = self
        while page.depth > 2:
            if page.alias_of_id:
                return super().get_view_restrictions()
            page = page.__dict__.get("_cached_parent_obj")
            if page is None:
                return super().get_view_restrictions()
        if page.alias_of_id:  # the site's root page; its parent is the tree root, never an alias
            return super().get_view_restrictions()
        steplen = self.steplen
        paths = [self.path[:end] for end in range(steplen, len(self.path) + 1, steplen)]
        from koffietafel import routing

        memo = routing.memo_of_page(self)
        if memo is not None:
            return memo.restrictions_on(paths)
        return PageViewRestriction.objects.filter(page__path__in=paths)


class CommunityIndexPage(RoutedAncestorsMixin, Page):
    """The list of communities (/gemeenschappen/): shows only those the visitor may know about."""

    intro = RichTextField(_("introductie"), blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["community.CommunityPage"]
    max_count = 1

    class Meta:
        verbose_name = _("overzicht van gemeenschappen")

    def get_context(self, request, *args, **kwargs):
        from community import selectors

        context = super().get_context(request, *args, **kwargs)
        context["communities"] = selectors.community_cards(user=request.user, parent=self)
        return context

    def route(self, request, path_components):
        """Every child is a CommunityPage: fetch it as one in one query instead of two (generic, specific),
        or from the route memo (koffietafel.routing)."""
        from koffietafel import routing

        if path_components:
            community = routing.child(request, self, path_components[0], fetch=_community_child)
            if community is None:
                raise Http404
            return community.route(request, path_components[1:])
        return super().route(request, path_components)


class CommunityPage(RoutedAncestorsMixin, RoutablePageMixin, Page):
    """A learning community (leergemeenschap): its description, visibility and members' work."""

    summary = models.CharField(
        _("korte beschrijving"), max_length=300, help_text=_("Eén of twee zinnen: waar leert deze gemeenschap over?")
    )
    description = RichTextField(
        _("beschrijving"), blank=True, features=["h2", "h3", "bold", "italic", "link", "ol", "ul"]
    )
    visibility = models.CharField(
        _("zichtbaarheid"), max_length=16, choices=Visibility.choices, default=Visibility.OPEN, db_index=True
    )

    objects = CommunityPageManager()

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("description"), FieldPanel("visibility")]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("description"),
        index.FilterField("visibility"),
    ]
    api_fields = [APIField("summary"), APIField("visibility")]  # /api/v2/pages/ (community/api.py)
    parent_page_types = ["community.CommunityIndexPage"]
    subpage_types = ["learning.FrameworkPage"]

    class Meta:
        verbose_name = _("gemeenschap")
        verbose_name_plural = _("gemeenschappen")

    @property
    def visibility_label(self):
        """One word for badges ("Open", "Besloten", "Privé"); the choice label explains it in full."""
        return VISIBILITY_SHORT_LABELS[self.visibility]

    # -- access: every door asks the policy ------------------------------------------------
    def serve(self, request, *args, **kwargs):
        from community import policies

        if not policies.can_view_community(request.user, self):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_sitemap_urls(self, request=None):
        from django.contrib.auth.models import AnonymousUser

        from community import policies

        if not policies.can_view_community(AnonymousUser(), self):
            return []
        return super().get_sitemap_urls(request)

    # -- routes: members' work lives under the community's URL ------------------------------
    # Views live in community/views.py; these methods only map URLs to them.
    @path("")
    def index_route(self, request):
        return _views().community_index(request, self)

    @path("lid-worden/", name="join")
    def join_route(self, request):
        return _notify_views().join(request, self)  # joining plus how to hear from the community

    @path("verlaten/", name="leave")
    def leave_route(self, request):
        return _views().leave(request, self)

    @path("leden/", name="members")
    def members_route(self, request):
        return _views().members(request, self)

    @path("aanvragen/", name="requests")
    def requests_route(self, request):
        return _views().requests_and_invites(request, self)

    @path("moderatie/", name="moderation")
    def moderation_route(self, request):
        return _views().moderation(request, self)

    @path("vragen/nieuw/", name="ask")
    def ask_route(self, request):
        return _notify_views().ask(request, self)  # the ask form plus "have you seen these?"

    @path("vragen/suggesties/", name="question_suggestions")
    def question_suggestions_route(self, request):
        return _notify_views().question_suggestions(request, self)

    @path("feed/", name="feed")
    def feed_route(self, request):
        from community import feeds

        return feeds.community_feed(request, self)

    @path("verhalen/nieuw/", name="share")
    def share_route(self, request):
        from .posts import Post

        return _views().post_create(request, self, Post.Kind.STORY)

    @path("vragen/<int:pk>-<slug:slug>/", name="question")
    def question_route(self, request, pk, slug):
        from .posts import Post

        return _views().post_detail(request, self, pk, slug, Post.Kind.QUESTION)

    @path("verhalen/<int:pk>-<slug:slug>/", name="story")
    def story_route(self, request, pk, slug):
        from .posts import Post

        return _views().post_detail(request, self, pk, slug, Post.Kind.STORY)

    @path("bijdragen/<int:pk>/bewerken/", name="post_edit")
    def post_edit_route(self, request, pk):
        return _views().post_edit(request, self, pk)

    @path("bijdragen/<int:pk>/verwijderen/", name="post_delete")
    def post_delete_route(self, request, pk):
        return _views().post_delete(request, self, pk)

    @path("bijdragen/<int:pk>/verbergen/", name="post_hide")
    def post_hide_route(self, request, pk):
        return _views().post_hide(request, self, pk)

    @path("bijdragen/<int:pk>/antwoorden/", name="answer")
    def answer_route(self, request, pk):
        return _views().answer_create(request, self, pk)

    @path("bijdragen/<int:pk>/antwoorden/<int:answer_id>/bewerken/", name="answer_edit")
    def answer_edit_route(self, request, pk, answer_id):
        return _views().answer_edit(request, self, pk, answer_id)

    @path("bijdragen/<int:pk>/antwoorden/<int:answer_id>/accepteren/", name="answer_accept")
    def answer_accept_route(self, request, pk, answer_id):
        return _views().answer_accept(request, self, pk, answer_id)

    @path("bijdragen/<int:pk>/antwoorden/<int:answer_id>/nuttig/", name="answer_vote")
    def answer_vote_route(self, request, pk, answer_id):
        return _views().answer_vote(request, self, pk, answer_id)

    @path("bijdragen/<int:pk>/antwoorden/<int:answer_id>/melden/", name="answer_flag")
    def answer_flag_route(self, request, pk, answer_id):
        return _views().answer_flag(request, self, pk, answer_id)

    @path("bijdragen/<int:pk>/antwoorden/<int:answer_id>/verbergen/", name="answer_hide")
    def answer_hide_route(self, request, pk, answer_id):
        return _views().answer_hide(request, self, pk, answer_id)


def _community_child(index, slug):
    return CommunityPage.objects.child_of(index).filter(slug=slug).first()


def _views():
    from community import views

    return views


def _notify_views():
    from community import views_notify

    return views_notify
