"""Template tags through which community templates show learning.events' parts.

- ``{% community_meetups page %}`` on the community page: its upcoming meetups. Asks the access
  policy itself, so it shows nothing for a community the visitor may not see, wherever it is used.
- ``{% community_benchmark_link page %}``: a link to the community's dashboard, for those who may open it.
- ``{% benchmark_in_menu as show %}`` in the site header: whether to offer the benchmark at all.
"""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from community import policies as community_policies
from learning.events import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def community_meetups(context, community):
    """Shown to everyone who may know the community, the same list for all of them (shared, cached)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if community is None or not community_policies.can_view_community(user, community):
        return ""
    if not (getattr(user, "is_superuser", False) and user.is_active):
        # Meetups of a community behind a Wagtail view restriction are listed for administrators only
        # (policies.visible_sessions); the catalogue knows without a query.
        if community.pk not in community_policies.visible_community_ids(user):
            return ""

    def render(meetups):
        return render_to_string("events/includes/community_meetups.html", {"meetups": meetups}, request=request)

    html = selectors.community_meetups_html(community=community, render=render, language=get_language())
    return mark_safe(html)  # noqa: S308 - our own template, rendered above or before


@register.simple_tag(takes_context=True)
def community_benchmark_link(context, community):
    """For the community's facilitators (and administrators) only: a link to its dashboard."""
    from django.urls import reverse
    from django.utils.html import format_html
    from django.utils.translation import gettext as _

    from learning.events import policies

    request = context.get("request")
    user = getattr(request, "user", None)
    if community is None or user is None or not policies.can_view_community_dashboard(user, community):
        return ""
    return format_html(
        '<p class="utrecht-paragraph"><a class="utrecht-link utrecht-link--html-a" href="{}">{}</a></p>',
        reverse("benchmark:community", kwargs={"slug": community.slug}),
        _("Hoe gaat het met deze gemeenschap? Bekijk de cijfers"),
    )


@register.simple_tag(takes_context=True)
def benchmark_in_menu(context) -> bool:
    """Whether the header's menu links to /benchmark/ (cached: no query on a warm page)."""
    request = context.get("request")
    return selectors.benchmark_in_menu(getattr(request, "user", None))
