"""State changes of the learning app. Each runs in one transaction.

- framework_published: what happens when a framework revision goes live (read model, themes,
  changelog entry), called from the page_published receiver (learning/receivers.py).
- facilitator groups and the editors' group: who may edit which pages in the Wagtail admin.
- links between posts and the framework (prompt, learning goal), from the community's
  post_created signal.
- case stories: the index, its workflow, consent and proposing a practice story as a case story.
- telling people: a framework change and a prompt that starts go to the community through
  ``community.services_notify.announce``; a consent request goes to the story's author through
  ``notify_person``. Both run after commit, in the background.
"""

from __future__ import annotations

import datetime
import logging
import uuid

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from wagtail.actions.unpublish_page import UnpublishPageAction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from community import selectors as community_selectors
from community.models import CommunityPage, Membership, NotificationKind, Post, Theme
from community.services_notify import announce, notify_person
from learning import policies
from learning.models import (
    CaseStoryConsent,
    CaseStoryConsentRequest,
    CaseStoryIndexPage,
    CaseStoryPage,
    FacilitatorGroup,
    FrameworkChanged,
    FrameworkFollow,
    FrameworkPage,
    FrameworkTheme,
    LearningGoal,
    PostLink,
    Prompt,
    SecondEditorApprovalTask,
)

logger = logging.getLogger(__name__)

EDITORS_GROUP = "Redacteuren"
CASE_STORY_WORKFLOW = "Casusverhalen: een tweede redacteur keurt goed"
CASE_STORY_TASK = "Goedkeuring door een tweede redacteur"


# -- the framework as plain data (for the diff and the read model) ----------------------------

BOUNDARY_FIELDS = ("in_scope", "out_of_scope", "members_decide", "escalation")
# section in the snapshot → (kind in the changelog, the item field that names it, compared fields)
LIST_SECTIONS = {
    "goals": ("goal", "title", ("title", "description", "target_date")),
    "themes": ("theme", "name", ("name", "description")),
    "prompts": ("prompt", "question", ("question", "start_date", "end_date", "learning_goal")),
    "resources": ("resource", "title", ("title", "url", "document", "description")),
}


def _text(value) -> str:
    return " ".join(str(value or "").split())


def _date(value) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else ""


def framework_snapshot(body) -> dict:
    """The framework body as plain, comparable data; list items keyed by their stable block ids."""
    snap = {"purpose": "", "text": "", "boundaries": {f: "" for f in BOUNDARY_FIELDS},
            "goals": {}, "themes": {}, "prompts": {}, "resources": {}}
    for child in body:
        kind, value = child.block_type, child.value
        if kind == "purpose":
            snap["purpose"] = value.source
        elif kind == "text":
            snap["text"] += value.source
        elif kind == "boundaries":
            snap["boundaries"] = {f: _text(value.get(f)) for f in BOUNDARY_FIELDS}
        elif kind == "learning_goals":
            for item in value.bound_blocks:
                snap["goals"][str(item.id)] = {
                    "title": _text(item.value["title"]), "description": _text(item.value["description"]),
                    "target_date": _date(item.value["target_date"]),
                }
        elif kind == "themes":
            for item in value.bound_blocks:
                snap["themes"][str(item.id)] = {
                    "name": _text(item.value["name"]), "description": _text(item.value["description"]),
                }
        elif kind == "prompts":
            for item in value.bound_blocks:
                snap["prompts"][str(item.id)] = {
                    "question": _text(item.value["question"]), "start_date": _date(item.value["start_date"]),
                    "end_date": _date(item.value["end_date"]), "learning_goal": _text(item.value["learning_goal"]),
                }
        elif kind == "resources":
            for item in value:
                document = item.value.get("document")
                snap["resources"][str(item.id)] = {
                    "title": _text(item.value.get("title") or getattr(document, "title", "")),
                    "url": item.value.get("url") or "",
                    "document": document.pk if document else "",
                    "description": _text(item.value.get("description")),
                }
    return snap


