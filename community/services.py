"""State changes of the community app. Each runs in one transaction and keeps counters exact.

Views call these after asking the policy; the services check the policy again, so a forgotten
check in a view can never write what the policy forbids.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import fragments, markdown, policies, signals
from .models import Answer, AnswerFlag, CommunityPage, HelpfulVote, Membership, Post, UsedInvitation, Visibility
from .models.posts import COUNTED_ANSWERS

INVITATION_SALT = "koffietafel.community.invitation"
INVITATION_MAX_AGE = 60 * 60 * 24 * 14  # two weeks


def _deny(message: str | None = None):
    raise PermissionDenied(message or _("Dit mag je niet doen."))


# -- membership ------------------------------------------------------------------------------


@transaction.atomic
def community_join(*, user, community: CommunityPage) -> Membership:
    """Join an open community at once, or ask to join a closed one. Private ones are invite-only."""
    if community.visibility == Visibility.PRIVATE:
        _deny(_("Voor deze gemeenschap heb je een uitnodiging nodig."))
    status = Membership.Status.ACTIVE if community.visibility == Visibility.OPEN else Membership.Status.PENDING
    try:
        with transaction.atomic():
            membership, created = Membership.objects.get_or_create(
                user=user, community=community, defaults={"status": status}
            )
    except IntegrityError:  # a double click: the other request made the row
        membership, created = Membership.objects.get(user=user, community=community), False
    if membership.status == Membership.Status.DECLINED:
        raise ValidationError(_("Je aanvraag is afgewezen. Neem contact op met een facilitator als je wilt overleggen."))
    policies.forget_memberships(user)
    signals.membership_changed.send(sender=Membership, membership=membership, created=created)
    return membership


@transaction.atomic
def join_request_decide(*, facilitator, membership: Membership, approve: bool) -> Membership:
    if not policies.can_moderate(facilitator, membership.community):
        _deny()
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != Membership.Status.PENDING:
        return membership
    membership.status = Membership.Status.ACTIVE if approve else Membership.Status.DECLINED
    membership.save(update_fields=["status"])
    signals.membership_changed.send(sender=Membership, membership=membership, created=False)
    return membership


@transaction.atomic
def community_leave(*, user, community: CommunityPage) -> None:
    # Lock the community's facilitators: two leaving at once must not leave it with none.
    facilitators = list(
        Membership.objects.select_for_update()
        .filter(community=community, role=Membership.Role.FACILITATOR, status=Membership.Status.ACTIVE)
        .order_by("pk")
    )
    membership = Membership.objects.filter(user=user, community=community).first()
    if membership is None:
        return
    if membership.role == Membership.Role.FACILITATOR:
        if not [m for m in facilitators if m.pk != membership.pk]:
            raise ValidationError(_("Je bent de laatste facilitator. Draag die rol eerst over voordat je vertrekt."))
    membership.delete()
    policies.forget_memberships(user)


def invitation_token(*, community: CommunityPage, email: str, inviter) -> str:
    if not policies.can_moderate(inviter, community):
        _deny()
    payload = {"c": community.pk, "e": email.strip().lower(), "i": inviter.pk, "n": secrets.token_urlsafe(12)}
    return signing.dumps(payload, salt=INVITATION_SALT)


def _invitation_nonce(token: str, data: dict) -> str:
    # Links made before invitations had a nonce are identified by their (unforgeable) signature.
    return data.get("n") or "sig:" + hashlib.sha256(token.encode()).hexdigest()[:56]


def _invitation_used() -> ValidationError:
    return ValidationError(_("Deze uitnodiging is al gebruikt. Vraag een facilitator om een nieuwe als je opnieuw "
                             "lid wilt worden."))


def invitation_read(token: str) -> tuple[CommunityPage, str]:
    """Community and e-mail address of a valid invitation; ValidationError if tampered, expired or used.

    The inviter must still be a facilitator there: a facilitator's invitations end with their role.
    """
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationError(_("Deze uitnodiging is verlopen. Vraag de facilitator om een nieuwe.")) from exc
    except signing.BadSignature as exc:
        raise ValidationError(_("Deze uitnodigingslink is ongeldig.")) from exc
    if UsedInvitation.objects.filter(nonce=_invitation_nonce(token, data)).exists():
        raise _invitation_used()
    community = CommunityPage.objects.live().filter(pk=data["c"]).first()
    if community is None:
        raise ValidationError(_("Deze gemeenschap bestaat niet meer."))
    from django.contrib.auth import get_user_model

    inviter = get_user_model().objects.filter(pk=data.get("i")).first()
    if inviter is None or not policies.can_moderate(inviter, community):
        raise ValidationError(_("Deze uitnodiging is niet meer geldig. Vraag een facilitator om een nieuwe."))
    return community, data["e"]


@transaction.atomic
def invitation_accept(*, user, token: str) -> Membership:
    """Join by invitation; the link is used up (UsedInvitation), a second use is refused."""
    community, email = invitation_read(token)
    from allauth.account.models import EmailAddress

    if not EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists():
        raise ValidationError(
            _("Deze uitnodiging is voor %(email)s. Log in met dat (bevestigde) e-mailadres.") % {"email": email}
        )
    data = signing.loads(token, salt=INVITATION_SALT)
    try:
        with transaction.atomic():  # the unique nonce decides between two clicks at the same moment
            UsedInvitation.objects.create(nonce=_invitation_nonce(token, data), community=community, user=user)
    except IntegrityError:
        raise _invitation_used() from None
    membership, created = Membership.objects.get_or_create(
        user=user, community=community, defaults={"status": Membership.Status.ACTIVE}
    )
    if not created and membership.status != Membership.Status.ACTIVE:
        membership.status = Membership.Status.ACTIVE
        membership.save(update_fields=["status"])
    policies.forget_memberships(user)
    signals.membership_changed.send(sender=Membership, membership=membership, created=created)
    return membership


# -- posts -----------------------------------------------------------------------------------

STORY_FIELDS = ("context", "tried", "building_blocks", "obstacles", "lessons")


def _content_hash(kind: str, title: str, texts: list[str]) -> str:
    normal = "\x1f".join([kind, " ".join(title.split()).lower(), *(t.strip() for t in texts)])
    return hashlib.sha256(normal.encode()).hexdigest()


def _slug(title: str) -> str:
    return slugify(title)[:80] or "bijdrage"


@transaction.atomic
def post_create(*, author, community: CommunityPage, kind: str, title: str, body: str = "", themes=(),
                story: dict | None = None, organisations=(), request=None) -> tuple[Post, bool]:
    """Store a question or practice story. Returns (post, created).

    Submitting the same text twice (a double click, a resent form) gives back the first post
    instead of a second one; a unique constraint backs this up under concurrency.
    """
    if not policies.can_post(author, community):
        _deny(_("Alleen leden kunnen in deze gemeenschap iets plaatsen."))
    story = story or {}
    texts = [body] + [story.get(f, "") for f in STORY_FIELDS]
    digest = _content_hash(kind, title, texts)
    existing = Post.objects.filter(author=author, community=community, content_hash=digest).first()
    if existing is not None:
        return existing, False
    post = Post(author=author, community=community, kind=kind, title=title.strip(), slug=_slug(title),
                body=body, body_html=markdown.render(body), content_hash=digest)
    if kind == Post.Kind.STORY:
        post.story_status = story.get("story_status") or Post.StoryStatus.ONGOING
        for field in STORY_FIELDS:
            setattr(post, field, story.get(field, ""))
            setattr(post, f"{field}_html", markdown.render(story.get(field, "")))
    try:
        with transaction.atomic():
            post.save()
    except IntegrityError:
        return Post.objects.get(author=author, community=community, content_hash=digest), False
    if themes:
        post.themes.set([t for t in themes if t.community_id == community.pk])
    if organisations:
        post.organisations.set(organisations)
    signals.post_created.send(sender=Post, post=post, request=request)
    return post, True


@transaction.atomic
def post_edit(*, editor, post: Post, title: str, body: str = "", themes=None, story: dict | None = None,
              organisations=None) -> Post:
    if not policies.can_edit_post(editor, post):
        _deny()
    story = story or {}
    post.title = title.strip()
    post.slug = _slug(title)
    post.body = body
    post.body_html = markdown.render(body)
    if post.kind == Post.Kind.STORY:
        post.story_status = story.get("story_status") or post.story_status
        for field in STORY_FIELDS:
            setattr(post, field, story.get(field, ""))
            setattr(post, f"{field}_html", markdown.render(story.get(field, "")))
    post.content_hash = _content_hash(post.kind, post.title, [body] + [story.get(f, "") for f in STORY_FIELDS])
    post.edited_at = timezone.now()
    try:
        with transaction.atomic():
            post.save()
    except IntegrityError as exc:
        raise ValidationError(_("Je hebt in deze gemeenschap al een bijdrage met precies deze tekst.")) from exc
    if themes is not None:
        post.themes.set([t for t in themes if t.community_id == post.community_id])
    if organisations is not None:
        post.organisations.set(organisations)
    return post


@transaction.atomic
def post_delete(*, user, post: Post) -> None:
    post = Post.objects.select_for_update().get(pk=post.pk)
    # answer_count counts visible answers only; a hidden answer (and its moderation record) still counts here.
    if not policies.can_delete_post(user, post) or Answer.objects.filter(post=post).exists():
        raise ValidationError(_("Een vraag met antwoorden kun je niet meer verwijderen."))
    post.delete()


@transaction.atomic
def post_set_hidden(*, moderator, post: Post, hidden: bool, reason: str = "") -> Post:
    if not policies.can_moderate(moderator, post.community):
        _deny()
    if hidden and not reason.strip():
        raise ValidationError(_("Geef een reden op, zodat de auteur weet waarom."))
    post.is_hidden = hidden
    post.hidden_reason = reason.strip() if hidden else ""
    post.hidden_by = moderator if hidden else None
    post.save(update_fields=["is_hidden", "hidden_reason", "hidden_by"])
    return post


# -- answers ---------------------------------------------------------------------------------


@transaction.atomic
def answer_create(*, author, post: Post, body: str, parent: Answer | None = None, ip_address=None,
                  request=None) -> tuple[Answer, bool]:
    """Store an answer (or a reply to one) and bump the post's counters. Returns (answer, created)."""
    if not policies.can_answer(author, post):
        _deny(_("Alleen leden kunnen hier antwoorden."))
    post = Post.objects.select_for_update().filter(pk=post.pk).first()
    if post is None:
        raise ValidationError(_("Deze vraag bestaat niet meer; je antwoord is niet geplaatst."))
    if parent is not None and parent.post_id != post.pk:
        raise ValidationError(_("Dit antwoord hoort bij een andere vraag."))
    if parent is not None and parent.is_hidden:
        raise ValidationError(_("Op een verborgen antwoord kun je niet reageren."))
    recent = timezone.now() - timezone.timedelta(seconds=settings.DUPLICATE_POST_WINDOW_SECONDS)
    duplicate = Answer.objects.filter(post=post, user=author, comment=body, submit_date__gte=recent).first()
    if duplicate is not None:
        return duplicate, False
    if parent is not None and parent.level >= 2:
        parent = Answer.objects.get(pk=parent.parent_id)  # keep threads shallow: reply to the reply's parent
    answer = Answer(
        post=post,
        content_type=_post_ct(),
        object_pk=str(post.pk),
        site_id=Site.objects.get_current().pk,
        user=author,
        user_name=author.get_username()[:50],
        user_email=author.email,
        comment=body,
        body_html=markdown.render(body),
        submit_date=timezone.now(),
        ip_address=ip_address,
        parent_id=parent.pk if parent else 0,
    )
    answer.save()
    Post.objects.filter(pk=post.pk).update(answer_count=_counted_answers(), last_activity_at=timezone.now())
    signals.answer_created.send(sender=Answer, answer=answer, post=post, request=request)
    return answer, True


