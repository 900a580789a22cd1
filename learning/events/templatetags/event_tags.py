"""Template tags through which community templates show learning.events' parts.

- ``{% community_meetups page %}`` on the community page: its upcoming meetups. Asks the access
  policy itself, so it shows nothing for a community the visitor may not see, wherever it is used.
"""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string

from community import policies as community_policies
from learning.events import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def community_meetups(context, community):
    request = context.get("request")
    user = getattr(request, "user", None)
    if community is None or not community_policies.can_view_community(user, community):
        return ""
    meetups = selectors.community_meetups(community=community, user=user)
    if not meetups:
        return ""
    return render_to_string("events/includes/community_meetups.html", {"meetups": meetups}, request=request)