def framework_diff(old: dict | None, new: dict) -> list[dict]:
    """What changed between two snapshots, item by item (compared by block id), in reading order.

    Each change: ``{"kind", "change": added|changed|removed, "label", "fields": [changed field names]}``.
    """
    old = old or framework_snapshot([])
    changes = []

    def single(kind, before, after):
        if before == after:
            return
        change = "added" if not before else "removed" if not after else "changed"
        changes.append({"kind": kind, "change": change, "label": "", "fields": []})

    single("purpose", old["purpose"], new["purpose"])
    for section in ("goals", "themes"):
        changes.extend(_list_diff(section, old[section], new[section]))
    for field in BOUNDARY_FIELDS:
        before, after = old["boundaries"].get(field, ""), new["boundaries"].get(field, "")
        if before != after:
            change = "added" if not before else "removed" if not after else "changed"
            changes.append({"kind": "boundary", "change": change, "label": field, "fields": []})
    for section in ("prompts", "resources"):
        changes.extend(_list_diff(section, old[section], new[section]))
    single("text", old["text"], new["text"])
    return changes


def _list_diff(section, before: dict, after: dict) -> list[dict]:
    kind, name_field, fields = LIST_SECTIONS[section]
    result = []
    for block_id, item in after.items():
        if block_id not in before:
            result.append({"kind": kind, "change": "added", "label": item[name_field], "fields": []})
        elif before[block_id] != item:
            changed = [f for f in fields if before[block_id].get(f) != item.get(f)]
            result.append({"kind": kind, "change": "changed", "label": item[name_field], "fields": changed,
                           "old_label": before[block_id][name_field]})
    for block_id, item in before.items():
        if block_id not in after:
            result.append({"kind": kind, "change": "removed", "label": item[name_field], "fields": []})
    return result


# -- publishing a framework ------------------------------------------------------------------


@transaction.atomic
def framework_published(*, framework: FrameworkPage, revision=None) -> FrameworkChanged:
    """A framework revision went live: refresh the read model and themes, log the change.

    ``framework`` is the published content (Wagtail passes the revision's object).
    """
    community = framework.community()
    now = timezone.now()
    goals = _sync_goals(framework, community, now)
    _sync_prompts(framework, community, goals, now)
    if framework.section("themes") is not None:
        _sync_themes(framework, community)
    # The community page's shared learning fragment shows the synced prompts (removed ones by
    # update(), no signal): renewed here, after the sync, now and after the commit.
    community_selectors.forget_pages()

    previous = (
        FrameworkChanged.objects.filter(framework=framework).exclude(revision=revision)
        .select_related("revision").order_by("-published_at", "-pk").first()
    )
    old_snapshot = None
    if previous is not None and previous.revision is not None:
        old_snapshot = framework_snapshot(previous.revision.as_object().body)
    note = (framework.change_note or "").strip()
    if previous is not None and note == previous.change_note:
        note = ""  # a note left over from the previous round of edits, not a new one
    change = FrameworkChanged.objects.create(
        framework=framework,
        revision=revision,
        previous_revision=previous.revision if previous else None,
        user=getattr(revision, "user", None),
        published_at=now,
        change_note=note,
        changes=framework_diff(old_snapshot, framework_snapshot(framework.body)),
        is_first=previous is None,
    )
    _announce_change(change, framework=framework, community=community)
    prompts_announce_due(framework=framework, day=timezone.localdate(now))
    return change


