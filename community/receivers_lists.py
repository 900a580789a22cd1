"""Signal receivers that keep the cached post lists of community pages exact.

A community page's post list is a fragment shared by viewers who would see the same HTML; its key
holds the community's posts generation (selectors.posts_generation). Everything a post card, the
theme filter or the list's buttons show starts a new generation, at once and after the commit:

- a post saved or deleted, its themes changed;
- an answer or the comment under it saved or deleted (the card's answer count; services recount
  with ``update()``), an answer accepted (``update()`` too: services send ``answer_accepted``);
- a theme saved or deleted;
- the community page saved, published, unpublished, moved or deleted, any page moved (paths and
  URLs below it), a Wagtail view restriction saved, deleted or its groups changed (who may read
  which list): every community's lists.

People's names and organisations come with the people generation (selectors.forget_people); who
may post or sees hidden posts is part of the key, asked of the policy on every view.

What pages show of other pages (community cards: titles, summaries, URLs, which are live; a
community's framework) is shared under the pages generation (selectors.pages_generation: the
catalogue's, renewed by community/signals.py for any page or site change).

What a user follows is cached per user for the follow buttons (selectors.followed_ids): any of
their Follow rows saved or deleted drops it.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save


def _forget(community_id):
    from . import selectors

    selectors.forget_posts(community_id)


def forget_posts_of_post(sender, instance, **kwargs):
    _forget(instance.community_id)


def forget_posts_of_post_themes(sender, instance, action, reverse, model, pk_set=None, **kwargs):
    """Post.themes changed, from either side (post.themes.set(...) or theme.posts.add(...))."""
    from .models import Post, Theme

    if not action.startswith("post_"):
        return
    if isinstance(instance, Post):
        _forget(instance.community_id)
    elif isinstance(instance, Theme):
        _forget(instance.community_id)
        if pk_set:  # a theme of one community may have been put on a post of another
            for community_id in set(Post.objects.filter(pk__in=pk_set).values_list("community_id", flat=True)):
                _forget(community_id)


def forget_posts_of_answer(sender, instance, **kwargs):
    from .models import Post
    from .signals import post_id_of_answer

    post_id = post_id_of_answer(instance)
    if post_id is None:
        return
    post = instance._state.fields_cache.get("post")
    community_id = post.community_id if post is not None else (
        Post.objects.filter(pk=post_id).values_list("community_id", flat=True).first()
    )
    if community_id is not None:
        _forget(community_id)


def forget_posts_of_accepted(sender, post, **kwargs):
    _forget(post.community_id)


def forget_posts_of_theme(sender, instance, **kwargs):
    _forget(instance.community_id)


def forget_posts_of_page(sender, instance, **kwargs):
    from .models import CommunityPage

    if isinstance(instance, CommunityPage) or getattr(instance, "specific_class", None) is CommunityPage:
        _forget(instance.pk)


def forget_all_posts(sender, **kwargs):
    _forget(None)


def forget_followed(sender, instance, **kwargs):
    from . import selectors

    selectors.forget_followed(instance.user_id)


def connect():
    from django_comments_xtd.models import XtdComment
    from wagtail.models import Page, PageViewRestriction
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from . import signals
    from .models import Answer, CommunityPage, Follow, Post, Theme

    for signal in (post_save, post_delete):
        name = "save" if signal is post_save else "delete"
        signal.connect(forget_posts_of_post, sender=Post, dispatch_uid=f"community_lists_post_{name}")
        signal.connect(forget_posts_of_theme, sender=Theme, dispatch_uid=f"community_lists_theme_{name}")
        for model in (Answer, XtdComment):
            signal.connect(forget_posts_of_answer, sender=model,
                           dispatch_uid=f"community_lists_answer_{model.__name__}_{name}")
        for model in (CommunityPage, Page):
            signal.connect(forget_posts_of_page, sender=model, dispatch_uid=f"community_lists_page_{model.__name__}_{name}")
        signal.connect(forget_all_posts, sender=PageViewRestriction, dispatch_uid=f"community_lists_restriction_{name}")
    m2m_changed.connect(forget_posts_of_post_themes, sender=Post.themes.through, dispatch_uid="community_lists_post_themes")
    m2m_changed.connect(forget_all_posts, sender=PageViewRestriction.groups.through,
                        dispatch_uid="community_lists_restriction_groups")
    signals.answer_accepted.connect(forget_posts_of_accepted, dispatch_uid="community_lists_accepted")
    for signal in (page_published, page_unpublished):
        signal.connect(forget_posts_of_page, dispatch_uid=f"community_lists_page_{signal!r}")
    post_page_move.connect(forget_all_posts, dispatch_uid="community_lists_page_move")
    for signal in (post_save, post_delete):
        signal.connect(forget_followed, sender=Follow, dispatch_uid=f"community_lists_followed_{signal!r}")
