"""Signal receivers of the community app, connected once in CommunityConfig.ready()."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import Signal

# Sent by community.services after the change is stored (inside its transaction), so other apps
# (learning: prompts and goals; notifications) can react without community importing them.
# Receivers get keyword arguments; ``request`` is None outside a request (seed commands, tests).
post_created = Signal()  # post, request
answer_created = Signal()  # answer, post, request
answer_accepted = Signal()  # answer (or None when cleared), post, user
membership_changed = Signal()  # membership, created (bool)


def create_profile(sender, instance, created, raw=False, **kwargs):
    """Every user has a profile, so templates and policies never have to check for one."""
    if created and not raw:
        from .models import Profile

        Profile.objects.get_or_create(user=instance)


def refuse_unchecked_comments(sender, comment, request, **kwargs):
    """Second lock on comments-xtd: refuse any comment the access policy would not allow.

    Our views create answers through community.services; comments-xtd's own endpoints are not
    mounted. Should anyone mount them later, a comment still needs a post the sender may answer.
    """
    from . import policies
    from .models import Post

    target = comment.content_object
    if not isinstance(target, Post) or request is None:
        return False
    return policies.can_answer(request.user, target)


def uncount_votes_of_deleted_user(sender, instance, **kwargs):
    """A deleted account takes its helpful votes with it (cascade, no service runs): one fewer each.

    Sent inside the deletion's transaction, after Django found nothing protecting the user.
    """
    from .models import Answer

    Answer.objects.filter(helpful_votes__user=instance).update(helpful_count=F("helpful_count") - 1)
    from . import fragments

    for post_id in Answer.objects.filter(helpful_votes__user=instance).values_list("post_id", flat=True).distinct():
        fragments.forget_thread(post_id)  # their votes go in the cascade; forget_thread_of skips those


def forget_member_counts(sender, **kwargs):
    """A membership was added, changed or removed: recount the community cards' member counts."""
    from . import selectors

    selectors.forget_member_counts()


def forget_people(sender, update_fields=None, **kwargs):
    """A membership, profile, organisation or account changed: fragments showing people are redone."""
    from . import selectors

    if update_fields is not None and set(update_fields) == {"last_login"}:
        return  # every login saves the user; nothing shown changed
    selectors.forget_people()


def forget_users_unread_count(sender, instance, **kwargs):
    """A notification, membership or account changed: that person's badge count is recounted."""
    from . import services_notify

    user_id = getattr(instance, "recipient_id", None) or getattr(instance, "user_id", None)
    if sender is get_user_model():
        user_id = instance.pk
    services_notify.forget_unread_count(user_id)


def forget_unread_counts_about(sender, instance, created=False, **kwargs):
    """A post or answer changed (hidden, restored, edited): recount the badges of those notified about it.

    Something new hides nothing that was counted; a deleted one takes its notifications with it
    (their own post_delete recounts their recipients).
    """
    from . import services_notify
    from .models import Notification, Post

    if created:
        return
    about = {"post": instance.pk} if isinstance(instance, Post) else {"answer": instance.pk}
    for user_id in set(Notification.objects.filter(**about).values_list("recipient_id", flat=True)):
        services_notify.forget_unread_count(user_id)


def forget_all_unread_counts(sender, created=False, **kwargs):
    """A community, page or view restriction changed: what anyone may see may have changed.

    A new page hides nothing that was counted; a new view restriction (or a change in its groups)
    hides all below it.
    """
    from wagtail.models import PageViewRestriction

    from . import services_notify

    if not created or sender is PageViewRestriction:
        services_notify.forget_all_unread_counts()


def forget_thread_of(sender, instance, origin=None, **kwargs):
    """A post, an answer or a helpful vote changed: cached copies of that post's thread are redone."""
    from django.contrib.auth import get_user_model

    from . import fragments
    from .models import Answer, HelpfulVote, Post

    if isinstance(instance, Post):
        post_id = instance.pk
    elif isinstance(instance, HelpfulVote):
        if isinstance(origin, get_user_model()):
            return  # an account's deletion: uncount_votes_of_deleted_user forgot those threads at once
        answer = instance._state.fields_cache.get("answer")
        post_id = (answer.post_id if answer is not None
                   else Answer.objects.filter(pk=instance.answer_id).values_list("post_id", flat=True).first())
    else:
        post_id = post_id_of_answer(instance)
    fragments.forget_thread(post_id)