def _announce_change(change: FrameworkChanged, *, framework: FrameworkPage, community) -> None:
    """Members and followers hear that the framework was sharpened: not of its first publication
    (the community is new; its prompts are announced on their own) nor of a publish that changed
    nothing and says nothing."""
    if change.is_first or not (change.changes or change.change_note) or not framework.live:
        return
    if framework.get_view_restrictions().exists():
        return  # the admin's "Privacy" guards the page: its change note is not broadcast either
    announce(community=community, kind=NotificationKind.FRAMEWORK_CHANGED,
             title=change.change_note or framework.title, url=framework.url, actor=change.user,
             followers=FrameworkFollow.objects.filter(framework=framework).values_list("user_id", flat=True))
    FrameworkChanged.objects.filter(pk=change.pk).update(notified_at=timezone.now())


@transaction.atomic
def prompts_announce_due(*, framework: FrameworkPage | None = None, day: datetime.date | None = None) -> int:
    """Announce each prompt once, on the day it starts (or when it is published already running).

    Called when a framework is published and daily by ``announce_prompts`` (cron), for prompts
    published ahead of their start date. Rows are locked so two runs announce a prompt once.
    """
    day = day or timezone.localdate()
    due = Prompt.objects.active_on(day).filter(announced_at__isnull=True, framework__live=True)
    if framework is not None:
        due = due.filter(framework=framework)
    prompts = list(due.select_for_update(of=("self",)).select_related("framework", "community").order_by("pk"))
    # A framework behind a Wagtail view restriction keeps its prompts to itself (announced once it is lifted).
    frameworks = {p.framework_id: p.framework for p in prompts}
    restricted = {pk for pk, page in frameworks.items() if page.get_view_restrictions().exists()}
    prompts = [p for p in prompts if p.framework_id not in restricted]
    for prompt in prompts:
        announce(community=prompt.community, kind=NotificationKind.NEW_PROMPT, title=prompt.question[:300],
                 url=prompt.get_url(),
                 followers=FrameworkFollow.objects.filter(framework=prompt.framework).values_list("user_id", flat=True))
    Prompt.objects.filter(pk__in=[p.pk for p in prompts]).update(announced_at=timezone.now())
    return len(prompts)


def _sync_rows(model, framework, community, items: list[tuple[str, dict]], now) -> dict[str, object]:
    """Upsert rows by block id; rows whose block left the framework are marked removed, not deleted."""
    existing = {str(row.block_id): row for row in model.objects.filter(framework=framework)}
    result = {}
    for position, (block_id, fields) in enumerate(items):
        row = existing.pop(block_id, None)
        values = {**fields, "position": position, "removed_at": None, "community": community}
        if row is None:
            row = model.objects.create(framework=framework, block_id=uuid.UUID(block_id), **values)
        elif any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.save()
        result[block_id] = row
    stale = [row.pk for row in existing.values() if row.removed_at is None]
    if stale:
        model.objects.filter(pk__in=stale).update(removed_at=now)
    return result


def _sync_goals(framework, community, now) -> dict[str, LearningGoal]:
    goals = framework.section("learning_goals") or []
    items = [
        (str(item.id), {"title": item.value["title"], "description": item.value["description"] or "",
                        "target_date": item.value["target_date"]})
        for item in getattr(goals, "bound_blocks", [])
    ]
    return _sync_rows(LearningGoal, framework, community, items, now)


def _sync_prompts(framework, community, goals: dict[str, LearningGoal], now) -> None:
    prompts = framework.section("prompts") or []
    by_title = {slugify(goal.title): goal for goal in goals.values()}
    items = []
    for item in getattr(prompts, "bound_blocks", []):
        value = item.value
        goal = by_title.get(slugify(value["learning_goal"] or "")) if value["learning_goal"] else None
        items.append((str(item.id), {"question": value["question"], "start_date": value["start_date"],
                                     "end_date": value["end_date"], "learning_goal": goal}))
    _sync_rows(Prompt, framework, community, items, now)


