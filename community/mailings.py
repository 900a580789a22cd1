"""E-mail about notifications: one at a time for the important kinds, or bundled in a digest.

Both read the notifications through ``services_notify.visible_notifications`` at sending time, so a
person is only e-mailed about what the access policy lets them see *now*, and both set
``emailed_at``, so nothing is e-mailed twice. A digest is only sent when there is something in it,
and ``DigestLog``'s unique (user, frequency, period) makes a second run of ``send_digests`` in the
same period a no-op. Every e-mail has a plain-text and an HTML part and a one-click unsubscribe
link (RFC 8058 ``List-Unsubscribe`` + ``List-Unsubscribe-Post``) that needs no login: a signed
token says who and what; tampering breaks the signature.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import outbox, services_notify
from .models import (
    Delivery,
    DigestFrequency,
    DigestLog,
    DigestPreference,
    Notification,
    NotificationKind,
    NotificationSetting,
)

User = get_user_model()

UNSUBSCRIBE_SALT = "koffietafel.notifications.unsubscribe"
DIGEST_SCOPE = "digest"
DIGEST_MAX_ITEMS = 50
DIGEST_MAX_AGE_DAYS = 31  # older unsent items are left out (they are still on the notifications page)


# -- unsubscribing ---------------------------------------------------------------------------


def unsubscribe_token(*, user, scope: str) -> str:
    """A signed token for "stop e-mailing <scope> to <user>"; scope is "digest" or a notification kind."""
    return signing.dumps({"u": user.pk, "s": scope}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[object, str]:
    """(user, scope) of a valid token; ``signing.BadSignature`` when it was tampered with."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    scope = data.get("s")
    if scope != DIGEST_SCOPE and scope not in NotificationKind.values:
        raise signing.BadSignature("unknown scope")
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None:
        raise signing.BadSignature("unknown user")
    return user, scope


@transaction.atomic
def unsubscribe(*, user, scope: str) -> None:
    if scope == DIGEST_SCOPE:
        DigestPreference.objects.update_or_create(user=user, defaults={"frequency": DigestFrequency.NEVER})
    else:
        NotificationSetting.objects.update_or_create(user=user, kind=scope, defaults={"delivery": Delivery.OFF})


def _unsubscribe_url(user, scope) -> str:
    return services_notify.absolute_url(reverse("notifications_unsubscribe", args=[unsubscribe_token(user=user, scope=scope)]))


