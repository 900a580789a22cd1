"""Abuse limits on the community's write actions (django-ratelimit), configured in settings.

Views call ``exceeded(request, group)`` before changing anything; over the limit they answer
HTTP 429 with a Dutch message and, where the user typed text, the form with that text intact.
"""

from django.conf import settings
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited

MESSAGE = _(
    "Je hebt in korte tijd veel geplaatst. Wacht even en probeer het dan opnieuw; je tekst staat hieronder nog."
)
ACTION_MESSAGE = _("Je hebt dit in korte tijd te vaak gedaan. Wacht even en probeer het dan opnieuw.")


def exceeded(request, group: str) -> bool:
    """Count this POST against the group's limit; True when it goes over."""
    rate = settings.KOFFIETAFEL_RATE_LIMITS.get(group)
    if not rate or request.method != "POST":
        return False
    return is_ratelimited(
        request, group=f"koffietafel.{group}", key="user_or_ip", rate=rate, method="POST", increment=True
    )


def too_many(request, context=None):
    """The 429 page for actions without typed text (votes, flags, joins)."""
    return TemplateResponse(
        request, "429.html", {"message": ACTION_MESSAGE, **(context or {})}, status=429
    )
