"""Signal receivers of find-and-follow: the search index for answers, notifications for events.

Connected once from ``CommunityConfig.ready()``. Receivers run inside the service's transaction;
everything they start is handed to django-tasks with ``transaction.on_commit``, so it never runs
for a change that was rolled back, and never inside the request when a worker backend is set.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from . import signals


def index_answer(sender, instance, raw=False, **kwargs):
    """Keep the answer in the search index (see community/models/search.py for why by hand)."""
    if raw or instance.post_id is None:
        return
    from modelsearch.tasks import insert_or_update_object_task

    insert_or_update_object_task.enqueue("community", "searchableanswer", str(instance.pk))


def unindex_answer(sender, instance, **kwargs):
    from wagtail.search import index

    from .models import SearchableAnswer

    index.remove_object(SearchableAnswer(pk=instance.pk))


def _deliver(event: str, **ids) -> None:
    from .services_notify import on_commit
    from .tasks import deliver_event

    on_commit(deliver_event, event=event, **ids)


def on_post_created(sender, post, request=None, **kwargs):
    _deliver("post_created", post_id=post.pk)


def on_answer_created(sender, answer, post, request=None, **kwargs):
    _deliver("answer_created", answer_id=answer.pk)


def on_answer_accepted(sender, answer, post, user, **kwargs):
    if answer is not None and answer.user_id != getattr(user, "pk", None):
        _deliver("answer_accepted", answer_id=answer.pk, user_id=getattr(user, "pk", None))


def on_membership_changed(sender, membership, created, **kwargs):
    """Facilitators hear of a join request; a new member follows the community (digest) unless
    they chose otherwise on the join form (community.views_notify.join applies that choice)."""
    from .models import Delivery, Follow, Membership

    if membership.status == Membership.Status.PENDING:
        _deliver("join_request", membership_id=membership.pk)
    elif created and membership.status == Membership.Status.ACTIVE:
        Follow.objects.get_or_create(user_id=membership.user_id, community_id=membership.community_id,
                                     defaults={"delivery": Delivery.DIGEST})


def connect():
    from .models import Answer

    post_save.connect(index_answer, sender=Answer, dispatch_uid="find_index_answer")
    post_delete.connect(unindex_answer, sender=Answer, dispatch_uid="find_unindex_answer")
    signals.post_created.connect(on_post_created, dispatch_uid="notify_post_created")
    signals.answer_created.connect(on_answer_created, dispatch_uid="notify_answer_created")
    signals.answer_accepted.connect(on_answer_accepted, dispatch_uid="notify_answer_accepted")
    signals.membership_changed.connect(on_membership_changed, dispatch_uid="notify_membership_changed")
