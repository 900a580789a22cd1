"""Signal receivers that keep the post page's shared header exact (community/fragments.py).

The header above a post's thread (title, text, author, themes, organisations, learning links) is a
fragment shared by everyone who may read the post. Its key holds the post's **post generation** and
the **post headers generation**; everything the header shows renews one of them, at once and after
the commit:

- the post saved or deleted (an edit, hiding or restoring), its themes or organisations changed
  from either side: that post's generation;
- a theme saved or deleted (names), any page moved (learning links' URLs): every header's
  (learning/receivers.py adds prompts, learning goals, a post's learning link and a framework's
  publish, which renames themes with update()).

People's names and organisations come with the people generation (selectors.forget_people); solved
and hidden are in the key itself, from the row the view read.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save


def forget_post(sender, instance, **kwargs):
    from . import fragments

    fragments.forget_post(instance.pk)


def forget_post_of_m2m(sender, instance, action, pk_set=None, **kwargs):
    """A post's themes or organisations changed, from either side."""
    from . import fragments
    from .models import Post

    if isinstance(instance, Post):
        if action.startswith("post_"):
            fragments.forget_post(instance.pk)
        return
    if action == "pre_clear":  # theme.posts.clear(): which posts had it is known only before
        field = "themes" if sender is Post.themes.through else "organisations"
        pk_set = list(Post.objects.filter(**{field: instance}).values_list("pk", flat=True))
    elif action not in ("post_add", "post_remove"):
        return
    for post_id in pk_set or ():
        fragments.forget_post(post_id)


def forget_post_headers(sender, **kwargs):
    from . import fragments

    fragments.forget_post_headers()


def connect():
    from wagtail.signals import post_page_move

    from .models import Post, Theme

    for signal in (post_save, post_delete):
        name = "save" if signal is post_save else "delete"
        signal.connect(forget_post, sender=Post, dispatch_uid=f"community_post_page_post_{name}")
        signal.connect(forget_post_headers, sender=Theme, dispatch_uid=f"community_post_page_theme_{name}")
    for through in (Post.themes.through, Post.organisations.through):
        m2m_changed.connect(forget_post_of_m2m, sender=through, dispatch_uid=f"community_post_page_{through.__name__}")
    post_page_move.connect(forget_post_headers, dispatch_uid="community_post_page_move")
