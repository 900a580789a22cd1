"""Follow and notify: following, notification settings, and who hears about what.

How an event becomes notifications:

1. A community service stores a change and sends its signal (community/signals.py).
2. community/receivers_notify.py hands the event to a task with ``transaction.on_commit``.
3. The task (community/tasks.py) calls one of the ``deliver_*`` functions below: they pick the
   recipients, ask the access policy for each one, and write one ``Notification`` per recipient,
   its ``delivery`` resolved from the recipient's settings (immediately / digest / off).
4. Notifications to be e-mailed at once go to the outbox (community/outbox.py); digest ones wait for
   ``manage.py send_digests`` (community/digests.py).

For the learning app (framework changes, new prompts): call ``announce(...)`` below from your own
service, inside its transaction, e.g. when a ``FrameworkChanged`` row is written::

    from community.models import NotificationKind
    from community.services_notify import announce

    announce(community=framework.community(), kind=NotificationKind.FRAMEWORK_CHANGED,
             title=change.change_note or framework.title, url=framework.url, actor=change.user,
             followers=framework.follows.values_list("user_id", flat=True))

The community's active members and the given ``followers`` (user ids) hear about it, each only if
the policy lets them see the community, each as their setting for that kind says. Nothing runs
until the transaction commits; the fan-out happens in the background.

To tell one person something (e.g. a request for consent to publish their practice story as a
case story), call ``notify_person(recipient=…, kind=NotificationKind.CASE_STORY_CONSENT,
title=post.title, url="/toestemming-casusverhaal/<pk>/", community=post.community, actor=editor)``
the same way; it is shown while the recipient may see ``community``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from koffietafel import generations as generations_

from . import policies
from .models import (
    Answer,
    CommunityNotificationSettings,
    CommunityPage,
    Delivery,
    DigestFrequency,
    DigestPreference,
    Follow,
    Membership,
    Notification,
    NotificationKind,
    NotificationSetting,
    NudgeLog,
    Post,
    Theme,
)
from .models.notifications import DEFAULT_DELIVERY

User = get_user_model()

MENTION = re.compile(r"(?<![\w@/])@([\w.+-]{1,150})")
MENTIONS_MAX = 20
ACCEPT_REMINDER_AFTER_DAYS = 7


def on_commit(task, **kwargs) -> None:
    """Enqueue ``task`` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: task.enqueue(**kwargs))


# -- following -------------------------------------------------------------------------------


def can_follow(user, target) -> bool:
    """Only what the user may see can be followed; following a hidden thing would leak it later."""
    if not user.is_authenticated:
        return False
    if isinstance(target, CommunityPage):
        return target.live and policies.can_view_community(user, target)
    if isinstance(target, Post):
        return policies.can_view_post(user, target)
    if isinstance(target, Theme):
        return policies.can_read_posts(user, target.community)
    if isinstance(target, User):
        return target.is_active and target.pk != user.pk
    return False


def _target_field(target) -> str:
    for field, model in (("community", CommunityPage), ("post", Post), ("theme", Theme), ("person", User)):
        if isinstance(target, model):
            return field
    raise TypeError(f"cannot follow a {type(target).__name__}")


def follow(*, user, target, delivery: str = "") -> Follow:
    """Follow ``target`` (a community, post, theme or person); idempotent."""
    if not can_follow(user, target):
        raise PermissionError
    field = _target_field(target)
    with transaction.atomic():
        follow_, created = Follow.objects.get_or_create(user=user, **{field: target},
                                                        defaults={"delivery": delivery if field == "community" else ""})
        if not created and field == "community" and delivery and follow_.delivery != delivery:
            follow_.delivery = delivery
            follow_.save(update_fields=["delivery"])
    return follow_


def is_following(*, user, target) -> bool:
    return Follow.objects.filter(user=user, **{_target_field(target): target}).exists()


def unfollow(*, user, target) -> None:
    Follow.objects.filter(user=user, **{_target_field(target): target}).delete()


