"""Page routing without its queries: the site, the page chain and its view restrictions, memoised.

Wagtail finds the page for a URL with a query per step on every request: the Site for the host
name, the root page as its specific class, each child by slug (plus its specific row), and the
view restrictions of the page and its ancestors. On a member's page that is four to six queries
and about a quarter of the time spent in Python. Those rows change only when an editor does
something, so each process keeps them in a *route memo*:

- every Site with its root page (Wagtail's choice of site for a host name, and each site's root
  path for page URLs, from these rows);
- each site's root page, as its specific class;
- each page reached while routing, by (parent id, slug), as its specific class;
- every PageViewRestriction with its page's path.

The memo belongs to one generation of the community catalogue's key (community/catalogue.py,
GENERATION_KEY), read on every request (one cache read, shared with the catalogue and folded into
the request's one ``get_many``, koffietafel.generations.prefetch). Whatever can change a route
renews that generation, immediately and again after the commit (community/signals.py,
forget_catalogue): any page saved, deleted, published, unpublished or moved; a Site saved or
deleted; a view restriction saved or deleted or its groups changed. A request that finds another
generation than its memo's drops the whole memo and starts a new one from rows read after the
generation was read (koffietafel.generations), so nothing older than a change is used once that
change is committed.

Each request gets its own shallow copies of the memo's pages and restrictions (views set
attributes on pages, Wagtail caches ``specific`` on them); the rows themselves are never changed.
The access checks still run in full on every request: Wagtail's view restrictions (password,
login, groups: PageViewRestriction.accept_request, through its serve hook) with the memoised
restriction rows, and each page's own ``serve`` (CommunityPage asks the access policy).

Only the front-end catch-all (``serve`` below, mounted in koffietafel.urls instead of Wagtail's)
uses the memo. Previews, the admin and anything else that routes a page take Wagtail's way.
Without a cache every worker shares (COMMUNITY_CATALOGUE_CACHE unset: production without
REDIS_URL) there is no memo: a worker could not learn that another one changed a page.
"""

from __future__ import annotations

import copy
import threading

from django.http import Http404
from wagtail import views as wagtail_views

from koffietafel import generations

# A bound on what one process keeps (pages are bounded by the tree; slugs come from requests).
MAX_PAGES = 5_000
_REQUEST_ATTR = "_koffietafel_route_memo"
_PAGE_ATTR = "_koffietafel_route_memo"
# Values Wagtail and Django cache on a page object: never shared between copies.
_PER_COPY = ("specific", "specific_deferred", "_cached_parent_obj", _PAGE_ATTR, "_wagtail_cached_site_root_paths")

_lock = threading.Lock()
_memo: RouteMemo | None = None