def _headers(unsubscribe_url: str) -> dict:
    return {"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _item(notification) -> dict:
    return {
        "text": services_notify.text_of(notification),
        "url": services_notify.absolute_url(services_notify.url_of(notification)),
        "community": notification.community.title if notification.community_id else (
            notification.post.community.title if notification.post_id else ""),
        "created_at": notification.created_at,
    }


# -- one at a time ---------------------------------------------------------------------------


def _notification_message(user, notification) -> dict:
    """The e-mail about one notification, as the outbox stores it (rendered again at each attempt)."""
    with translation.override("nl"):
        context = {
            "user": user,
            "item": _item(notification),
            "kind_label": notification.get_kind_display(),
            "settings_url": services_notify.absolute_url(reverse("notification_settings")),
            "unsubscribe_url": _unsubscribe_url(user, notification.kind),
        }
        return {
            "to": user.email,
            "subject": f"[Koffietafel] {context['item']['text']}"[:300],
            "body_text": render_to_string("community/email/notification.txt", context),
            "body_html": render_to_string("community/email/notification.html", context),
            "headers": {**_headers(context["unsubscribe_url"]), outbox.ABOUT: {"notification": notification.pk}},
        }


def email_notifications(ids) -> int:
    """E-mail the given "immediately" notifications that are still unsent and still visible."""
    sent = 0
    for notification in Notification.objects.filter(pk__in=list(ids), emailed_at__isnull=True,
                                                     delivery=Delivery.IMMEDIATE).select_related("recipient"):
        user = notification.recipient
        visible = services_notify.visible_notifications(user).for_list().filter(pk=notification.pk).first()
        if visible is None or not user.email:
            continue
        with transaction.atomic():
            claimed = Notification.objects.filter(pk=visible.pk, emailed_at__isnull=True).update(
                emailed_at=timezone.now())
            if not claimed:
                continue
            outbox.queue(user=user, **_notification_message(user, visible))
        sent += 1
    return sent


LEFT_BEHIND_AFTER = timezone.timedelta(minutes=5)
LEFT_BEHIND_MAX_AGE = timezone.timedelta(days=2)


def email_left_behind(*, now=None) -> int:
    """E-mail "immediately" notifications that were written but never e-mailed: the task that wrote
    them died before e-mailing (django-tasks does not retry), or a second run of it found the rows
    written already. ``send_due_mail`` (cron) calls this; older than two days they stay in the app."""
    now = now or timezone.now()
    ids = Notification.objects.filter(
        delivery=Delivery.IMMEDIATE, emailed_at__isnull=True,
        created_at__lte=now - LEFT_BEHIND_AFTER, created_at__gte=now - LEFT_BEHIND_MAX_AGE,
    ).order_by("created_at", "pk").values_list("pk", flat=True)[:1000]
    return email_notifications(list(ids))


def current_message(*, user_id, about: dict) -> dict | None:
    """The e-mail ``about`` (``{"notification": id}`` or ``{"digest": id, "more": bool}``) as it may go
    out now: asked of the policy again, to the address the person has now; None when nothing is left
    they may see (they left the community, the post was hidden or deleted, the account closed)."""
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None or not user.email:
        return None
    visible = services_notify.visible_notifications(user).for_list()
    if "notification" in about:
        notification = visible.filter(pk=about["notification"]).first()
        return _notification_message(user, notification) if notification is not None else None
    log = DigestLog.objects.filter(pk=about.get("digest"), user=user).first()
    items = list(visible.filter(digest=log).order_by("created_at", "pk")) if log is not None else []
    if not items:
        return None
    return _digest_message(user, items, frequency=log.frequency, more=bool(about.get("more")), log=log)


# -- digests ---------------------------------------------------------------------------------


def period_of(frequency: str, now) -> str:
    day = timezone.localdate(now)
    if frequency == DigestFrequency.DAILY:
        return day.isoformat()
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def digest_items(user, *, now=None):
    """What goes into the user's next digest: unsent digest notifications they may see now."""
    now = now or timezone.now()
    return (
        services_notify.visible_notifications(user)
        .filter(delivery=Delivery.DIGEST, emailed_at__isnull=True,
                created_at__gte=now - timezone.timedelta(days=DIGEST_MAX_AGE_DAYS), created_at__lte=now)
        .for_list()
        .order_by("created_at", "pk")
    )


def _digest_message(user, items, *, frequency: str, more: bool, log) -> dict:
    """The digest e-mail of ``items``, as the outbox stores it (rendered again at each attempt)."""
    groups: dict[str, list] = {}
    for notification in items:
        item = _item(notification)
        groups.setdefault(item["community"] or _("Koffietafel"), []).append(item)
    with translation.override("nl"):
        context = {
            "user": user,
            "groups": sorted(groups.items()),
            "count": len(items),
            "more": more,
            "frequency": frequency,
            "notifications_url": services_notify.absolute_url(reverse("notifications")),
            "settings_url": services_notify.absolute_url(reverse("notification_settings")),
            "unsubscribe_url": _unsubscribe_url(user, DIGEST_SCOPE),
        }
        subject = (_("Je dagelijkse samenvatting van Koffietafel") if frequency == DigestFrequency.DAILY
                   else _("Je wekelijkse samenvatting van Koffietafel"))
        return {
            "to": user.email,
            "subject": f"[Koffietafel] {subject}",
            "body_text": render_to_string("community/email/digest.txt", context),
            "body_html": render_to_string("community/email/digest.html", context),
            "headers": {**_headers(context["unsubscribe_url"]), outbox.ABOUT: {"digest": log.pk, "more": more}},
        }


def send_digest(user, *, frequency: str, now=None) -> DigestLog | None:
    """Send ``user`` their digest for the current period; None when there is nothing (new) to send."""
    now = now or timezone.now()
    if not user.email:
        return None
    items = list(digest_items(user, now=now)[: DIGEST_MAX_ITEMS + 1])
    if not items:
        return None
    more = len(items) > DIGEST_MAX_ITEMS
    items = items[:DIGEST_MAX_ITEMS]
    period = period_of(frequency, now)
    with transaction.atomic():
        try:
            with transaction.atomic():
                log = DigestLog.objects.create(user=user, frequency=frequency, period=period, item_count=len(items))
        except IntegrityError:
            return None  # this period's digest went out already
        # Claim only what is still unsent: another run (the other frequency, the next period) may have
        # read the same items and claimed them since; the row locks make the second claim wait for the first.
        claimed = Notification.objects.filter(pk__in=[n.pk for n in items], emailed_at__isnull=True).update(
            emailed_at=now, digest=log)
        if claimed < len(items):
            mine = set(Notification.objects.filter(digest=log).values_list("pk", flat=True))
            items = [n for n in items if n.pk in mine]
            if not items:
                transaction.set_rollback(True)
                return None
            DigestLog.objects.filter(pk=log.pk).update(item_count=len(items))
        outbox.queue(user=user, **_digest_message(user, items, frequency=frequency, more=more, log=log))
    return log


def digest_recipients(frequency: str):
    """Active users with this digest frequency (weekly when they never chose) and something pending."""
    chosen = Q(digest_preference__frequency=frequency)
    if frequency == DigestFrequency.WEEKLY:
        chosen |= Q(digest_preference__isnull=True)
    pending = Notification.objects.filter(delivery=Delivery.DIGEST, emailed_at__isnull=True).values("recipient_id")
    return User.objects.filter(chosen, is_active=True, pk__in=pending).exclude(email="").order_by("pk")


def send_due_digests(*, frequency: str, now=None) -> int:
    """Send this period's digest to everyone due; returns how many went out. Safe to run twice."""
    now = now or timezone.now()
    sent = 0
    for user in digest_recipients(frequency).iterator():
        if send_digest(user, frequency=frequency, now=now) is not None:
            sent += 1
    return sent
