"""Template tags of find-and-follow: follow buttons and the join form's notification choice.

What the user follows is read once per request (one query) and kept on the request object, so a
page with many follow buttons still runs one query; a page that already knows (the post page reads
it with the post: selectors.post_page_row) passes ``following`` and runs none.
"""

from django import template
from django.contrib.auth import get_user_model

from community import services_notify
from community.models import CommunityPage, Delivery, Post, Theme

register = template.Library()

_KINDS = (
    (CommunityPage, "gemeenschap", "community"),
    (Post, "bijdrage", "post"),
    (Theme, "thema", "theme"),
)


@register.inclusion_tag("community/includes/follow_button.html", takes_context=True)
def follow_button(context, target, following=None):
    """``{% follow_button page %}``, ``{% follow_button post %}``, ``{% follow_button theme %}`` or a user;
    ``following=True|False`` when the page already knows whether the user follows ``target``."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not services_notify.can_follow(user, target):
        return {}
    for model, kind, field in _KINDS:
        if isinstance(target, model):
            label = getattr(target, "title", None) or getattr(target, "name", "")
            break
    else:
        if not isinstance(target, get_user_model()):
            return {}
        kind, field, label = "persoon", "person", target.profile.name
    if following is None:
        followed = getattr(request, "_koffietafel_followed", None)
        if followed is None:
            followed = request._koffietafel_followed = services_notify.followed_ids(user)
        following = target.pk in followed[field]
    return {
        "kind": kind, "target_id": target.pk, "label": label, "following": following,
        "request": request, "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("community/includes/join_notification_choice.html")
def join_notification_choice():
    """The radio buttons in the join form (community.views_notify.join reads ``meldingen``)."""
    from django.utils.translation import gettext_lazy as _

    return {"join_notification_choices": [
        (Delivery.IMMEDIATE, _("Direct per e-mail, bij elke nieuwe vraag of elk nieuw verhaal")),
        (Delivery.DIGEST, _("In de e-mailsamenvatting")),
        (Delivery.OFF, _("Alleen op de site, bij Meldingen")),
        ("none", _("Niet: ik kijk zelf wel")),
    ]}
