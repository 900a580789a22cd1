"""Views of the learning app: thin. They parse the request, ask the policy, call a service, render.

The prompt views are served through FrameworkPage routes; FrameworkPage.serve has already
answered 404 to visitors who may not know the community exists.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community import policies as community_policies
from community.models import Post
from learning import policies, selectors, services


def _framework_context(request, framework, **extra) -> dict:
    community = framework.community()
    return {
        "page": framework,
        "self": framework,
        "community": community,
        "can_post": community_policies.can_post(request.user, community),
        "can_read_posts": community_policies.can_read_posts(request.user, community),
        "today": timezone.localdate(),
        **extra,
    }


def prompt_overview(request, framework):
    """All prompts of the framework: running, coming, and the archive of ended ones."""
    context = selectors.framework_page_context(framework=framework, user=request.user, request=request)
    return TemplateResponse(request, "learning/prompt_index.html", _framework_context(request, framework, **context))


def prompt_detail(request, framework, prompt_id):
    prompt = selectors.prompt_for(framework=framework, block_id=prompt_id)
    if prompt is None:
        raise Http404
    today = timezone.localdate()
    context = _framework_context(request, framework, prompt=prompt, status=prompt.status_on(today))
    if context["can_read_posts"]:
        context["responses"] = Paginator(selectors.prompt_responses(user=request.user, prompt=prompt), 20).get_page(
            request.GET.get("pagina")
        )
    return TemplateResponse(request, "learning/prompt_detail.html", context)


@require_POST
def framework_follow(request, framework):
    if not request.user.is_authenticated:
        return redirect_to_login(framework.url)
    follow = request.POST.get("action") != "unfollow"
    try:
        services.framework_follow(user=request.user, framework=framework, follow=follow)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect(framework.url)
    if follow:
        messages.success(request, _("Je volgt dit kader. Je hoort het wanneer het wordt aangescherpt."))
    else:
        messages.success(request, _("Je volgt dit kader niet meer."))
    return redirect(framework.url)


@login_required
def case_story_consent(request, pk):
    """The author of a practice story gives (or withdraws) consent to publish it as a case story."""
    if pk > selectors.MAX_ID:
        raise Http404
    post = Post.objects.filter(pk=pk).visible_to(request.user).select_related("community").first()
    if post is None or not policies.can_give_consent(request.user, post):
        raise Http404
    from learning.models import CaseStoryConsent, CaseStoryConsentRequest

    if request.method == "POST":
        if request.POST.get("action") == "withdraw":
            offline = services.case_story_consent_withdraw(user=request.user, post=post)
            if offline:
                messages.success(request, _("Je toestemming is ingetrokken. Het casusverhaal dat van je verhaal "
                                            "is gemaakt, staat niet meer online."))
            else:
                messages.success(request, _("Je toestemming is ingetrokken."))
        else:
            services.case_story_consent_give(user=request.user, post=post)
            messages.success(request, _("Dank je! Redacteuren mogen je verhaal nu bewerken tot een openbaar "
                                        "casusverhaal. Je naam wordt erbij vermeld."))
        return redirect(post.get_url(request))
    return render(request, "learning/case_story_consent.html", {
        "post": post,
        "consent": CaseStoryConsent.objects.filter(post=post).first(),
        "open_request": CaseStoryConsentRequest.objects.filter(post=post, answered_at__isnull=True)
        .select_related("requested_by__profile").first(),
    })
