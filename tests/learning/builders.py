"""Builders for the learning tests: frameworks in typed sections, published for real.

``body(...)`` builds a framework body as StreamField JSON with explicit block ids, so a test can
publish a second revision that keeps, changes or drops the same items (the changelog compares
by block id). ``publish(...)`` goes through Wagtail's own revision publishing, so the
page_published receivers run as they do in the admin.
"""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from community import policies, services as community_services
from community.models import Post
from learning.models import FrameworkPage
from tests.factories import MembershipFactory


def new_id() -> str:
    return str(uuid.uuid4())


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def goal(title, description="", target_date=None, id=None) -> dict:
    return {"type": "item", "id": id or new_id(), "value": {
        "title": title, "description": description, "target_date": target_date.isoformat() if target_date else None}}


def theme(name, description="", id=None) -> dict:
    return {"type": "item", "id": id or new_id(), "value": {"name": name, "description": description}}


def prompt(question, start, end, learning_goal="", id=None) -> dict:
    return {"type": "item", "id": id or new_id(), "value": {
        "question": question, "start_date": start.isoformat(), "end_date": end.isoformat(),
        "learning_goal": learning_goal}}


def body(purpose="<p>Samen leren wat werkt.</p>", goals=(), themes=(), boundaries=None, prompts=(),
         resources=()) -> list[dict]:
    result = [{"type": "purpose", "id": "purpose", "value": purpose}]
    if goals:
        result.append({"type": "learning_goals", "id": "goals", "value": list(goals)})
    if themes:
        result.append({"type": "themes", "id": "themes", "value": list(themes)})
    if boundaries is not None:
        result.append({"type": "boundaries", "id": "boundaries", "value": {
            "in_scope": "", "out_of_scope": "", "members_decide": "", "escalation": "", **boundaries}})
    if prompts:
        result.append({"type": "prompts", "id": "prompts", "value": list(prompts)})
    if resources:
        result.append({"type": "resources", "id": "resources", "value": list(resources)})
    return result


def publish(framework, new_body, *, user=None, note=""):
    """Save and publish a new revision of the framework, as the admin's "Publish" does."""
    page = FrameworkPage.objects.get(pk=framework.pk)
    page.body = new_body
    page.change_note = note
    revision = page.save_revision(user=user, log_action=True)
    revision.publish(user=user)
    return revision


def join(user, community, *, facilitator=False):
    membership = MembershipFactory(user=user, community=community, facilitator=facilitator)
    policies.forget_memberships(user)
    return membership


def ask(author, community, title="Hoe bereiken jullie inwoners met geldzorgen?", body_text="Graag tips.", **kwargs):
    post, _created = community_services.post_create(
        author=author, community=community, kind=Post.Kind.QUESTION, title=title, body=body_text, **kwargs
    )
    return post


def share(author, community, title="Spreekuur in de supermarkt", **kwargs):
    story = {"story_status": "geslaagd", "context": "Inwoners kwamen niet naar het gemeentehuis.",
             "tried": "Een tafel bij de supermarkt.", "building_blocks": "- Vaste bemensing",
             "obstacles": "", "lessons": "Laagdrempelig werkt."}
    post, _created = community_services.post_create(
        author=author, community=community, kind=Post.Kind.STORY, title=title, story=story, **kwargs
    )
    return post