def follow_community_on_join(*, user, community, choice: str) -> None:
    """The choice made on the join form: ``immediate``, ``digest``, ``off`` (app only) or ``none``."""
    if choice == "none":
        unfollow(user=user, target=community)
        return
    if choice not in Delivery.values:
        choice = Delivery.DIGEST
    Follow.objects.update_or_create(user=user, community=community, defaults={"delivery": choice})


def followed_ids(user) -> dict[str, set[int]]:
    """``{"community": {ids}, "post": …, "theme": …, "person": …}`` in one query (for follow buttons)."""
    result = {name: set() for name in Follow.TARGETS}
    if not user.is_authenticated:
        return result
    for row in Follow.objects.filter(user=user).values("community_id", "post_id", "theme_id", "person_id"):
        for name in Follow.TARGETS:
            if row[f"{name}_id"]:
                result[name].add(row[f"{name}_id"])
    return result


def visible_follows(user):
    """The user's follows of things they may still see, for the settings page's list.

    A follow outlives access (leaving a community, a post hidden, a community made private or
    unpublished); it then brings nothing (notifications ask the policy), and its title must not
    show either.
    """
    return (
        Follow.objects.filter(user=user)
        .filter(Q(community__isnull=True)
                | Q(community__in=CommunityPage.objects.live().visible_to(user).values("pk")))
        .filter(Q(post__isnull=True) | Q(post__in=Post.objects.visible_to(user).values("pk")))
        .filter(Q(theme__isnull=True) | Q(theme__community__in=policies.readable_communities(user).values("pk")))
        .filter(Q(person__isnull=True) | Q(person__is_active=True))
    )


# -- settings --------------------------------------------------------------------------------


def deliveries_of(user) -> dict[str, str]:
    """The user's delivery per kind, defaults filled in."""
    chosen = dict(NotificationSetting.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, DEFAULT_DELIVERY[kind]) for kind in NotificationKind.values}


def digest_frequency_of(user) -> str:
    preference = DigestPreference.objects.filter(user=user).first()
    return preference.frequency if preference else DigestFrequency.WEEKLY


@transaction.atomic
def save_settings(*, user, deliveries: dict[str, str], digest_frequency: str) -> None:
    for kind, delivery in deliveries.items():
        if kind in NotificationKind.values and delivery in Delivery.values:
            NotificationSetting.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})
    if digest_frequency in DigestFrequency.values:
        DigestPreference.objects.update_or_create(user=user, defaults={"frequency": digest_frequency})


def unanswered_after_days(community) -> int:
    row = CommunityNotificationSettings.objects.filter(community=community).first()
    return row.unanswered_after_days if row else CommunityNotificationSettings.DEFAULT_UNANSWERED_AFTER_DAYS


@transaction.atomic
def set_unanswered_after_days(*, user, community, days: int) -> None:
    if not policies.can_moderate(user, community):
        raise PermissionError
    CommunityNotificationSettings.objects.update_or_create(
        community=community, defaults={"unanswered_after_days": max(0, min(int(days), 90))}
    )


# -- reading ---------------------------------------------------------------------------------


def visible_notifications(user):
    """The user's notifications whose subject they may still see (policy, at reading time).

    A notification about a post in a community they have left, a post that was hidden, or an
    answer that was hidden (unless their own) is not shown, counted or e-mailed. What only
    facilitators hear (a join request: who wants in; an unanswered question) is shown while they
    still facilitate that community.
    """
    qs = Notification.objects.filter(recipient=user)
    facilitated = policies.facilitated_community_ids(user)
    qs = qs.filter(~Q(kind=NotificationKind.JOIN_REQUEST) | Q(community__in=facilitated))
    qs = qs.filter(~Q(kind=NotificationKind.UNANSWERED) | Q(post__community__in=facilitated))
    # The policy as conditions on the notification's own post and community columns (short id
    # lists from the community catalogue), not a subquery listing every post the user may read.
    qs = qs.filter(Q(post__isnull=True) | policies.visible_posts_filter(user, prefix="post__"))
    qs = qs.filter(Q(community__isnull=True) | Q(community_id__in=policies.visible_community_ids(user)))
    return qs.filter(Q(answer__isnull=True) | Q(answer__is_public=True, answer__is_removed=False) | Q(answer__user=user))


