"""Abuse limits on the community's write actions and the JSON API (django-ratelimit), configured in settings.

Views call ``exceeded(request, group)`` before changing anything; over the limit they answer
HTTP 429 with a Dutch message and, where the user typed text, the form with that text intact.
``ApiRateLimitMiddleware`` limits every request under ``/api/`` (both the pages API and the posts
API), counted per personal token, or per client address without one.
"""

import hashlib

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.http import JsonResponse
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


API_MESSAGE = _("Te veel verzoeken aan de API in korte tijd. Wacht even en probeer het dan opnieuw.")


def _api_key(group, request) -> str:
    """A personal token counts for its owner wherever they call from; without one, the address counts."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header[:7].lower() == "bearer " and header[7:].strip():
        return "token:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()
    # allauth's client address: X-Forwarded-For behind ALLAUTH_TRUSTED_PROXY_COUNT proxies, as for logins.
    return "ip:" + (get_adapter(request).get_client_ip(request) or "")


class ApiRateLimitMiddleware:
    """HTTP 429 (JSON, with Retry-After) when a caller goes over ``KOFFIETAFEL_RATE_LIMITS["api"]``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rate = settings.KOFFIETAFEL_RATE_LIMITS.get("api")
        if rate and request.path.startswith("/api/") and is_ratelimited(
            request, group="koffietafel.api", key=_api_key, rate=rate, increment=True
        ):
            response = JsonResponse({"detail": str(API_MESSAGE)}, status=429)
            response["Retry-After"] = "60"
            return response
        return self.get_response(request)