def _sync_themes(framework, community) -> None:
    """Make the community's themes exactly the framework's themes (the framework is the source).

    A theme keeps its row (and the posts that carry it) when it is renamed, because the row is
    found through the block id; a theme that was already there with the same name is adopted.
    """
    section = framework.section("themes")
    items = [(str(i.id), i.value["name"].strip(), i.value["description"] or "") for i in section.bound_blocks]
    links = list(FrameworkTheme.objects.filter(framework=framework).select_related("theme"))
    link_by_block = {str(link.block_id): link for link in links}
    themes = {theme.pk: theme for theme in Theme.objects.filter(community=community)}
    by_slug = {theme.slug: theme for theme in themes.values()}
    linked_theme_ids = {str(link.block_id): link.theme_id for link in links}

    targets = []  # (block_id, theme or None, name, slug, description)
    claimed = set()
    new_block_ids = {block_id for block_id, _name, _d in items}
    for block_id, name, description in items:
        slug = slugify(name)[:80] or "thema"
        theme = themes.get(linked_theme_ids.get(block_id))
        if theme is None:
            candidate = by_slug.get(slug)
            # Adopt a theme with this name unless another current block still owns it.
            owner = next((b for b, t in linked_theme_ids.items() if candidate and t == candidate.pk), None)
            if candidate is not None and candidate.pk not in claimed and (owner is None or owner not in new_block_ids):
                theme = candidate
        if theme is not None:
            claimed.add(theme.pk)
        targets.append((block_id, theme, name, slug, description))

    Theme.objects.filter(community=community).exclude(pk__in=claimed).delete()
    renamed = [(t, name, slug) for _b, t, name, slug, _d in targets if t is not None and (t.name, t.slug) != (name, slug)]
    for theme, _name, _slug in renamed:  # two themes may swap names: free the slugs first
        Theme.objects.filter(pk=theme.pk).update(slug=f"tijdelijk-{theme.pk}")
    for theme, name, slug in renamed:
        theme.name, theme.slug = name, slug
        Theme.objects.filter(pk=theme.pk).update(name=name, slug=slug)
    if renamed:  # update() sends no post_save: the cached post lists show theme names (receivers_lists)
        community_selectors.forget_posts(community.pk)

    FrameworkTheme.objects.filter(framework=framework).exclude(theme_id__in=claimed).delete()
    for block_id, theme, name, slug, description in targets:
        if theme is None:
            theme = Theme.objects.create(community=community, name=name, slug=slug)
        link = link_by_block.get(block_id)
        if link is not None and link.theme_id == theme.pk:
            if link.description != description:
                FrameworkTheme.objects.filter(pk=link.pk).update(description=description)
            continue
        FrameworkTheme.objects.filter(framework=framework, theme=theme).delete()
        FrameworkTheme.objects.filter(framework=framework, block_id=block_id).delete()
        FrameworkTheme.objects.create(framework=framework, block_id=uuid.UUID(block_id), theme=theme,
                                      description=description)


# -- following a framework -------------------------------------------------------------------


@transaction.atomic
def framework_follow(*, user, framework: FrameworkPage, follow: bool = True) -> bool:
    """Follow (or stop following) a framework. Returns whether the user follows it now."""
    if not policies.can_follow(user, framework):
        raise PermissionDenied(_("Log in en word lid om dit kader te volgen."))
    if follow:
        FrameworkFollow.objects.get_or_create(framework=framework, user=user)
        return True
    FrameworkFollow.objects.filter(framework=framework, user=user).delete()
    return False


# -- who edits in the admin ------------------------------------------------------------------

PAGE_EDIT_PERMISSIONS = ("change_page", "publish_page")
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")


def _page_permissions(codenames) -> list[Permission]:
    from wagtail.models import Page

    content_type = ContentType.objects.get_for_model(Page)
    return list(Permission.objects.filter(content_type=content_type, codename__in=codenames))


def _access_admin() -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


def facilitator_group_name(community) -> str:
    return f"Facilitatoren: {community.title}"[:150]