def unread_count(user) -> int:
    return visible_notifications(user).unread().count()


# The header badge shows the unread count on every page a member opens. Counting through the
# policy costs a query with two policy subqueries (and ~10 ms of Python to build it), so the
# number is cached per user. An entry is valid only while two generations it was computed under
# still hold: the user's own (their notifications, read marks, memberships, account) and the
# global one (communities, pages and view restrictions: what anyone may see). A post or answer
# that is hidden or restored recounts the badges of the people notified about it. Every
# change bumps the generation after its transaction commits (community/signals.py and the
# functions below), so a count computed from the old rows can never be served afterwards.
UNREAD_COUNT_SECONDS = 300
_UNREAD_KEY = "notifications:unread:{}"
_USER_GENERATION_KEY = "notifications:user-generation:{}"
_VISIBILITY_GENERATION_KEY = "notifications:visibility-generation"


def unread_cache_keys(user) -> list[str]:
    """The cache keys ``cached_unread_count`` reads (a page view fetches them with its others)."""
    return [_UNREAD_KEY.format(user.pk), _USER_GENERATION_KEY.format(user.pk), _VISIBILITY_GENERATION_KEY]


def cached_unread_count(user) -> int:
    """``unread_count(user)`` from the cache (one round trip when nothing changed, none when the page
    view fetched the keys already: koffietafel.routing.prefetch)."""
    keys = unread_cache_keys(user)
    found = generations_.get_many(keys)
    generations = [generations_.current(key, found=found.get(key)) for key in keys[1:]]
    entry = found.get(keys[0])
    if entry is not None and list(entry[:2]) == generations:
        return entry[2]
    count = unread_count(user)
    generations_.store(keys[0], (*generations, count), UNREAD_COUNT_SECONDS)
    return count


def _bump(key: str) -> None:
    generations_.renew(key)  # now and after the commit (a request that counted meanwhile saw the old rows)


def forget_unread_count(user_id) -> None:
    """Something about this user's notifications or access changed: recount their badge."""
    if user_id is not None:
        _bump(_USER_GENERATION_KEY.format(user_id))


def forget_all_unread_counts() -> None:
    """What people may see changed (a community, a view restriction): recount every badge."""
    _bump(_VISIBILITY_GENERATION_KEY)


def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the given notifications (or all) of the user as read; returns how many changed."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    changed = qs.update(read_at=timezone.now())
    forget_unread_count(user.pk)
    return changed


def text_of(notification) -> str:
    """One Dutch sentence saying what happened (list, e-mail and digest use the same words)."""
    n = notification
    actor = n.actor.profile.name if n.actor_id else _("Iemand")
    post = n.post.title if n.post_id else ""
    community = n.community.title if n.community_id else (n.post.community.title if n.post_id else "")
    texts = {
        NotificationKind.ANSWER: _("%(actor)s antwoordde op je bijdrage ‘%(post)s’"),
        NotificationKind.REPLY: _("%(actor)s reageerde op je antwoord bij ‘%(post)s’"),
        NotificationKind.ACCEPTED: _("%(actor)s accepteerde je antwoord bij ‘%(post)s’"),
        NotificationKind.MENTION: _("%(actor)s noemde je bij ‘%(post)s’"),
        NotificationKind.JOIN_REQUEST: _("%(actor)s wil lid worden van %(community)s"),
        NotificationKind.FRAMEWORK_CHANGED: _("Het kader van %(community)s is aangescherpt: %(title)s"),
        NotificationKind.NEW_PROMPT: _("Nieuwe gerichte prikkel in %(community)s: %(title)s"),
        NotificationKind.NEW_POST: _("%(actor)s plaatste ‘%(post)s’ in %(community)s"),
        NotificationKind.FOLLOWED_ACTIVITY: _("%(actor)s antwoordde bij ‘%(post)s’, dat je volgt"),
        NotificationKind.UNANSWERED: _("‘%(post)s’ in %(community)s wacht nog op een eerste antwoord"),
        NotificationKind.ACCEPT_REMINDER: _(
            "Je vraag ‘%(post)s’ heeft antwoorden. Heeft een ervan je geholpen? Accepteer het, "
            "of laat weten wat er nog ontbreekt."
        ),
        NotificationKind.CASE_STORY_CONSENT: _(
            "%(actor)s vraagt of je praktijkverhaal ‘%(title)s’ een openbaar casusverhaal mag worden"
        ),
    }
    return texts[n.kind] % {"actor": actor, "post": post, "community": community, "title": n.title}


