"""Reads for learning templates: a fixed number of queries whatever the amount of data.

Every post count or list goes through ``Post.objects.visible_to(user)`` (the community's one access
policy): a goal or prompt never reveals how many posts a visitor may not read.
"""

from __future__ import annotations

from django.core.validators import slug_re
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community import policies as community_policies
from community.models import Organisation, Post
from learning import policies
from learning.models import (
    CaseStoryPage,
    CaseStoryTag,
    FrameworkChanged,
    FrameworkFollow,
    LearningGoal,
    Prompt,
)

LATEST_PER_GOAL = 3
CHANGELOG_LENGTH = 20
RESPONSES_PER_PAGE = 20


# -- framework page --------------------------------------------------------------------------


def goal_stats(*, framework, user) -> dict[str, dict]:
    """Per learning goal (by block id): questions, stories, solved questions, the latest few posts.

    Two queries: one aggregate, one windowed list (the latest ``LATEST_PER_GOAL`` per goal).
    """
    visible = Post.objects.visible_to(user).filter(
        learning_link__learning_goal__framework=framework, learning_link__learning_goal__removed_at__isnull=True
    )
    rows = (
        visible.order_by()
        .values(goal=F("learning_link__learning_goal__block_id"))
        .annotate(
            questions=Count("pk", filter=Q(kind=Post.Kind.QUESTION)),
            stories=Count("pk", filter=Q(kind=Post.Kind.STORY)),
            solved=Count("pk", filter=Q(kind=Post.Kind.QUESTION, accepted_answer__isnull=False)),
        )
    )
    stats = {str(row["goal"]): {**row, "latest": []} for row in rows}
    if not stats:
        return stats
    latest = (
        visible.annotate(
            goal=F("learning_link__learning_goal__block_id"),
            rank=Window(RowNumber(), partition_by=F("learning_link__learning_goal_id"),
                        order_by=[F("created_at").desc(), F("pk").desc()]),
        )
        .filter(rank__lte=LATEST_PER_GOAL)
        .select_related("community")
        .order_by("-created_at", "-pk")
    )
    for post in latest:
        stats[str(post.goal)]["latest"].append(post)
    return stats


def prompt_response_counts(*, user, prompts) -> dict[int, int]:
    """Visible responses per prompt id, one query."""
    ids = [p.pk for p in prompts]
    if not ids:
        return {}
    rows = (
        Post.objects.visible_to(user).filter(learning_link__prompt_id__in=ids).order_by()
        .values("learning_link__prompt_id").annotate(n=Count("pk"))
    )
    return {row["learning_link__prompt_id"]: row["n"] for row in rows}


CHANGE_KIND_LABELS = {
    "purpose": _("Doel"),
    "goal": _("Leerdoel"),
    "theme": _("Thema"),
    "boundary": _("Grenzen"),
    "prompt": _("Prikkel"),
    "resource": _("Bron"),
    "text": _("Vrije tekst"),
}
CHANGE_VERB = {"added": _("toegevoegd"), "changed": _("gewijzigd"), "removed": _("verwijderd")}
FIELD_LABELS = {
    "title": _("titel"), "description": _("beschrijving"), "target_date": _("streefdatum"), "name": _("naam"),
    "question": _("vraag"), "start_date": _("startdatum"), "end_date": _("einddatum"),
    "learning_goal": _("leerdoel"), "url": _("webadres"), "document": _("document"),
    "in_scope": _("binnen de kaders"), "out_of_scope": _("buiten de kaders"),
    "members_decide": _("wat leden zelf beslissen"), "escalation": _("waar je terechtkunt"),
}


def describe_change(change: dict) -> dict:
    """A stored change as what the template shows: kind, verb, the item's name, changed fields."""
    kind = change.get("kind", "")
    label = change.get("label", "")
    if kind == "boundary":
        label = FIELD_LABELS.get(label, label)
    return {
        "kind": kind,
        "change": change.get("change", ""),
        "kind_label": CHANGE_KIND_LABELS.get(kind, kind),
        "verb": CHANGE_VERB.get(change.get("change"), ""),
        "label": label,
        "old_label": change.get("old_label") if change.get("old_label") != change.get("label") else "",
        "fields": [FIELD_LABELS.get(f, f) for f in change.get("fields", [])],
    }


def framework_changelog(*, framework, limit: int = CHANGELOG_LENGTH) -> list[FrameworkChanged]:
    """The latest "kader aangescherpt" entries, each with its described changes. One query."""
    entries = list(
        FrameworkChanged.objects.filter(framework=framework)
        .select_related("user__profile")
        .order_by("-published_at", "-pk")[:limit]
    )
    for entry in entries:
        entry.described = [describe_change(c) for c in entry.changes]
        groups = {"added": [], "changed": [], "removed": []}
        for item in entry.described:
            groups.setdefault(item["change"], []).append(item)
        entry.grouped = [(CHANGE_VERB[key], key, items) for key, items in groups.items() if items]
    return entries


