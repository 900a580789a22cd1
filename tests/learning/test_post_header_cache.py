"""A post's learning links live in its shared header (community/fragments.py): changes in the framework show."""

from __future__ import annotations

import pytest
from django.test import Client

from learning import services
from tests.factories import FrameworkPageFactory, UserFactory
from tests.learning.builders import ask, body, days, goal, join, prompt, publish, share, theme
from tests.learning.conftest import GOAL_ID, PROMPT_ID

THEME_ID = "00000000-0000-0000-0000-00000000c001"


@pytest.fixture
def reader(community):
    return join(UserFactory(username="lezer"), community).user


def view(user, post):
    client = Client()
    client.force_login(user)
    response = client.get(post.get_url())
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('<article class="post"'):html.index("</article>")]


def framework_body(question="Welk signaal zag je het eerst?", goal_title="Vroegsignalering", theme_name="Signalen"):
    return body(goals=[goal(goal_title, id=GOAL_ID)], themes=[theme(theme_name, id=THEME_ID)],
                prompts=[prompt(question, days(-3), days(10), learning_goal=goal_title, id=PROMPT_ID)])


@pytest.fixture
def framework(community, facilitator):
    page = FrameworkPageFactory(parent=community, title="Kader")
    publish(page, framework_body(), user=facilitator)
    return page


def test_a_renamed_prompt_and_goal_show_on_a_question_that_responds_to_them(community, framework, member,
                                                                              facilitator, reader):
    post = ask(member, community, title="Wat zie je als eerste bij geldzorgen?")
    services.post_link(post=post, prompt=framework.prompts.get())
    assert "Welk signaal zag je het eerst?" in view(reader, post)

    publish(framework, framework_body(question="Welk signaal viel je als eerste op?", goal_title="Vroeg signaleren"),
            user=facilitator)

    header = view(reader, post)
    assert "Welk signaal viel je als eerste op?" in header and "Vroeg signaleren" in header


def test_a_link_made_after_a_reader_saw_the_question_shows(community, framework, member, reader):
    post = ask(member, community, title="Wat zie je als eerste bij geldzorgen?")
    assert "Leerdoel" not in view(reader, post)

    services.post_link(post=post, learning_goal=framework.goals.get())

    assert "Leerdoel" in view(reader, post)


def test_a_theme_renamed_in_the_framework_shows_on_the_question(community, framework, member, facilitator, reader):
    from community.models import Theme

    post = ask(member, community, title="Wat zie je als eerste bij geldzorgen?",
               themes=[Theme.objects.get(community=community)])
    assert "Signalen" in view(reader, post)

    publish(framework, framework_body(theme_name="Eerste signalen"), user=facilitator)  # update(): no post_save

    assert "Eerste signalen" in view(reader, post)


def test_only_the_author_of_a_story_is_offered_the_consent_link(community, member, reader):
    story = share(member, community)
    assert "Toestemming geven voor een openbaar casusverhaal" in view(member, story)

    assert "Toestemming geven" not in view(reader, story)
    assert "Toestemming geven voor een openbaar casusverhaal" in view(member, story)
