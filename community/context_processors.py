"""Template context for every page: the signed-in user's unread notification count (header badge).

Lazy: the count is only looked up when a template actually uses ``unread_notifications``, once per
request; it comes from the cache, counted through the same policy-filtered queryset as the
notifications page whenever something it depends on changed (services_notify.cached_unread_count).
"""

from __future__ import annotations


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    cache = {}

    def unread_notifications():
        if "count" not in cache:
            from community import services_notify

            cache["count"] = services_notify.cached_unread_count(user)
        return cache["count"]

    return {"unread_notifications": unread_notifications}
