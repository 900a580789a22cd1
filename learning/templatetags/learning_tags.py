"""Template tags through which community templates show learning's parts (community never imports learning).

- ``{% active_prompts page %}`` on the community page: the prompts running today.
- ``{% learning_post_fields %}`` in the ask/share form: prompt, learning goal, case story consent.
"""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string

from community import policies as community_policies
from learning import selectors, services
from learning.forms import PostLearningForm

register = template.Library()


@register.simple_tag(takes_context=True)
def active_prompts(context, community):
    request = context.get("request")
    prompts = selectors.active_prompts(community=community)
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
