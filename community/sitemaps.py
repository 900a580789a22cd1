"""/sitemap.xml: Wagtail's public pages plus the posts of open communities.

Posts are listed as an anonymous visitor may read them (``Post.objects.visible_to`` with an
anonymous user): open communities only, never a hidden post; closed and private communities keep
their questions out of search engines. Pages come from Wagtail's own sitemap, whose
``get_sitemap_urls`` on community and framework pages already leaves private communities out.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps import Sitemap as PageSitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

from .models import Post


class PostSitemap(Sitemap):
    """Questions and practice stories anyone may read, with full URLs like Wagtail's page entries."""

    def __init__(self, request=None):
        self.request = request

    def items(self):
        return Post.objects.visible_to(AnonymousUser()).select_related("community").order_by("pk")

    def _urls(self, page, protocol, domain):
        urls = []
        for post in self.paginator.page(page).object_list:
            urls.append({
                "item": post,
                "location": self.request.build_absolute_uri(post.get_url(self.request)),
                "lastmod": post.last_activity_at,
            })
        return urls


def sitemap(request):
    return wagtail_sitemap(request, sitemaps={"pages": PageSitemap, "posts": PostSitemap(request)})
