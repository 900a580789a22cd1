"""Fixtures for the learning tests (builders live in tests/learning/builders.py)."""

from __future__ import annotations

import pytest

from learning import services
from learning.models import FrameworkPage, LearningGoal, Prompt
from tests.factories import FrameworkPageFactory, UserFactory
from tests.learning.builders import body, days, goal, prompt, publish, theme

GOAL_ID = "00000000-0000-0000-0000-00000000a001"
PROMPT_ID = "00000000-0000-0000-0000-00000000b001"


@pytest.fixture
def framework(community, facilitator):
    """The community's framework, published in typed sections by its facilitator."""
    page = FrameworkPageFactory(parent=community, title=f"Kader: {community.title}")
    publish(page, body(goals=[goal("Vroegsignalering", id=GOAL_ID)],
                       themes=[theme("Vroegsignalering")],
                       prompts=[prompt("Welk signaal zag je het eerst?", days(-3), days(10),
                                       learning_goal="Vroegsignalering",
                                       id=PROMPT_ID)]),
            user=facilitator, note="Eerste prikkel")
    return FrameworkPage.objects.get(pk=page.pk)


@pytest.fixture
def active_prompt(framework):
    return Prompt.objects.get(framework=framework, block_id=PROMPT_ID)


@pytest.fixture
def learning_goal(framework):
    return LearningGoal.objects.get(framework=framework, block_id=GOAL_ID)


@pytest.fixture
def index(home_page):
    """The case story index under the home page, with its second-editor workflow."""
    return services.ensure_case_story_index(home_page)


@pytest.fixture
def editors(db):
    """Two members of the editors' group: one writes, the other approves."""
    group = services.ensure_editor_group()
    writer, approver = UserFactory(username="schrijver"), UserFactory(username="goedkeurder")
    group.user_set.add(writer, approver)
    return writer, approver
