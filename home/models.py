"""The home page: what Koffietafel is, communities to join, latest activity."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from community.models.pages import RoutedAncestorsMixin


class HomePage(RoutedAncestorsMixin, Page):
    intro = RichTextField(_("introductie"), blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("startpagina")

    def route(self, request, path_components):
        """Each step from the route memo when the request has one (koffietafel.routing). Without it,
        routing through the communities index (/gemeenschappen/<community>/...) needs none of the
        index's own fields, so it is not fetched a second time as its specific class."""
        from koffietafel import routing

        if path_components:
            child = routing.child(
                request, self, path_components[0],
                specific=_specific_deferred_index if len(path_components) > 1 else routing.as_specific,
            )
            if child is None:
                raise Http404
            return child.route(request, path_components[1:])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from home import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.home_context(user=request.user))
        return context


def _specific_deferred_index(page):
    """Routing passes through the communities index without reading its fields (no second query)."""
    from community.models import CommunityIndexPage

    return page.specific_deferred if page.specific_class is CommunityIndexPage else page.specific
