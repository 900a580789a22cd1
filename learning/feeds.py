"""Atom feed of published case stories (<case story index url>feed/). Case stories are public."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from learning.models import CaseStoryPage

FEED_LENGTH = 20


class CaseStoryFeed(Feed):
    feed_type = Atom1Feed

    def __init__(self, index):
        super().__init__()
        self.index = index

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return self.index

    def title(self, index):
        return _("Casusverhalen – Koffietafel")

    def link(self, index):
        return index.get_url(self.request)

    def subtitle(self, index):
        return _("Nieuwe casusverhalen: wat werkte, wat niet, en wat we ervan leerden.")

    def items(self, index):
        return (
            CaseStoryPage.objects.live().public().child_of(index).defer_streamfields()
            .order_by("-first_published_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_url(self.request)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_author_name(self, item):
        return item.author_credit or None
