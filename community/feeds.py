"""Atom feeds: the questions and practice stories of an open community (``<community url>feed/``).

A feed is public and cached by feed readers and proxies, so it is built for an anonymous visitor
whoever requests it: closed and private communities have no public feed (404), and the items are
``Post.objects.visible_to(AnonymousUser())``, the same rule as every other door.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from . import policies
from .models import Post, Visibility

FEED_ITEMS = 30


class CommunityFeed(Feed):
    """The latest questions and practice stories of one open community."""

    feed_type = Atom1Feed

    def get_object(self, request, community):
        anonymous = AnonymousUser()
        if community.visibility != Visibility.OPEN or not policies.can_read_posts(anonymous, community):
            raise Http404
        self.request = request
        return community

    def title(self, community):
        return _("%(c)s – vragen en praktijkverhalen op Koffietafel") % {"c": community.title}

    def subtitle(self, community):
        return community.summary

    def link(self, community):
        return self.request.build_absolute_uri(community.get_url(self.request))

    def feed_url(self, community):
        return self.request.build_absolute_uri(community.get_url(self.request) + "feed/")

    def items(self, community):
        return (
            Post.objects.filter(community=community)
            .visible_to(AnonymousUser())
            .select_related("author__profile", "community")
            .order_by("-created_at", "-pk")[:FEED_ITEMS]
        )

    def item_title(self, post):
        return f"{post.get_kind_display()}: {post.title}"

    def item_description(self, post):
        from .search import post_text

        return post_text(post)[:1000]

    def item_link(self, post):
        return self.request.build_absolute_uri(post.get_url(self.request))

    def item_guid(self, post):
        return self.item_link(post)

    def item_author_name(self, post):
        return post.author.profile.name

    def item_pubdate(self, post):
        return post.created_at

    def item_updateddate(self, post):
        return post.edited_at or post.created_at

    def item_categories(self, post):
        return [post.get_kind_display()]


def community_feed(request, community):
    return CommunityFeed()(request, community=community)