def url_of(notification) -> str:
    n = notification
    if n.kind == NotificationKind.JOIN_REQUEST and n.community_id:
        return f"{n.community.url}aanvragen/"
    if n.url:
        return n.url
    if n.post_id:
        anchor = f"#antwoord-{n.answer_id}" if n.answer_id else ""
        return n.post.get_url() + anchor
    return n.community.url if n.community_id else "/"


def absolute_url(url: str) -> str:
    """Links in e-mail need the site's address (WAGTAILADMIN_BASE_URL, set per environment)."""
    if url.startswith(("http://", "https://")):
        return url
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url


# -- writing notifications (called from tasks) ------------------------------------------------


def _notify(recipients, *, kind, may_see, actor=None, community=None, post=None, answer=None, title="", url="",
            delivery_overrides: dict | None = None) -> list[int]:
    """Write one notification per recipient who may see its subject; returns the ids to e-mail now.

    ``recipients`` are user objects; the actor never notifies themself. A recipient's delivery is
    their setting for ``kind`` unless ``delivery_overrides`` (user id → delivery) says otherwise.
    """
    recipients = [r for r in recipients if r.is_active and (actor is None or r.pk != actor.pk)]
    if not recipients:
        return []
    chosen = {}
    for user_id, delivery in NotificationSetting.objects.filter(
        user__in=[r.pk for r in recipients], kind=kind
    ).values_list("user_id", "delivery"):
        chosen[user_id] = delivery
    overrides = delivery_overrides or {}
    rows = []
    for recipient in recipients:
        if not may_see(recipient):
            continue
        delivery = overrides.get(recipient.pk) or chosen.get(recipient.pk) or DEFAULT_DELIVERY[kind]
        rows.append(Notification(recipient=recipient, kind=kind, actor=actor, community=community, post=post,
                                 answer=answer, title=title[:300], url=url[:500], delivery=delivery))
    if not rows:
        return []
    started = timezone.now()
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    for row in rows:  # bulk_create sends no post_save
        forget_unread_count(row.recipient_id)
    # bulk_create with ignore_conflicts gives no ids back: find the rows this call wrote.
    return list(
        Notification.objects.filter(
            recipient__in=[row.recipient_id for row in rows], kind=kind, post=post, answer=answer,
            delivery=Delivery.IMMEDIATE, emailed_at__isnull=True, created_at__gte=started,
        ).values_list("pk", flat=True)
    )


def _users(ids) -> list:
    return list(User.objects.filter(pk__in=set(ids), is_active=True))


def mentioned_users(text: str, *, community, exclude=()) -> list:
    """Users named with @username in ``text`` who are active members of ``community``."""
    names = {name.rstrip(".-") for name in MENTION.findall(text or "")}
    names = [n for n in names if n][:MENTIONS_MAX]
    if not names:
        return []
    return list(
        User.objects.filter(username__in=names, is_active=True)
        .filter(memberships__community=community, memberships__status=Membership.Status.ACTIVE)
        .exclude(pk__in=list(exclude))
        .distinct()
    )


def _post_visible_to(post):
    return lambda user: policies.can_view_post(user, post)


