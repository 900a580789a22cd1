"""Answers in the search index, without changing the Answer model itself.

``Answer`` is a django-comments-xtd comment (multi-table inheritance), so it cannot simply mix in
``index.Indexed`` without a schema change of a third-party base. A proxy model carries the search
configuration instead. Saving an ``Answer`` sends ``post_save`` for ``Answer``, not for this proxy,
so Wagtail's own index signal handlers never see it: ``community/receivers_notify.py`` connects
``Answer``'s save and delete signals to the index (and ``manage.py update_index`` rebuilds it).
"""

from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from .posts import Answer


class SearchableAnswer(index.Indexed, Answer):
    """An answer as the search index sees it: its markdown text, filterable by post and visibility."""

    search_fields = [
        index.SearchField("comment"),
        index.FilterField("id"),
        index.FilterField("post_id"),
        index.FilterField("is_public"),
        index.FilterField("is_removed"),
        # The post's visibility (policies.visible_posts_filter with prefix "post__").
        index.RelatedFields("post", [
            index.FilterField("community_id"),
            index.FilterField("is_hidden"),
            index.FilterField("author_id"),
        ]),
    ]

    class Meta:
        proxy = True
        verbose_name = _("antwoord (zoekindex)")

    @classmethod
    def get_indexed_objects(cls):
        return cls.objects.filter(post__isnull=False)