def _post_ct():
    return ContentType.objects.get_for_model(Post)


def _counted_answers():
    """Post.answer_count recounted from the rows (COUNTED_ANSWERS), for an update() on posts.

    Recounting instead of adding one keeps it exact through replies, hiding and restoring; callers
    hold the post's row lock, so concurrent answers are counted in turn.
    """
    rows = (Answer.objects.filter(COUNTED_ANSWERS, post_id=OuterRef("pk")).order_by()
            .values("post_id").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows), 0)


@transaction.atomic
def answer_edit(*, editor, answer: Answer, post: Post, body: str) -> Answer:
    if not policies.can_edit_answer(editor, answer, post, now=timezone.now()):
        raise ValidationError(_("Je kunt je antwoord alleen kort na plaatsen nog bewerken."))
    answer.comment = body
    answer.body_html = markdown.render(body)
    answer.edited_at = timezone.now()
    answer.save()
    return answer


@transaction.atomic
def answer_accept(*, user, post: Post, answer: Answer | None) -> Post:
    """Accept an answer (moving the accept if another had it), or clear it with answer=None."""
    if not policies.can_accept(user, post):
        _deny()
    if answer is not None and (answer.post_id != post.pk or answer.is_hidden):
        raise ValidationError(_("Dit antwoord kan niet worden geaccepteerd."))
    Post.objects.filter(pk=post.pk).update(accepted_answer=answer)
    post.accepted_answer = answer
    fragments.forget_thread(post.pk)  # update() sends no post_save
    signals.answer_accepted.send(sender=Post, answer=answer, post=post, user=user)
    return post