def post_id_of_answer(instance) -> int | None:
    """The post of an Answer, or of the comment model under it (django-comments-xtd's own admin)."""
    from .models import Answer

    post_id = getattr(instance, "post_id", None)
    if post_id is None:
        post_id = Answer.objects.filter(pk=instance.pk).values_list("post_id", flat=True).first()
    return post_id


def forget_catalogue(sender, **kwargs):
    """A community, a page move or a view restriction changed: the community catalogue is rebuilt.

    Any save counts, a new one too (a new community must appear; a new view restriction hides).
    """
    from . import catalogue

    catalogue.forget()


def forget_memberships_of(sender, instance, **kwargs):
    """A membership was saved or deleted: its user's cached memberships are read anew (policies.memberships)."""
    from . import policies

    policies.forget_cached_memberships(instance.user_id)


def forget_routes(sender, **kwargs):
    """Any page or Site saved or deleted: the route memo (koffietafel.routing) is rebuilt.

    It shares the community catalogue's generation; connected for every sender (a page's signal
    names its specific class), so anything that is not a page or a Site is let through at once.
    """
    from wagtail.models import Page, Site

    if isinstance(sender, type) and (issubclass(sender, Page) or issubclass(sender, Site)):
        forget_catalogue(sender, **kwargs)


def connect():
    from django_comments.signals import comment_will_be_posted
    from django_comments_xtd.models import XtdComment
    from wagtail.models import Page, PageViewRestriction
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from .models import Answer, CommunityPage, HelpfulVote, Membership, Notification, Organisation, Post, Profile

    for signal in (post_save, post_delete):
        for model in (Post, Answer, XtdComment, HelpfulVote):
            signal.connect(forget_thread_of, sender=model, dispatch_uid=f"community_thread_{model.__name__}_{signal!r}")
        signal.connect(forget_member_counts, sender=Membership, dispatch_uid=f"community_member_counts_{signal!r}")
        for model in (Membership, Profile, Organisation, settings.AUTH_USER_MODEL):
            signal.connect(forget_people, sender=model, dispatch_uid=f"community_people_{model}_{signal!r}")
        for model in (Notification, Membership, settings.AUTH_USER_MODEL):
            signal.connect(forget_users_unread_count, sender=model,
                           dispatch_uid=f"community_unread_count_{model}_{signal!r}")
        for model in (CommunityPage, Page, PageViewRestriction):
            signal.connect(forget_all_unread_counts, sender=model,
                           dispatch_uid=f"community_all_unread_counts_{model.__name__}_{signal!r}")
    m2m_changed.connect(forget_all_unread_counts, sender=PageViewRestriction.groups.through,
                        dispatch_uid="community_all_unread_counts_restriction_groups")
    for model in (Post, Answer):
        post_save.connect(forget_unread_counts_about, sender=model, dispatch_uid=f"community_unread_about_{model.__name__}")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(forget_all_unread_counts, dispatch_uid=f"community_all_unread_counts_{signal!r}")
    # The community catalogue (community/catalogue.py): every change to what it records.
    for signal in (post_save, post_delete):
        for model in (CommunityPage, PageViewRestriction):
            signal.connect(forget_catalogue, sender=model, dispatch_uid=f"community_catalogue_{model.__name__}_{signal!r}")
    m2m_changed.connect(forget_catalogue, sender=PageViewRestriction.groups.through,
                        dispatch_uid="community_catalogue_restriction_groups")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(forget_catalogue, dispatch_uid=f"community_catalogue_{signal!r}")
    for signal in (post_save, post_delete):
        signal.connect(forget_routes, dispatch_uid=f"community_routes_{signal!r}")
        signal.connect(forget_memberships_of, sender=Membership, dispatch_uid=f"community_memberships_of_{signal!r}")
    post_save.connect(create_profile, sender=settings.AUTH_USER_MODEL, dispatch_uid="community_create_profile")
    pre_delete.connect(uncount_votes_of_deleted_user, sender=settings.AUTH_USER_MODEL,
                       dispatch_uid="community_uncount_votes_of_deleted_user")
    comment_will_be_posted.connect(refuse_unchecked_comments, dispatch_uid="community_refuse_unchecked_comments")
