"""Wagtail hooks of the site chrome: who may download a document.

Wagtail serves every document to anyone who knows its URL (ids are sequential). A document is
served here only to someone who may see a live page that uses it (Wagtail's reference index
knows which pages those are), or to editors; for a page inside a community that means the
community access policy decides, so a private community's documents stay private.
"""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from wagtail import hooks
from wagtail.models import Page, ReferenceIndex

from community import policies
from community.models import CommunityPage


def _may_see_page(user, page) -> bool:
    community = CommunityPage.objects.ancestor_of(page, inclusive=True).first()
    if community is not None and not policies.can_view_community(user, community):
        return False
    return not page.get_view_restrictions().exists()


@hooks.register("before_serve_document")
def serve_documents_only_to_those_who_may_see_a_page_using_them(document, request):
    user = request.user
    if user.is_authenticated and (user.is_superuser or user.has_perm("wagtaildocs.change_document")):
        return None
    page_type = ContentType.objects.get_for_model(Page)
    page_ids = ReferenceIndex.get_references_to(document).filter(base_content_type=page_type).values_list(
        "object_id", flat=True
    )
    for page in Page.objects.live().filter(pk__in=[int(pk) for pk in page_ids]):
        if _may_see_page(user, page):
            return None
    raise Http404
