"""The home page: what Koffietafel is, communities to join, latest activity."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    intro = RichTextField(_("introductie"), blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("startpagina")

    def get_context(self, request, *args, **kwargs):
        from home import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.home_context(user=request.user))
        return context
