"""Signal receivers of find-and-follow: the search index for answers, notifications for events.

Connected once from ``CommunityConfig.ready()``. Receivers run inside the service's transaction;
anything slow or that sends mail is handed to django-tasks with ``transaction.on_commit``, so it never
runs for a change that was rolled back, and never inside the request when a worker backend is set.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save


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


def connect():
    from .models import Answer

    post_save.connect(index_answer, sender=Answer, dispatch_uid="find_index_answer")
    post_delete.connect(unindex_answer, sender=Answer, dispatch_uid="find_unindex_answer")