@transaction.atomic
def ensure_facilitator_group(community: CommunityPage) -> Group:
    """The community's facilitator group, with edit and publish rights on its subtree only.

    Called whenever a community is published (so also when it is renamed); idempotent.
    """
    from wagtail.models import GroupPagePermission

    link = FacilitatorGroup.objects.select_related("group").filter(community=community).first()
    name = facilitator_group_name(community)
    if Group.objects.filter(name=name).exclude(facilitated_community__community=community).exists():
        name = f"{name[:140]} ({community.pk})"
    if link is None:
        group, _created = Group.objects.get_or_create(name=name)
        link = FacilitatorGroup.objects.create(community=community, group=group)
        created = True
    else:
        group = link.group
        created = False
        if group.name != name:
            group.name = name
            group.save(update_fields=["name"])
    if created:
        group.permissions.add(_access_admin())
        for permission in _page_permissions(PAGE_EDIT_PERMISSIONS):
            GroupPagePermission.objects.get_or_create(group=group, page=community, permission=permission)
        facilitators = Membership.objects.filter(
            community=community, role=Membership.Role.FACILITATOR, status=Membership.Status.ACTIVE
        ).values_list("user_id", flat=True)
        group.user_set.add(*facilitators)
    return group


@transaction.atomic
def facilitator_membership_changed(*, membership: Membership, deleted: bool = False) -> None:
    """Keep the facilitator group equal to the active facilitator memberships of the community."""
    is_facilitator = (not deleted and membership.role == Membership.Role.FACILITATOR
                      and membership.status == Membership.Status.ACTIVE)
    link = FacilitatorGroup.objects.filter(community_id=membership.community_id).select_related("group").first()
    if link is None:
        if not is_facilitator:
            return
        community = CommunityPage.objects.filter(pk=membership.community_id).first()
        if community is None:
            return
        group = ensure_facilitator_group(community)
    else:
        group = link.group
    if is_facilitator:
        group.user_set.add(membership.user_id)
    else:
        group.user_set.remove(membership.user_id)


@transaction.atomic
def ensure_editor_group() -> Group:
    """The site-wide editors (Redacteuren): edit everything, publish through workflows where set."""
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    group, _created = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.add(_access_admin())
    snippet_perms = Permission.objects.filter(
        content_type__app_label="community", codename__in=["add_organisation", "change_organisation"]
    )
    group.permissions.add(*snippet_perms)
    root = Page.get_first_root_node()
    for permission in _page_permissions(EDITOR_PAGE_PERMISSIONS):
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
    collection = Collection.get_first_root_node()
    if collection is not None:
        for codename, app in (("add_document", "wagtaildocs"), ("change_document", "wagtaildocs"),
                              ("choose_document", "wagtaildocs"), ("add_image", "wagtailimages"),
                              ("change_image", "wagtailimages"), ("choose_image", "wagtailimages")):
            permission = Permission.objects.filter(content_type__app_label=app, codename=codename).first()
            if permission is not None:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=collection, permission=permission
                )
    return group


# -- links between posts and the framework ---------------------------------------------------


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def respondable_prompt(*, community, prompt_id, day=None) -> Prompt | None:
    """The prompt of this community's live framework that is open for responses today, or None."""
    block_id = _uuid(prompt_id)
    if block_id is None:
        return None
    day = day or timezone.localdate()
    return (
        Prompt.objects.active_on(day).filter(community=community, block_id=block_id, framework__live=True)
        .select_related("learning_goal").first()
    )


def linkable_goal(*, community, goal_id) -> LearningGoal | None:
    block_id = _uuid(goal_id)
    if block_id is None:
        return None
    return LearningGoal.objects.current().filter(community=community, block_id=block_id, framework__live=True).first()