@transaction.atomic
def answer_vote(*, user, answer: Answer, post: Post) -> bool:
    """Toggle the user's helpful vote. Returns True when the answer is now marked helpful by them."""
    if not policies.can_vote(user, answer, post):
        _deny(_("Je kunt je eigen antwoord niet als nuttig markeren."))
    deleted, _details = HelpfulVote.objects.filter(answer=answer, user=user).delete()
    if deleted:
        Answer.objects.filter(pk=answer.pk).update(helpful_count=F("helpful_count") - 1)
        return False
    try:
        with transaction.atomic():
            HelpfulVote.objects.create(answer=answer, user=user)
    except IntegrityError:
        return True
    Answer.objects.filter(pk=answer.pk).update(helpful_count=F("helpful_count") + 1)
    return True


@transaction.atomic
def answer_flag(*, user, answer: Answer, post: Post, reason: str = "") -> AnswerFlag:
    if not policies.can_flag(user, answer, post):
        _deny()
    flag, _created = AnswerFlag.objects.get_or_create(answer=answer, user=user, defaults={"reason": reason[:500]})
    return flag


@transaction.atomic
def answer_set_hidden(*, moderator, answer: Answer, post: Post, hidden: bool, reason: str = "") -> Answer:
    if not policies.can_moderate(moderator, post.community):
        _deny()
    if hidden and not reason.strip():
        raise ValidationError(_("Geef een reden op, zodat de auteur weet waarom."))
    Post.objects.select_for_update().filter(pk=post.pk).first()  # counted in turn with new answers
    answer.is_public = not hidden
    answer.hidden_reason = reason.strip() if hidden else ""
    answer.hidden_by = moderator if hidden else None
    answer.save(update_fields=["is_public", "hidden_reason", "hidden_by"])
    if answer.level == 0:
        Post.objects.filter(pk=post.pk).update(answer_count=_counted_answers())
    AnswerFlag.objects.filter(answer=answer, resolved_at__isnull=True).update(resolved_at=timezone.now())
    if hidden and post.accepted_answer_id == answer.pk:
        Post.objects.filter(pk=post.pk).update(accepted_answer=None)
    return answer
