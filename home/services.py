"""Site structure that every installation needs: the home page and the community index.

Used by seed_demo, seed_bench and the test fixtures, so all three build the same tree.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from community.models import CommunityIndexPage
from home.models import HomePage


@transaction.atomic
def ensure_site_structure(*, hostname: str = "localhost", port: int = 80) -> tuple[HomePage, CommunityIndexPage]:
    """Create (or find) the home page as the default site's root, with the community index below it.

    Wagtail's own first migration creates a plain "Welcome" page; it is replaced by our HomePage.
    """
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        for page in root.get_children().filter(depth=2, slug="home").exclude(content_type__model="homepage"):
            page.delete()
        home = root.add_child(
            instance=HomePage(
                title="Koffietafel",
                slug="home",
                intro="<p>" + _("Leren van collega's, aan de koffietafel.") + "</p>",
            )
        )
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname=hostname, port=port, root_page=home, is_default_site=True, site_name="Koffietafel")
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = "Koffietafel"
        site.save()
    index = CommunityIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(
            instance=CommunityIndexPage(
                title=_("Gemeenschappen"),
                slug="gemeenschappen",
                intro="<p>" + _("Leergemeenschappen waarin professionals van elkaar leren.") + "</p>",
            )
        )
    return home, index