@transaction.atomic
def post_link(*, post: Post, prompt: Prompt | None = None, learning_goal: LearningGoal | None = None) -> PostLink | None:
    """Link a post to a prompt and/or a learning goal of its own community's framework."""
    if prompt is not None and prompt.community_id != post.community_id:
        raise ValidationError(_("Deze prikkel hoort bij een andere gemeenschap."))
    if learning_goal is not None and learning_goal.community_id != post.community_id:
        raise ValidationError(_("Dit leerdoel hoort bij een andere gemeenschap."))
    if learning_goal is None and prompt is not None:
        learning_goal = prompt.learning_goal
    if prompt is None and learning_goal is None:
        return None
    link, _created = PostLink.objects.update_or_create(
        post=post, defaults={"prompt": prompt, "learning_goal": learning_goal}
    )
    return link


FORM_PREFIX = "leren"


def post_created_from_request(*, post: Post, request) -> None:
    """React to community.signals.post_created: read the learning fields the post form carried.

    The fields come from the ``learning_post_fields`` template tag (prefix ``leren-``); the ask and
    share URLs also accept ``?prikkel=<prompt id>``. Anything that does not belong to the post's
    community is ignored.
    """
    if request is None:
        return
    data = request.POST
    prompt_id = data.get(f"{FORM_PREFIX}-prikkel") or request.GET.get("prikkel")
    prompt = respondable_prompt(community=post.community, prompt_id=prompt_id) if prompt_id else None
    goal_id = data.get(f"{FORM_PREFIX}-leerdoel")
    goal = linkable_goal(community=post.community, goal_id=goal_id) if goal_id else None
    post_link(post=post, prompt=prompt, learning_goal=goal)
    if post.kind == Post.Kind.STORY and data.get(f"{FORM_PREFIX}-casusverhaal") in ("on", "1", "true"):
        case_story_consent_give(user=post.author, post=post)


# -- case stories ----------------------------------------------------------------------------


@transaction.atomic
def ensure_case_story_index(home) -> CaseStoryIndexPage:
    """The case story index under the home page, the editors' group and the approval workflow."""
    index = CaseStoryIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(instance=CaseStoryIndexPage(
            title=_("Casusverhalen"), slug="casusverhalen",
            intro="<p>" + _("Verhalen uit de praktijk van overheden en partners: wat werkte, wat niet, "
                            "en wat we ervan leerden.") + "</p>",
        ))
        index.save_revision().publish()
    ensure_case_story_workflow(index)
    return index


@transaction.atomic
def ensure_case_story_workflow(index: CaseStoryIndexPage):
    """Case stories under the index are published only when a second editor approves."""
    from wagtail.models import Workflow, WorkflowPage, WorkflowTask

    editors = ensure_editor_group()
    task = SecondEditorApprovalTask.objects.filter(name=CASE_STORY_TASK).first()
    if task is None:
        task = SecondEditorApprovalTask.objects.create(name=CASE_STORY_TASK)
        task.groups.set([editors])
    workflow, _created = Workflow.objects.get_or_create(name=CASE_STORY_WORKFLOW)
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    return workflow


@transaction.atomic
def case_story_consent_give(*, user, post: Post) -> CaseStoryConsent:
    if post.author_id != user.pk or post.kind != Post.Kind.STORY:
        raise PermissionDenied(_("Alleen de auteur van een praktijkverhaal kan hiervoor toestemming geven."))
    consent, _created = CaseStoryConsent.objects.get_or_create(post=post, defaults={"given_by": user})
    CaseStoryConsentRequest.objects.filter(post=post, answered_at__isnull=True).update(answered_at=timezone.now())
    return consent


@transaction.atomic
def case_story_consent_withdraw(*, user, post: Post) -> int:
    """Withdraw consent: a case story made from the story goes offline, its approval is cancelled,
    and its drafts can no longer be saved or published. Returns how many case stories went offline."""
    if post.author_id != user.pk:
        raise PermissionDenied(_("Alleen de auteur kan de toestemming intrekken."))
    CaseStoryConsent.objects.filter(post=post).delete()
    CaseStoryConsentRequest.objects.filter(post=post, answered_at__isnull=True).update(answered_at=timezone.now())
    unpublished = 0
    for page in CaseStoryPage.objects.filter(source_post=post):
        state = page.current_workflow_state
        if state is not None:
            state.cancel(user=user)
        if page.live:
            # The author is no editor: withdrawing consent is their right, not a page permission.
            UnpublishPageAction(page, user=user, log_action=True).execute(skip_permission_checks=True)
            unpublished += 1
    return unpublished


