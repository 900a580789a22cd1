"""Learning: the framework (kader) of each community. Typed blocks, prompts and case stories follow."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class FrameworkPage(Page):
    """A community's framework, set and sharpened by its facilitators: one per community.

    It is shown to everyone who may see the community (also in closed communities), and hidden
    with the community when that is private.
    """

    body = RichTextField(_("kader"), features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["community.CommunityPage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("kader")
        verbose_name_plural = _("kaders")

    def community(self):
        """The community this framework belongs to (its parent), fetched once per instance."""
        if not hasattr(self, "_community"):
            self._community = self.get_parent().specific
        return self._community

    def serve(self, request, *args, **kwargs):
        from community import policies

        if not policies.can_view_community(request.user, self.community()):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_sitemap_urls(self, request=None):
        from community.models import Visibility

        if self.community().visibility == Visibility.PRIVATE:
            return []
        return super().get_sitemap_urls(request)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["community"] = self.community()
        return context