def framework_page_context(*, framework, user, request=None) -> dict:
    """Everything the framework page shows besides the body itself."""
    community = framework.community()
    today = timezone.localdate()
    prompt_rows = list(
        Prompt.objects.filter(framework=framework).select_related("learning_goal")
        .order_by("-end_date", "position", "pk")
    )
    by_block = {str(p.block_id): p for p in prompt_rows}
    counts = prompt_response_counts(user=user, prompts=prompt_rows)
    for prompt in prompt_rows:
        prompt.response_count = counts.get(prompt.pk, 0)
        prompt.status = prompt.status_on(today)

    prompts = []
    section = framework.section("prompts")
    for item in getattr(section, "bound_blocks", []):
        value = item.value
        start, end = value["start_date"], value["end_date"]
        status = "upcoming" if start and start > today else "archived" if end and end < today else "active"
        row = by_block.get(str(item.id))
        prompts.append({
            "id": str(item.id), "question": value["question"], "start_date": start, "end_date": end,
            "learning_goal": value["learning_goal"], "status": status,
            "row": row if row is not None and row.removed_at is None else None,
            "response_count": counts.get(row.pk, 0) if row else 0,
        })
    stats = goal_stats(framework=framework, user=user)
    goals = []
    goal_section = framework.section("learning_goals")
    for item in getattr(goal_section, "bound_blocks", []):
        goal_stat = stats.get(str(item.id), {"questions": 0, "stories": 0, "solved": 0, "latest": []})
        goals.append({"id": str(item.id), "value": item.value, **goal_stat})
    following = bool(
        user.is_authenticated and FrameworkFollow.objects.filter(framework=framework, user=user).exists()
    )
    # Who may edit in the admin follows these two roles (learning.services: groups kept in sync).
    can_edit = bool(user.is_authenticated and (community_policies.is_facilitator(user, community)
                                               or policies.is_editor(user)))
    return {
        "can_edit": can_edit,
        "goals": goals,
        "prompts_active": [p for p in prompts if p["status"] == "active"],
        "prompts_upcoming": [p for p in prompts if p["status"] == "upcoming"],
        "prompts_archive": [p for p in prompt_rows if p.status == "archived"],
        "changelog": framework_changelog(framework=framework),
        "can_follow": policies.can_follow(user, framework),
        "is_following": following,
        "can_post": community_policies.can_post(user, community),
        "can_read_posts": community_policies.can_read_posts(user, community),
        "today": today,
    }


# -- prompts ---------------------------------------------------------------------------------


def prompt_for(*, framework, block_id) -> Prompt | None:
    return (
        Prompt.objects.filter(framework=framework, block_id=block_id)
        .select_related("learning_goal").first()
    )


def prompt_responses(*, user, prompt):
    """Responses to a prompt the user may read, newest first, with what post cards show."""
    return (
        Post.objects.visible_to(user).filter(learning_link__prompt=prompt).for_list().order_by("-created_at", "-pk")
    )


def active_prompts(*, community, day=None) -> list[Prompt]:
    """Prompts of the community's live framework running today (Europe/Amsterdam), ending soonest first."""
    day = day or timezone.localdate()
    return list(
        Prompt.objects.active_on(day).filter(community=community, framework__live=True)
        .select_related("framework").order_by("end_date", "position", "pk")
    )


def goal_choices(*, community) -> list[LearningGoal]:
    return list(
        LearningGoal.objects.current().filter(community=community, framework__live=True).order_by("position", "pk")
    )


# -- case stories ----------------------------------------------------------------------------

MAX_ID = 2**63 - 1


def _int_param(value) -> int | None:
    """A positive database id from the query string, or None (huge numbers overflow SQLite)."""
    text = str(value or "")
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def case_story_listing(*, index, theme: str = "", organisation: str = "") -> dict:
    """The index's live case stories (filtered), and the filter choices that have stories."""
    stories = (
        CaseStoryPage.objects.live().public().child_of(index).defer_streamfields()
        .prefetch_related("organisations", "tags")
        .order_by("-first_published_at", "-pk")
    )
    theme = theme if slug_re.match(theme or "") and len(theme) <= 100 else ""
    if theme:
        stories = stories.filter(tags__slug=theme)
    organisation_id = _int_param(organisation)
    if organisation_id:
        stories = stories.filter(organisations__pk=organisation_id)
    live_ids = CaseStoryPage.objects.live().public().child_of(index).values("pk")
    themes = list(
        CaseStoryTag.objects.filter(content_object__in=live_ids)
        .values("tag__slug", "tag__name").annotate(n=Count("pk")).order_by("tag__name")
    )
    organisations = list(
        Organisation.objects.filter(case_stories__in=live_ids).annotate(n=Count("pk")).order_by("name")
    )
    return {
        "stories": stories.distinct(),
        "themes": themes,
        "organisations": organisations,
        "active_theme": theme,
        "active_organisation": organisation_id,
    }


def case_story_context(*, story, user) -> dict:
    """The originating practice story, linked only for visitors who may read it."""
    source = None
    if story.source_post_id:
        source = Post.objects.visible_to(user).filter(pk=story.source_post_id).select_related("community").first()
    return {"source_post": source}