class RouteMemo:
    """What routing needs, for one generation; filled as requests ask (see the module docstring)."""

    def __init__(self, generation: str):
        self.generation = generation
        self._sites: list | None = None
        self.roots: dict[int, object] = {}
        self.children: dict[tuple[int, str], object] = {}
        self._restrictions: dict[str, list] | None = None
        self._site_root_paths = None

    # -- sites -------------------------------------------------------------------------------
    def _all_sites(self) -> list:
        """Every Site with its root page and that page's locale: one query per generation, for both
        the request's site and every site's root path."""
        sites = self._sites
        if sites is None:
            from wagtail.models import Site

            sites = self._sites = list(Site.objects.select_related("root_page", "root_page__locale").order_by("pk"))
            for site in sites:
                _clean(site.root_page)
        return sites

    def site_for(self, request):
        """The request's Site, a copy, or None: Wagtail's rules (Site._find_for_request) applied to
        the memo's sites."""
        from django.http.request import split_domain_port

        hostname, port = split_domain_port(request._get_raw_host())[0], request.get_port()
        site = _best_site(self._all_sites(), hostname, port)
        if site is None:
            return None
        clone = _copy(site)
        clone._state.fields_cache["root_page"] = _copy(site.root_page)
        return clone

    def root_of(self, site, *, deferred: bool = False):
        """The site's root page as its specific class, a copy; ``deferred``: without its own fields
        (routing below it reads none of them: no query for its specific row)."""
        page = self.roots.get((site.pk, deferred))
        if page is None:
            root = site.root_page.localized
            page = self.roots[(site.pk, deferred)] = _clean(root.specific_deferred if deferred else root.specific)
        return self._hand_out(page)

    def site_root_paths(self):
        """Site.get_site_root_paths(), from the memo's sites (Wagtail reads it from the cache, or with
        a query of its own, on every request that builds a page URL)."""
        paths = self._site_root_paths
        if paths is None:
            from django.conf import settings
            from wagtail.models import Site
            from wagtail.models.sites import SiteRootPath

            sites = self._all_sites()
            order = [(site.root_page.url_path, site.is_default_site) for site in sites]
            if getattr(settings, "WAGTAIL_I18N_ENABLED", False) or len(set(order)) < len(order):
                # Translations, or sites alike up to their host name (ordered there by the database's
                # collation): Wagtail's own.
                paths = Site.get_site_root_paths()
            else:
                ordered = sorted(sites, key=lambda site: (site.root_page.url_path, site.is_default_site), reverse=True)
                paths = [
                    SiteRootPath(site.id, site.root_page.url_path, site.root_url, site.root_page.locale.language_code)
                    for site in ordered
                ]
            self._site_root_paths = paths
        return paths

    # -- pages -------------------------------------------------------------------------------
    def child(self, parent, slug: str, fetch, specific):
        """The live-or-not child of ``parent`` with this slug (a copy), or None: see ``child``.

        A missing page is not remembered (URLs that match nothing are unbounded).
        """
        key = (parent.pk, slug, specific)
        page = self.children.get(key)
        if page is None:
            page = fetch(parent, slug)
            if page is None:
                return None
            page = _clean(specific(page))
            if len(self.children) < MAX_PAGES:
                self.children[key] = page
        clone = self._hand_out(page)
        clone._cached_parent_obj = parent
        return clone

    def _hand_out(self, page):
        clone = _copy(page)
        clone.__dict__[_PAGE_ATTR] = self
        # Its URL without a request (``page.url`` in a template) reads every site's root path too.
        clone.__dict__["_wagtail_cached_site_root_paths"] = self.site_root_paths()
        return clone

    # -- view restrictions -------------------------------------------------------------------
    def restrictions_on(self, paths) -> list:
        """Copies of the view restrictions on pages at these tree paths."""
        restrictions = self._restrictions
        if restrictions is None:
            from django.db.models import F
            from wagtail.models import PageViewRestriction

            restrictions = {}
            for restriction in PageViewRestriction.objects.annotate(page_path=F("page__path")).order_by("pk"):
                restrictions.setdefault(restriction.page_path, []).append(restriction)
            self._restrictions = restrictions
        return [_copy(r) for path in paths for r in restrictions.get(path, ())]


def _best_site(sites, hostname: str, port: int):
    """wagtail.models.sites.get_site_for_hostname over rows in memory (None where it raises)."""
    def match(site):
        if site.hostname == hostname:
            if site.port == port:
                return 0  # MATCH_HOSTNAME_PORT
            if site.is_default_site:
                return 1  # MATCH_HOSTNAME_DEFAULT
            return 3  # MATCH_HOSTNAME
        return 2  # MATCH_DEFAULT

    candidates = sorted((site for site in sites if site.hostname == hostname or site.is_default_site), key=match)
    if candidates:
        if len(candidates) == 1 or match(candidates[0]) in (0, 1):
            return candidates[0]
        if match(candidates[0]) == 2:
            return candidates[len(candidates) == 2]
    return None


def _copy(instance):
    """A model instance's own copy: its field values, _state and relation cache (Model.__getstate__)."""
    clone = copy.copy(instance)
    for name in _PER_COPY:
        clone.__dict__.pop(name, None)
    return clone


def _clean(page):
    """A page as the memo keeps it: without what routing or Wagtail left on it for one request."""
    for name in _PER_COPY:
        page.__dict__.pop(name, None)
    return page


def _shared_cache():
    from community import catalogue

    return catalogue.shared_cache()


