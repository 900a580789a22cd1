"""Atom feeds: the questions and practice stories of an open community (``<community url>feed/``),
and a personal feed of one's notifications at a secret address (``/meldingen/feed/<token>/``).

A community feed is public and cached by feed readers and proxies, so it is built for an anonymous
visitor whoever requests it: closed and private communities have no public feed (404), and the
items are ``Post.objects.visible_to(AnonymousUser())``, the same rule as every other door. The
personal feed shows what the notifications page shows its owner, through the same policy filter.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

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


# -- a personal feed of one's notifications (secret address) ---------------------------------

FEED_TOKEN_SALT = "koffietafel.notifications.feed"


def personal_feed_token(user) -> str:
    """``<user id>-<hmac>``: secret, needs no login, and changes (old address dead) with the password."""
    digest = salted_hmac(FEED_TOKEN_SALT, f"{user.pk}:{user.password}", algorithm="sha256").hexdigest()[:32]
    return f"{user.pk}-{digest}"


def user_for_feed_token(token: str):
    user_id, _sep, _digest = token.partition("-")
    if not user_id.isascii() or not user_id.isdecimal() or len(user_id) > 18:
        return None
    user = get_user_model().objects.filter(pk=int(user_id), is_active=True).first()
    if user is None or not constant_time_compare(personal_feed_token(user), token):
        return None
    return user


class PersonalFeed(Feed):
    """The user's notifications (those the policy lets them see now), for a feed reader."""

    feed_type = Atom1Feed

    def get_object(self, request, user):
        self.request = request
        return user

    def title(self, user):
        return _("Meldingen voor %(name)s op Koffietafel") % {"name": user.profile.name}

    def link(self, user):
        return self.request.build_absolute_uri(reverse("notifications"))

    def items(self, user):
        from . import services_notify

        return services_notify.visible_notifications(user).for_list()[:FEED_ITEMS]

    def item_title(self, notification):
        from . import services_notify

        return services_notify.text_of(notification)

    def item_description(self, notification):
        return notification.get_kind_display()

    def item_link(self, notification):
        from . import services_notify

        return self.request.build_absolute_uri(services_notify.url_of(notification))

    def item_guid(self, notification):
        return self.request.build_absolute_uri(reverse("notification_open", args=[notification.pk]))

    def item_pubdate(self, notification):
        return notification.created_at


@never_cache
def personal_feed(request, token):
    user = user_for_feed_token(token)
    if user is None:
        raise Http404
    response = PersonalFeed()(request, user=user)
    response["X-Robots-Tag"] = "noindex"
    return response
