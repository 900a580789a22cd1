"""Wagtail admin views of the learning app: editors turn consented practice stories into case stories."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from community.models import Post
from learning import policies, selectors, services
from learning.models import CaseStoryConsentRequest, CaseStoryPage


def _require_editor(request):
    if not policies.is_editor(request.user):
        raise PermissionDenied


class CaseStoryCandidatesView(WagtailAdminTemplateMixin, TemplateView):
    """Practice stories the editor may read (per the access policy), consented ones first."""

    template_name = "learning/admin/case_story_candidates.html"
    page_title = gettext_lazy("Praktijkverhalen voor casusverhalen")
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        _require_editor(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from django.db.models import Exists, OuterRef

        from learning.models import CaseStoryConsent

        context = super().get_context_data(**kwargs)
        stories = (
            Post.objects.visible_to(self.request.user).filter(kind=Post.Kind.STORY, is_hidden=False)
            .annotate(
                has_consent=Exists(CaseStoryConsent.objects.filter(post=OuterRef("pk"))),
                has_request=Exists(CaseStoryConsentRequest.objects.filter(post=OuterRef("pk"), answered_at=None)),
            )
            .select_related("author__profile", "community")
            .order_by("-has_consent", "-created_at", "-pk")
        )
        page = Paginator(stories, 25).get_page(self.request.GET.get("p"))
        drafts = dict(
            CaseStoryPage.objects.filter(source_post__in=[p.pk for p in page]).values_list("source_post_id", "pk")
        )
        for post in page:
            post.case_story_id = drafts.get(post.pk)
        context["stories"] = page
        return context


@require_POST
def propose(request, post_id):
    _require_editor(request)
    if post_id > selectors.MAX_ID:
        raise PermissionDenied
    post = Post.objects.visible_to(request.user).select_related("community", "author__profile").filter(pk=post_id).first()
    if post is None:
        raise PermissionDenied
    try:
        page = services.case_story_propose(editor=request.user, post=post)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, exc.messages[0] if hasattr(exc, "messages") else str(exc))
        return redirect("learning_case_story_candidates")
    messages.success(request, _("Concept-casusverhaal gemaakt. Werk het bij en bied het ter goedkeuring aan."))
    return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))


@require_POST
def request_consent(request, post_id):
    _require_editor(request)
    if post_id > selectors.MAX_ID:
        raise PermissionDenied
    post = get_object_or_404(Post.objects.visible_to(request.user), pk=post_id)
    services.case_story_consent_request(editor=request.user, post=post)
    messages.success(request, _("Het verzoek om toestemming is vastgelegd voor de auteur."))
    return redirect("learning_case_story_candidates")
