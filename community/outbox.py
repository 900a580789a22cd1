"""The e-mail outbox: every notification e-mail and digest is a row first, then sent, retried or failed.

django-tasks runs a task once and does not retry it. So e-mail is never sent straight from a task:
``queue()`` stores the message (in the caller's transaction) and enqueues ``send_outbox_email`` on
commit for a first attempt at once; a failure is logged and the row gets ``next_attempt_at`` with
exponential back-off; ``manage.py send_due_mail`` (cron, every few minutes) sends what is due, and
after ``MAX_ATTEMPTS`` the row is marked failed, logged at ERROR with its last error. Nothing is
lost silently: failed rows stay in the table (``send_due_mail --retry-failed`` tries them again).

Sending is at-least-once: a worker that dies between sending and saving leaves the row "sending";
``send_due_mail`` takes such rows back after ``CLAIM_TIMEOUT``.

An e-mail about notifications (one, or a digest) names them in its headers under ``ABOUT`` (never
sent): each attempt asks the access policy again (community/mailings.py, ``current_message``) and
sends what the recipient may see *then*, at the address they have then. A retry can come hours
after the first try, after the recipient left the community or the post was hidden; when nothing
is left to tell, the e-mail is withdrawn (the row deleted, logged at INFO).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.utils import timezone

from .models import OutboxEmail

logger = logging.getLogger("koffietafel.outbox")

MAX_ATTEMPTS = 6
BACKOFF = [timedelta(minutes=m) for m in (1, 5, 30, 120, 720)]  # after attempt 1, 2, 3, 4, 5
CLAIM_TIMEOUT = timedelta(minutes=15)
ABOUT = "_about"  # a key of ``headers``: which notifications the e-mail tells of (see above); not sent
WITHDRAWN = "withdrawn"


def queue(*, to: str, subject: str, body_text: str, body_html: str = "", headers: dict | None = None,
          user=None) -> OutboxEmail:
    """Store an e-mail and have it sent after commit. Call inside the transaction that caused it."""
    from .services_notify import on_commit
    from .tasks import send_outbox_email

    email = OutboxEmail.objects.create(
        to=to, user=user, subject=one_line(subject)[:300], body_text=body_text, body_html=body_html,
        headers=headers or {}, next_attempt_at=timezone.now(),
    )
    on_commit(send_outbox_email, outbox_id=email.pk)
    return email


def one_line(subject: str) -> str:
    """A subject on one line: titles, prompts and names may hold line breaks, and a header with one
    is refused by Django (BadHeaderError), which would fail the e-mail on every attempt."""
    return " ".join(subject.split())


def _claim(pk: int, now) -> bool:
    """Take the row for this worker; False when another worker has it or it is not due."""
    due = Q(status=OutboxEmail.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboxEmail.Status.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    )
    return bool(OutboxEmail.objects.filter(due, pk=pk).update(status=OutboxEmail.Status.SENDING, claimed_at=now))


def _as_of_now(email: OutboxEmail) -> bool:
    """Render an e-mail about notifications again, as its recipient may see them now (see the module
    docstring); False when nothing is left to send. Other e-mails are sent as stored."""
    about = email.headers.get(ABOUT)
    if not about:
        return True
    from .mailings import current_message

    current = current_message(user_id=email.user_id, about=about)
    if current is None:
        return False
    for field, value in current.items():
        setattr(email, field, one_line(value)[:300] if field == "subject" else value)
    return True


def send_one(pk: int, *, now=None) -> str:
    """Try to send one due e-mail; returns its status afterwards ("" when it was not ours to send,
    ``WITHDRAWN`` when there was nothing left its recipient may see)."""
    now = now or timezone.now()
    if not _claim(pk, now):
        return ""
    email = OutboxEmail.objects.get(pk=pk)
    email.attempts += 1
    try:
        if not _as_of_now(email):
            logger.info("E-mail %s withdrawn: its recipient may no longer see what it was about", email.pk)
            email.delete()
            return WITHDRAWN
        headers = {name: value for name, value in email.headers.items() if name != ABOUT}
        message = EmailMultiAlternatives(one_line(email.subject), email.body_text, settings.DEFAULT_FROM_EMAIL,
                                         [email.to], headers=headers)
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        message.send()
    except Exception as exc:  # noqa: BLE001 - any failure (mail backend, rendering) is retried, never lost
        email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if email.attempts >= MAX_ATTEMPTS:
            email.status = OutboxEmail.Status.FAILED
            logger.error("E-mail %s to %s failed for good after %s attempts: %s", email.pk, email.to,
                         email.attempts, email.last_error)
        else:
            email.status = OutboxEmail.Status.PENDING
            email.next_attempt_at = now + BACKOFF[min(email.attempts, len(BACKOFF)) - 1]
            logger.warning("E-mail %s to %s failed (attempt %s of %s), next try at %s: %s", email.pk, email.to,
                           email.attempts, MAX_ATTEMPTS, email.next_attempt_at.isoformat(), email.last_error)
    else:
        email.status = OutboxEmail.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
    email.save(update_fields=["status", "attempts", "next_attempt_at", "last_error", "sent_at", "to", "subject",
                              "body_text", "body_html", "headers"])
    return email.status


def send_due(*, now=None, limit: int = 500) -> dict[str, int]:
    """Send every due e-mail (first tries missed, retries after back-off, stale claims)."""
    now = now or timezone.now()
    due = OutboxEmail.objects.filter(
        Q(status=OutboxEmail.Status.PENDING, next_attempt_at__lte=now)
        | Q(status=OutboxEmail.Status.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)
    ).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]
    counts: dict[str, int] = {}
    for pk in list(due):
        status = send_one(pk, now=now)
        if status:
            counts[status] = counts.get(status, 0) + 1
    return counts


def retry_failed() -> int:
    """Give failed e-mails a fresh set of attempts (after fixing the mail set-up)."""
    return OutboxEmail.objects.filter(status=OutboxEmail.Status.FAILED).update(
        status=OutboxEmail.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
