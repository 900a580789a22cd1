"""Community pages: the index of all communities and one page per community.

A community is an editor-owned page (revisions, previews, scheduling come free); what members write
inside it are Django models served through this page's routes (RoutablePageMixin).
"""

from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index


class Visibility(models.TextChoices):
    OPEN = "open", _("Open: iedereen leest mee, leden schrijven")
    CLOSED = "closed", _("Besloten: iedereen ziet de gemeenschap en het kader, alleen leden lezen en schrijven")
    PRIVATE = "private", _("Privé: alleen zichtbaar voor leden")


class CommunityPageQuerySet(PageQuerySet):
    def visible_to(self, user):
        """Communities this user may know exist (see community/policies.py)."""
        from community import policies

        return policies.visible_communities(self, user)


CommunityPageManager = PageManager.from_queryset(CommunityPageQuerySet)


class CommunityIndexPage(Page):
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


class CommunityPage(RoutablePageMixin, Page):
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
    parent_page_types = ["community.CommunityIndexPage"]
    subpage_types = ["learning.FrameworkPage"]

    class Meta:
        verbose_name = _("gemeenschap")
        verbose_name_plural = _("gemeenschappen")

    # -- access: every door asks the policy ------------------------------------------------
    def serve(self, request, *args, **kwargs):
        from community import policies

        if not policies.can_view_community(request.user, self):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_sitemap_urls(self, request=None):
        if self.visibility == Visibility.PRIVATE:
            return []
        return super().get_sitemap_urls(request)

    @path("")
    def index_route(self, request, *args, **kwargs):
        return self.render(request)

    def get_context(self, request, *args, **kwargs):
        from community import policies, selectors

        context = super().get_context(request, *args, **kwargs)
        context["membership"] = policies.membership_of(request.user, self)
        context["can_read_posts"] = policies.can_read_posts(request.user, self)
        context["framework"] = selectors.framework_of(self)
        context["facilitators"] = selectors.facilitators_of(self)
        return context