def deliver_post_created(post_id: int) -> list[int]:
    """New post: people it mentions, and followers of its community, its themes and its author."""
    post = Post.objects.select_related("community", "author__profile").filter(pk=post_id).first()
    if post is None or post.is_hidden:
        return []
    may_see = _post_visible_to(post)
    texts = " ".join([post.body, post.context, post.tried, post.building_blocks, post.obstacles, post.lessons])
    mentioned = mentioned_users(texts, community=post.community, exclude=[post.author_id])
    to_email = _notify(mentioned, kind=NotificationKind.MENTION, may_see=may_see, actor=post.author, post=post)

    follows = Follow.objects.filter(
        Q(community=post.community_id) | Q(theme__in=post.themes.all()) | Q(person=post.author_id)
    ).exclude(user__in=[u.pk for u in mentioned])
    overrides = {}
    follower_ids = set()
    for f in follows.values("user_id", "community_id", "delivery"):
        follower_ids.add(f["user_id"])
        if f["community_id"] and f["delivery"]:
            overrides[f["user_id"]] = f["delivery"]
    to_email += _notify(_users(follower_ids), kind=NotificationKind.NEW_POST, may_see=may_see, actor=post.author,
                        post=post, delivery_overrides=overrides)
    return to_email


def deliver_answer_created(answer_id: int) -> list[int]:
    """New answer or reply: the asker, the author replied to, people mentioned, the post's followers."""
    answer = Answer.objects.select_related("post__community", "post__author", "user__profile").filter(
        pk=answer_id).first()
    if answer is None or answer.post is None or answer.is_hidden:
        return []
    post, actor = answer.post, answer.user
    may_see = _post_visible_to(post)
    done = {actor.pk}
    to_email = []

    def send(users, kind):
        users = [u for u in users if u.pk not in done]
        done.update(u.pk for u in users)
        to_email.extend(_notify(users, kind=kind, may_see=may_see, actor=actor, post=post, answer=answer))

    send([post.author], NotificationKind.ANSWER)
    if answer.parent_id and answer.parent_id != answer.pk:
        parent = Answer.objects.select_related("user").filter(pk=answer.parent_id).first()
        if parent is not None and parent.user_id:
            send([parent.user], NotificationKind.REPLY)
    send(mentioned_users(answer.comment, community=post.community), NotificationKind.MENTION)
    send(_users(Follow.objects.filter(post=post).values_list("user_id", flat=True)), NotificationKind.FOLLOWED_ACTIVITY)
    return to_email


def deliver_answer_accepted(answer_id: int, user_id: int | None) -> list[int]:
    answer = Answer.objects.select_related("post__community", "user").filter(pk=answer_id).first()
    if answer is None or answer.post is None or answer.post.accepted_answer_id != answer.pk:
        return []  # accepted and cleared again before the task ran
    actor = User.objects.filter(pk=user_id).first() if user_id else None
    return _notify([answer.user], kind=NotificationKind.ACCEPTED, may_see=_post_visible_to(answer.post),
                   actor=actor, post=answer.post, answer=answer)


def deliver_join_request(membership_id: int) -> list[int]:
    membership = Membership.objects.select_related("community", "user").filter(pk=membership_id).first()
    if membership is None or membership.status != Membership.Status.PENDING:
        return []
    community = membership.community
    facilitators = _users(
        Membership.objects.filter(community=community, role=Membership.Role.FACILITATOR,
                                  status=Membership.Status.ACTIVE).values_list("user_id", flat=True)
    )
    return _notify(facilitators, kind=NotificationKind.JOIN_REQUEST, actor=membership.user, community=community,
                   may_see=lambda user: policies.can_moderate(user, community))


def deliver_announcement(*, community_id: int, kind: str, title: str, url: str, actor_id=None,
                         follower_ids=()) -> list[int]:
    community = CommunityPage.objects.filter(pk=community_id).first()
    if community is None or not community.live:
        return []
    member_ids = Membership.objects.filter(community=community, status=Membership.Status.ACTIVE).values_list(
        "user_id", flat=True)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return _notify(_users(set(member_ids) | set(follower_ids)), kind=kind, actor=actor, community=community,
                   title=title, url=url, may_see=lambda user: policies.can_view_community(user, community))


def announce(*, community, kind: str, title: str, url: str, actor=None, followers: Iterable[int] = ()) -> None:
    """For other apps (see the module docstring): tell a community about a framework change or a prompt."""
    if kind not in (NotificationKind.FRAMEWORK_CHANGED, NotificationKind.NEW_PROMPT):
        raise ValueError(f"announce() is for framework changes and prompts, not {kind!r}")
    from .tasks import deliver_event

    on_commit(deliver_event, event="announcement", community_id=community.pk, kind=str(kind), title=str(title),
              url=str(url), actor_id=actor.pk if actor else None, follower_ids=[int(i) for i in followers])


