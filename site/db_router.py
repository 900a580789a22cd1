"""Read replica routing (on when DATABASE_REPLICA_URL is set; see settings/scale_out.py).

Reads may go to the replica only inside a safe request (GET, HEAD, OPTIONS) of a visitor who has
not written anything in the last REPLICA_PIN_SECONDS: replication lag must never hide a visitor's
own new question or answer from them. Everything else — writes, unsafe requests, management
commands, background tasks — uses the primary.
"""

from __future__ import annotations

import contextvars

from django.conf import settings

_replica_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar("koffietafel_replica_allowed", default=False)

PIN_COOKIE = "koffietafel_primary"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        return "replica" if _replica_allowed.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaRoutingMiddleware:
    """Allow replica reads for this request, and pin a visitor to the primary after a write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        allowed = request.method in SAFE_METHODS and PIN_COOKIE not in request.COOKIES
        token = _replica_allowed.set(allowed)
        try:
            response = self.get_response(request)
        finally:
            _replica_allowed.reset(token)
        if request.method not in SAFE_METHODS:
            response.set_cookie(PIN_COOKIE, "1", max_age=getattr(settings, "REPLICA_PIN_SECONDS", 10), httponly=True,
                                secure=request.is_secure(), samesite="Lax")
        return response
