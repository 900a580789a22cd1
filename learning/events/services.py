"""State changes of Train je Collega and meetups, each in one transaction.

Views call these after asking the policy; the services ask again, so a forgotten check in a view
never writes what the policy forbids. E-mail is queued with ``transaction.on_commit``: nobody is
told about a seat that a rolled-back transaction never gave them.

Capacity: ``signup_create`` and ``signup_cancel`` lock the session row (``select_for_update``)
before counting seats, so two people clicking the last seat at once are served one after the
other; the unique (session, position) constraint makes any lost update fail loudly instead.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from . import policies, tasks
from .models import CalendarToken, Edition, Feedback, Session, SignUp

THANK_YOU_WITHIN = timedelta(days=7)


def _deny(message: str | None = None):
    raise PermissionDenied(message or _("Dit mag je niet doen."))


def _enqueue(task, **kwargs):
    transaction.on_commit(lambda: task.enqueue(**kwargs))


# -- offering and reviewing ------------------------------------------------------------------

SESSION_FIELDS = ("title", "description", "format", "location", "online_url", "starts_at", "duration_minutes",
                  "capacity", "audience", "themes")


def _clean_place(data: dict) -> dict:
    """Keep only the place the format needs (a stale link on an in-person session confuses)."""
    data = dict(data)
    if data.get("format") == Session.Format.IN_PERSON:
        data["online_url"] = ""
    elif data.get("format") == Session.Format.ONLINE:
        data["location"] = ""
    return data


@transaction.atomic
def session_offer(*, host, edition: Edition, data: dict, co_hosts=()) -> Session:
    """Offer a Train je Collega session; public at once unless the edition wants a review first."""
    if not policies.can_offer_session(host, edition):
        _deny(_("Voor deze editie kun je geen sessie (meer) aanbieden."))
    data = _clean_place(data)
    session = Session(
        kind=Session.Kind.TRAINING,
        edition=edition,
        host=host,
        organisation_id=policies.organisation_id_of(host),
        status=Session.Status.PROPOSED if edition.review_required else Session.Status.PUBLISHED,
        **{f: data[f] for f in SESSION_FIELDS if f in data},
    )
    session.full_clean(exclude=["host", "co_hosts"])
    session.save()
    session.co_hosts.set([u for u in co_hosts if u.pk != host.pk])
    if session.status == Session.Status.PROPOSED:
        _enqueue(tasks.notify_reviewers, session_id=session.pk)
    return session


@transaction.atomic
def meetup_create(*, host, data: dict, community=None, co_hosts=()) -> Session:
    """An informal meetup with open registration, optionally part of a community."""
    if not policies._authenticated(host):
        _deny()
    if community is not None and not policies.meetup_communities(host).filter(pk=community.pk).exists():
        _deny(_("Je kunt alleen een bijeenkomst organiseren voor een gemeenschap waar je lid van bent."))
    data = _clean_place(data)
    data["audience"] = Session.Audience.ALL
    session = Session(
        kind=Session.Kind.MEETUP,
        community=community,
        host=host,
        organisation_id=policies.organisation_id_of(host),
        status=Session.Status.PUBLISHED,
        **{f: data[f] for f in SESSION_FIELDS if f in data},
    )
    session.full_clean(exclude=["host", "co_hosts"])
    session.save()
    session.co_hosts.set([u for u in co_hosts if u.pk != host.pk])
    return session


# What participants must hear of when it changes: when, how long, where, how.
PRACTICAL_FIELDS = ("starts_at", "duration_minutes", "format", "location", "online_url")


@transaction.atomic
def session_update(*, user, session: Session, data: dict, co_hosts=None) -> Session:
    """The host changes an upcoming session. Everyone with a seat or a waiting-list place hears of a
    change in time or place; extra seats go to the waiting list at once; fewer seats than are taken
    is refused (cancelling people is the host's explicit choice, not a side effect of a form)."""
    if not policies.can_manage(user, session):
        _deny()
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.is_cancelled or session.has_started():
        _deny(_("Een geannuleerde of begonnen sessie kun je niet meer wijzigen."))
    data = _clean_place(data)
    taken = session.signups.filter(status=SignUp.Status.CONFIRMED).count()
    if data.get("capacity") is not None and data["capacity"] < taken:
        raise ValidationError({"capacity": _(
            "Er zijn al %(n)d deelnemers aangemeld: kies minstens %(n)d plaatsen.") % {"n": taken}})
    before = {f: getattr(session, f) for f in PRACTICAL_FIELDS}
    for field in SESSION_FIELDS:
        if field in data and not (field == "audience" and session.kind == Session.Kind.MEETUP):
            setattr(session, field, data[field])
    session.full_clean(exclude=["host", "co_hosts"])
    if session.starts_at != before["starts_at"]:
        session.reminder_sent_at = None  # the reminder belongs to the new date
    changed = [f for f in PRACTICAL_FIELDS if getattr(session, f) != before[f]]
    if changed:
        session.sequence += 1
    session.save()
    if co_hosts is not None:
        session.co_hosts.set([u for u in co_hosts if u.pk != session.host_id])
    while session.is_published and _promote_next(session) is not None:
        pass
    if changed and session.status != Session.Status.PROPOSED:
        ids = session.signups.filter(status__in=[SignUp.Status.CONFIRMED, SignUp.Status.WAITLISTED]).values_list(
            "pk", flat=True)
        for signup_id in ids:
            _enqueue(tasks.send_session_changed, signup_id=signup_id)
    return session


@transaction.atomic
def session_review(*, reviewer, session: Session, approve: bool, note: str = "") -> Session:
    """An editor publishes an offered session, or declines it (it is then cancelled, with a note)."""
    if not policies.can_review(reviewer):
        _deny()
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status != Session.Status.PROPOSED:
        return session
    session.status = Session.Status.PUBLISHED if approve else Session.Status.CANCELLED
    session.review_note = note[:500]
    session.save(update_fields=["status", "review_note"])
    _enqueue(tasks.notify_host_of_review, session_id=session.pk)
    return session


@transaction.atomic
def session_cancel(*, user, session: Session, note: str = "") -> Session:
    """The host calls a session off; everyone signed up hears of it."""
    if not policies.can_manage(user, session):
        _deny()
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status == Session.Status.CANCELLED:
        return session
    session.status = Session.Status.CANCELLED
    session.review_note = note[:500]
    session.sequence += 1
    session.save(update_fields=["status", "review_note", "sequence"])
    ids = list(session.signups.exclude(status=SignUp.Status.CANCELLED).values_list("pk", flat=True))
    for signup_id in ids:
        _enqueue(tasks.send_session_cancelled, signup_id=signup_id)
    return session


# -- sign-up and waiting list ----------------------------------------------------------------


@dataclass
class CancelResult:
    cancelled: SignUp | None
    promoted: SignUp | None


def active_signup(*, user, session) -> SignUp | None:
    if not policies._authenticated(user):
        return None
    return SignUp.objects.filter(session=session, user=user).exclude(status=SignUp.Status.CANCELLED).first()


def signup_create(*, user, session: Session, now=None) -> SignUp:
    """Take a seat, or a place on the waiting list when the session is full.

    Signing up twice gives back the first sign-up. Never exceeds capacity: the session row is
    locked while the seats are counted and the new row is written.
    """
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if not policies.can_sign_up(user, locked, now=now):
            _deny(_("Aanmelden voor deze sessie kan niet (meer)."))
        existing = active_signup(user=user, session=locked)
        if existing is not None:
            return existing
        seats = locked.signups.filter(status=SignUp.Status.CONFIRMED).count()
        last = locked.signups.aggregate(last=Max("position"))["last"] or 0
        status = SignUp.Status.CONFIRMED if seats < locked.capacity else SignUp.Status.WAITLISTED
        try:
            with transaction.atomic():
                signup = SignUp.objects.create(session=locked, user=user, status=status, position=last + 1)
        except IntegrityError:
            # Only possible without the lock (a database that ignores it): the other request won.
            existing = active_signup(user=user, session=locked)
            if existing is None:
                raise
            return existing
        if status == SignUp.Status.CONFIRMED:
            _enqueue(tasks.send_signup_confirmation, signup_id=signup.pk)
        return signup


def signup_cancel(*, user, session: Session, now=None) -> CancelResult:
    """Give up a seat (or a place in the queue); the first on the waiting list gets the seat and hears so."""
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        signup = (
            SignUp.objects.select_for_update().filter(session=locked, user=user)
            .exclude(status=SignUp.Status.CANCELLED).first()
        )
        if signup is None:
            return CancelResult(None, None)
        had_seat = signup.status == SignUp.Status.CONFIRMED
        signup.status = SignUp.Status.CANCELLED
        signup.cancelled_at = timezone.now()
        signup.save(update_fields=["status", "cancelled_at"])
        promoted = None
        if had_seat and locked.is_published and not locked.has_started(now=now):
            promoted = _promote_next(locked)
        return CancelResult(signup, promoted)


def _promote_next(session: Session) -> SignUp | None:
    """Fill free seats from the front of the waiting list (the session row is locked by the caller)."""
    seats = session.signups.filter(status=SignUp.Status.CONFIRMED).count()
    if seats >= session.capacity:
        return None
    first = (
        SignUp.objects.select_for_update().filter(session=session, status=SignUp.Status.WAITLISTED)
        .order_by("position").first()
    )
    if first is None:
        return None
    first.status = SignUp.Status.CONFIRMED
    first.promoted_at = timezone.now()
    first.save(update_fields=["status", "promoted_at"])
    _enqueue(tasks.send_promoted, signup_id=first.pk)
    return first


def participants_message(*, sender, session: Session, subject: str, body: str) -> int:
    """Queue an e-mail from the host to everyone with a seat (and, if asked, the waiting list)."""
    if not policies.can_manage(sender, session):
        _deny()
    ids = list(session.signups.filter(status=SignUp.Status.CONFIRMED).values_list("pk", flat=True))
    with transaction.atomic():
        for signup_id in ids:
            _enqueue(tasks.send_participant_message, signup_id=signup_id, sender_id=sender.pk,
                     subject=subject[:150], body=body[:5000])
    return len(ids)


# -- after the session -----------------------------------------------------------------------


@transaction.atomic
def feedback_give(*, user, session: Session, score: int, comment: str = "", now=None) -> Feedback:
    signup = SignUp.objects.filter(session=session, user=user, status=SignUp.Status.CONFIRMED).first()
    if not policies.can_give_feedback(user, session, signup, now=now):
        _deny(_("Je kunt alleen feedback geven op een sessie die je hebt gevolgd."))
    if not 1 <= int(score) <= 5:
        raise ValidationError({"score": _("Kies een cijfer van 1 tot en met 5.")})
    feedback, _created = Feedback.objects.update_or_create(
        session=session, user=user, defaults={"score": int(score), "comment": comment.strip()[:2000]}
    )
    return feedback


@transaction.atomic
def reminders_send_due(*, now=None) -> int:
    """Queue a reminder for every seat in a published session that starts tomorrow (Amsterdam time).

    Marks each session as reminded in the same transaction, so cron may run this as often as it
    likes: every participant hears once.
    """
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    sessions = list(
        Session.objects.select_for_update(skip_locked=True)
        .filter(status=Session.Status.PUBLISHED, reminder_sent_at__isnull=True, starts_at__gt=now,
                starts_at__date=tomorrow)
        .values_list("pk", flat=True)
    )
    Session.objects.filter(pk__in=sessions).update(reminder_sent_at=now)
    ids = list(SignUp.objects.filter(session_id__in=sessions, status=SignUp.Status.CONFIRMED)
               .values_list("pk", flat=True))
    for signup_id in ids:
        _enqueue(tasks.send_session_reminder, signup_id=signup_id)
    return len(ids)


@transaction.atomic
def thank_yous_send_due(*, now=None) -> int:
    """Queue a thank-you with the feedback question to every participant of a session that ended."""
    now = now or timezone.now()
    candidates = (
        Session.objects.select_for_update(skip_locked=True)
        .filter(status=Session.Status.PUBLISHED, thank_you_sent_at__isnull=True,
                starts_at__lt=now, starts_at__gte=now - THANK_YOU_WITHIN - timedelta(minutes=480))
        .only("pk", "starts_at", "duration_minutes")
    )
    ended = [s.pk for s in candidates if s.has_ended(now=now)]
    Session.objects.filter(pk__in=ended).update(thank_you_sent_at=now)
    ids = list(SignUp.objects.filter(session_id__in=ended, status=SignUp.Status.CONFIRMED)
               .values_list("pk", flat=True))
    for signup_id in ids:
        _enqueue(tasks.send_thank_you, signup_id=signup_id)
    return len(ids)


# -- the personal agenda feed ----------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_token_create(*, user) -> str:
    """A new secret for the user's agenda feed; the old one stops working. Returns the raw token once."""
    if not policies._authenticated(user):
        _deny()
    token = secrets.token_urlsafe(32)
    CalendarToken.objects.update_or_create(user=user, defaults={"token_hash": _hash(token)})
    return token


def calendar_token_user(token: str):
    """The active user a feed token belongs to, or None."""
    if not token or len(token) > 100:
        return None
    found = CalendarToken.objects.select_related("user").filter(token_hash=_hash(token)).first()
    if found is None or not found.user.is_active:
        return None
    return found.user