PERSON_KINDS = (NotificationKind.CASE_STORY_CONSENT,)


def deliver_person(*, recipient_id: int, kind: str, title: str, url: str, community_id=None, actor_id=None) -> list[int]:
    recipient = User.objects.filter(pk=recipient_id).first()
    community = CommunityPage.objects.filter(pk=community_id).first() if community_id else None
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    if recipient is None:
        return []
    if community is not None:
        may_see = lambda user: community.live and policies.can_view_community(user, community)  # noqa: E731
    else:
        may_see = lambda user: True  # noqa: E731 - nothing in it but what the caller wrote for this person
    return _notify([recipient], kind=kind, may_see=may_see, actor=actor, community=community, title=title, url=url)


def notify_person(*, recipient, kind: str, title: str, url: str, community=None, actor=None) -> None:
    """For other apps (see the module docstring): tell one person something, after commit."""
    if kind not in PERSON_KINDS:
        raise ValueError(f"notify_person() is for {PERSON_KINDS}, not {kind!r}")
    from .tasks import deliver_event

    on_commit(deliver_event, event="person", recipient_id=recipient.pk, kind=str(kind), title=str(title),
              url=str(url), community_id=community.pk if community else None, actor_id=actor.pk if actor else None)


# -- nudges ----------------------------------------------------------------------------------


def _nudge_once(post, kind) -> bool:
    """Record that ``post`` got the ``kind`` nudge; False when it already had one."""
    try:
        with transaction.atomic():
            NudgeLog.objects.create(post=post, kind=kind)
    except IntegrityError:
        return False
    return True


def deliver_nudges(*, now=None) -> list[int]:
    """Facilitators hear about questions unanswered after their community's N days; askers whose
    question has answers but none accepted get one reminder. Each nudge at most once per post."""
    now = now or timezone.now()
    to_email: list[int] = []
    days_by_community = dict(CommunityNotificationSettings.objects.values_list("community_id", "unanswered_after_days"))
    questions = Post.objects.filter(kind=Post.Kind.QUESTION, is_hidden=False, community__live=True)
    nudged_unanswered = NudgeLog.objects.filter(kind=NotificationKind.UNANSWERED).values("post_id")
    for community in CommunityPage.objects.live().filter(pk__in=questions.filter(answer_count=0).values("community")):
        days = days_by_community.get(community.pk, CommunityNotificationSettings.DEFAULT_UNANSWERED_AFTER_DAYS)
        if not days:
            continue
        waiting = questions.filter(community=community, answer_count=0,
                                   created_at__lte=now - timezone.timedelta(days=days)).exclude(pk__in=nudged_unanswered)
        facilitators = _users(Membership.objects.filter(
            community=community, role=Membership.Role.FACILITATOR, status=Membership.Status.ACTIVE
        ).values_list("user_id", flat=True))
        for post in waiting.select_related("community")[:200]:
            if _nudge_once(post, NotificationKind.UNANSWERED):
                to_email += _notify(facilitators, kind=NotificationKind.UNANSWERED, post=post,
                                    may_see=_post_visible_to(post))
    reminded = NudgeLog.objects.filter(kind=NotificationKind.ACCEPT_REMINDER).values("post_id")
    stale = (
        questions.filter(answer_count__gt=0, accepted_answer__isnull=True,
                         last_activity_at__lte=now - timezone.timedelta(days=ACCEPT_REMINDER_AFTER_DAYS))
        .exclude(pk__in=reminded)
        .select_related("community", "author")
    )
    for post in stale[:500]:
        if _nudge_once(post, NotificationKind.ACCEPT_REMINDER):
            to_email += _notify([post.author], kind=NotificationKind.ACCEPT_REMINDER, post=post,
                                may_see=lambda user, post=post: policies.can_accept(user, post))
    return to_email