def current_memo() -> RouteMemo | None:
    """This process's memo for the current generation (a new one if it moved on); None without a
    shared cache."""
    global _memo
    cache = _shared_cache()
    if cache is None:
        return None
    from community import catalogue

    generation = generations.current(catalogue.GENERATION_KEY, cache=cache)
    memo = _memo
    if memo is None or memo.generation != generation:
        with _lock:
            memo = _memo
            if memo is None or memo.generation != generation:
                _load_page_content_types()
                memo = _memo = RouteMemo(generation)
    return memo


_content_types_loaded = False


def _load_page_content_types() -> None:
    """Every page model's ContentType in Django's per-process cache with one query, once per process
    (routing asks each page for its specific class: otherwise one query per page type)."""
    global _content_types_loaded
    if not _content_types_loaded:
        from django.contrib.contenttypes.models import ContentType
        from wagtail.models import get_page_models

        ContentType.objects.get_for_models(*get_page_models())
        _content_types_loaded = True


def forget() -> None:
    """Drop this process's memo at once (other processes notice the new generation)."""
    global _memo
    _memo = None


def memo_of_request(request) -> RouteMemo | None:
    return getattr(request, _REQUEST_ATTR, None)


def memo_of_page(page) -> RouteMemo | None:
    return page.__dict__.get(_PAGE_ATTR)


def fetch_child(parent, slug: str):
    """The child of ``parent`` with this slug, as a generic Page, or None (one query)."""
    return parent.get_children().filter(slug=slug).first()


def as_specific(page):
    """A page fetched as a generic Page, as its specific class with all its fields; a page fetched
    through its own (leaf) model's manager as it is."""
    from wagtail.models import Page

    return page.specific if type(page) is Page else page


def child(request, parent, slug: str, fetch=fetch_child, specific=as_specific):
    """Routing's step from ``parent`` to its child ``slug``: from the request's memo, else ``fetch``.

    ``fetch(parent, slug)`` returns the child or None; ``specific(page)`` turns it into the page
    routing goes on with (a caller that needs none of its fields, only its route, may pass one
    returning ``page.specific_deferred``). The memo keeps one copy per (parent, slug, specific).
    The result has ``parent`` as its cached parent (Wagtail's view-restriction check and
    breadcrumbs walk up without a query).
    """
    memo = memo_of_request(request) if request is not None else None
    if memo is not None:
        return memo.child(parent, slug, fetch, specific)
    page = fetch(parent, slug)
    if page is None:
        return None
    page = specific(page)
    page._cached_parent_obj = parent
    return page


def serve(request, path):
    """Wagtail's front-end view (wagtail.views.serve), routed through the memo when there is one.

    First it reads what nearly every page needs from the cache in one round trip (``prefetch``);
    the request remembers it (koffietafel.generations.RequestScopeMiddleware).
    """
    memo = None
    if not hasattr(request, "_wagtail_route_for_request") and _shared_cache() is not None:
        prefetch(request)
        memo = current_memo()
    if memo is not None:
        setattr(request, _REQUEST_ATTR, memo)
        site = memo.site_for(request)
        request._wagtail_site = site
        route = None
        if site is not None:
            components = [part for part in path.split("/") if part]
            try:
                route = memo.root_of(site, deferred=bool(components)).route(request, components)
            except Http404:
                route = None
        request._wagtail_route_for_request = route
        # Page URLs (Page.get_url_parts) read every site's root path: the memo's, not the cache's.
        request._wagtail_cached_site_root_paths = memo.site_root_paths()
    return wagtail_views.serve(request, path)


def prefetch(request) -> None:
    """The cache entries a page reads on every request, in one ``get_many``: the route memo's and the
    community catalogue's generation, the people fragments' generation and, for a signed-in user,
    their memberships, their header's benchmark menu entry and notification badge."""
    from django.core.cache import caches

    from community import catalogue, policies, selectors, services_notify
    from learning.events import selectors as events

    shared = _shared_cache()
    user = getattr(request, "user", None)
    keys = [catalogue.GENERATION_KEY]
    default_keys = [selectors.PEOPLE_GENERATION_KEY]
    if user is not None and user.is_authenticated:
        keys += policies.memberships_cache_keys(user)
        default_keys += [*events.menu_cache_keys(user), *services_notify.unread_cache_keys(user)]
    if shared is caches["default"]:
        keys += default_keys
    else:
        generations.prefetch(default_keys, cache=caches["default"])
    generations.prefetch(keys, cache=shared)
