"""Signal receivers that keep the site search's shared match lists exact (home/search_matches.py).

A list holds, for every match of a query, what decides whether a reader may see it (a post's
community, hidden flag, author; an answer's post) and what a page result shows (title, URL, text).
Everything that changes one of those, or what matches, starts a new search generation, at once
and after the commit (site/generations.py):

- a post, an answer or the comment under it saved or deleted; an answer accepted (the status
  filter; services use ``update()`` and send ``answer_accepted``);
- any Wagtail page saved, published, unpublished, moved or deleted; a view restriction saved or
  deleted; a site saved or deleted (page URLs);
- a search index update finished: the index is written by a background task, which may run after
  the change's own commit, so the list built in between is dropped too.

Who may read which community is not in the lists (asked of the policy per request), so
memberships and community visibility need no receiver here.
"""

from django.db.models.signals import post_delete, post_save

INDEX_TASK = "modelsearch.tasks.insert_or_update_object_task"


def forget_matches(sender, **kwargs):
    from . import search_matches

    search_matches.forget()


def forget_matches_after_indexing(sender, task_result, **kwargs):
    if task_result.task.module_path == INDEX_TASK:
        forget_matches(sender)


def connect():
    from django_comments_xtd.models import XtdComment
    from django_tasks.signals import task_finished
    from wagtail.models import PageViewRestriction, Site, get_page_models
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from community import signals
    from community.models import Answer, Post

    for signal in (post_save, post_delete):
        name = "save" if signal is post_save else "delete"
        for model in (Post, Answer, XtdComment, PageViewRestriction, Site, *get_page_models()):
            signal.connect(forget_matches, sender=model, dispatch_uid=f"find_matches_{model._meta.label_lower}_{name}")
    signals.answer_accepted.connect(forget_matches, dispatch_uid="find_matches_accepted")
    for signal in (page_published, page_unpublished):
        signal.connect(forget_matches, dispatch_uid=f"find_matches_page_{signal!r}")
    post_page_move.connect(forget_matches, dispatch_uid="find_matches_page_move")
    task_finished.connect(forget_matches_after_indexing, dispatch_uid="find_matches_indexed")
