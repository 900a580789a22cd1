"""Template tags through which community templates show learning's parts (community never imports learning).

- ``{% active_prompts page %}`` on the community page: the prompts running today.
- ``{% learning_post_fields %}`` in the ask/share form: prompt, learning goal, case story consent.
- ``{% post_learning_links post %}`` on a post's page: what it responds to; consent and proposal.
"""

from __future__ import annotations

from types import SimpleNamespace

from django import template
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from wagtail.models import Page

from community import policies as community_policies
from community.models import Post
from learning import policies, selectors, services
from learning.forms import PostLearningForm
from learning.models import CaseStoryConsent, PostLink

register = template.Library()


@register.simple_tag(takes_context=True)
def active_prompts(context, community, day=None):
    """The prompts running on ``day`` (today). The community page caches the result in a fragment keyed
    on the day, the pages generation (learning.services.framework_published renews it after the sync)
    and whether the visitor may post."""
    request = context.get("request")
    if not community.numchild:
        return ""  # no framework below the community, so no prompts: no query
    prompts = selectors.active_prompts(community=community, day=day)
    if not prompts:
        return ""
    user = request.user if request else None
    return render_to_string("learning/includes/active_prompts.html", {
        "prompts": prompts,
        "community": community,
        "can_post": community_policies.can_post(user, community) if user else False,
    }, request=request)


@register.simple_tag(takes_context=True)
def learning_post_fields(context):
    """Fields for a new post in a community: the prompt it responds to, a learning goal, consent."""
    request = context.get("request")
    community = context.get("page")
    if request is None or community is None or context.get("post"):
        return ""
    kind = context.get("kind", "question")
    prompt_id = request.POST.get(f"{services.FORM_PREFIX}-prikkel") or request.GET.get("prikkel")
    prompt = services.respondable_prompt(community=community, prompt_id=prompt_id) if prompt_id else None
    goals = selectors.goal_choices(community=community)
    initial = {}
    if prompt is not None:
        initial["prikkel"] = str(prompt.block_id)
        if prompt.learning_goal_id:
            initial["leerdoel"] = str(prompt.learning_goal.block_id)
    data = request.POST if request.method == "POST" else None
    form = PostLearningForm(data, initial=initial, goals=goals, kind=kind, prompt=prompt)
    if data is not None:
        form.is_valid()
    if not form.fields:
        return ""
    return render_to_string("learning/includes/post_fields.html", {"form": form, "prompt": prompt}, request=request)


def _learning_link(post, request) -> SimpleNamespace | None:
    """What post_learning_links shows of the post's PostLink, from one narrow row.

    Selecting the prompt's and goal's framework pages (every Wagtail page column, twice) cost more
    to compile than the rest of the question page's queries; the links need two url_paths. A
    framework is a child of its community, so its URL is the community's plus the rest of its path.
    """
    row = (
        PostLink.objects.filter(post=post)
        .values_list("prompt__block_id", "prompt__question", "prompt__framework__url_path",
                     "learning_goal__block_id", "learning_goal__title", "learning_goal__framework__url_path")
        .first()
    )
    if row is None:
        return None
    prompt_block, question, prompt_path, goal_block, goal_title, goal_path = row
    community = post.community

    def framework_url(url_path):
        if url_path.startswith(community.url_path):
            return community.get_url(request) + url_path[len(community.url_path):]
        return Page.objects.get(url_path=url_path).get_url(request)  # not under the post's community

    prompt = goal = None
    if prompt_block is not None:
        prompt = SimpleNamespace(question=question, url=f"{framework_url(prompt_path)}prikkels/{prompt_block}/")
    if goal_block is not None:
        goal = SimpleNamespace(title=goal_title, block_id=goal_block, framework_url=framework_url(goal_path))
    return SimpleNamespace(prompt=prompt, learning_goal=goal)


@register.simple_tag(takes_context=True)
def post_learning_links(context, post):
    """On a post's page: the prompt and learning goal it responds to, and the case story actions.

    For community/templates/community/post_detail.html (one line, owned by the community app):
    ``{% load learning_tags %}{% post_learning_links post %}``.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    link = _learning_link(post, request)
    has_consent = False
    if user is not None and user.is_authenticated and post.kind == "story":
        # One query answers both "is there consent?" and "is this viewer an editor?" (the policy
        # then reads the editor flag from the user instead of asking again).
        has_consent, is_editor = (
            Post.objects.filter(pk=post.pk)
            .annotate(has_consent=Exists(CaseStoryConsent.objects.filter(post=OuterRef("pk"))),
                      is_editor=Exists(Group.objects.filter(name=policies.EDITORS_GROUP, user=user.pk)))
            .values_list("has_consent", "is_editor").get()
        )
        if not hasattr(user, "_koffietafel_is_editor"):
            user._koffietafel_is_editor = is_editor
    can_propose = bool(user and post.kind == "story" and policies.can_propose_case_story(user, post))
    can_consent = bool(user and policies.can_give_consent(user, post))
    if link is None and not can_propose and not can_consent:
        return ""
    return render_to_string("learning/includes/post_learning_links.html", {
        "link": link, "post": post, "can_propose": can_propose, "can_consent": can_consent,
        "has_consent": has_consent,
    }, request=request)