@transaction.atomic
def case_story_consent_request(*, editor, post: Post) -> CaseStoryConsentRequest:
    """An editor asks the author for consent; the notifications work sends it (``notified_at``)."""
    if not policies.can_propose_case_story(editor, post):
        raise PermissionDenied(_("Dit verhaal kun je niet voorstellen als casusverhaal."))
    if CaseStoryConsent.objects.filter(post=post).exists():
        raise ValidationError(_("De auteur heeft al toestemming gegeven."))
    request, created = CaseStoryConsentRequest.objects.get_or_create(
        post=post, answered_at=None, defaults={"requested_by": editor}
    )
    if created:
        # The author hears of it (in the app, and by e-mail as their settings say) while they may
        # still see the story's community; the editor's name is the only thing the editor adds.
        notify_person(recipient=post.author, kind=NotificationKind.CASE_STORY_CONSENT, title=post.title,
                      url=reverse("case_story_consent", args=[post.pk]), community=post.community, actor=editor)
        CaseStoryConsentRequest.objects.filter(pk=request.pk).update(notified_at=timezone.now())
    return request


def _story_body(post: Post) -> list[tuple]:
    parts = [("context", post.context_html), ("approach", post.tried_html),
             ("building_blocks", post.building_blocks_html), ("obstacles", post.obstacles_html),
             ("lessons", post.lessons_html)]
    from wagtail.rich_text import RichText

    return [(name, RichText(html)) for name, html in parts if html and html.strip()]


@transaction.atomic
def case_story_propose(*, editor, post: Post, index: CaseStoryIndexPage | None = None) -> CaseStoryPage:
    """Create a draft case story from a practice story, crediting its author.

    Only an editor who may see the story, and only when the author consented: content of a
    closed or private community never becomes public any other way. The draft is not live; it
    is published through the case story workflow (a second editor approves).
    """
    if not policies.can_propose_case_story(editor, post):
        raise PermissionDenied(_("Dit verhaal kun je niet voorstellen als casusverhaal."))
    if not CaseStoryConsent.objects.filter(post=post).exists():
        raise ValidationError(_("De auteur heeft geen toestemming gegeven om dit verhaal als casusverhaal te "
                                "publiceren. Vraag eerst om toestemming."))
    existing = CaseStoryPage.objects.filter(source_post=post).first()
    if existing is not None:
        return existing
    if index is None:
        index = CaseStoryIndexPage.objects.first()
        if index is None:
            raise ValidationError(_("Er is nog geen overzichtspagina voor casusverhalen."))
    author = post.author
    profile = getattr(author, "profile", None)
    credit = profile.name if profile else author.get_username()
    organisation = getattr(profile, "organisation", None)
    summary = " ".join((post.context or post.lessons or post.title).split())[:600]
    page = CaseStoryPage(
        title=post.title, slug=_unique_slug(index, post.slug), summary=summary,
        body=_story_body(post), source_post=post, author_credit=credit, live=False,
        owner=editor,
    )
    organisations = list(post.organisations.all())
    if organisation is not None and organisation not in organisations:
        organisations.append(organisation)
    # Parental relations can be set before the first save; add_child() stores them with the page.
    page.organisations.set(organisations)
    page.tags.set([theme.name for theme in post.themes.all()])
    index.add_child(instance=page)
    page.save_revision(user=editor, log_action=True)
    return page


def _unique_slug(parent, base: str) -> str:
    base = (base or "casusverhaal")[:70]
    slug, n = base, 2
    while parent.get_children().filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug
