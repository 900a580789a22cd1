"""Publishing a framework copies its goals, prompts and themes into rows keyed by block id."""

import pytest

from community.models import Theme
from learning.models import FrameworkTheme, LearningGoal, Prompt
from tests.factories import FrameworkPageFactory
from tests.learning.builders import ask, body, days, goal, prompt, publish, theme

T1, T2, T3 = ("40000000-0000-0000-0000-000000000001", "40000000-0000-0000-0000-000000000002",
              "40000000-0000-0000-0000-000000000003")


@pytest.fixture
def page(community):
    return FrameworkPageFactory(parent=community)


def theme_names(community):
    return sorted(Theme.objects.filter(community=community).values_list("name", flat=True))


def test_publishing_creates_the_communitys_themes(community, page):
    publish(page, body(themes=[theme("Vroegsignalering", id=T1), theme("Vrijwilligers", id=T2)]))

    assert theme_names(community) == ["Vrijwilligers", "Vroegsignalering"]


def test_renaming_a_theme_keeps_its_row_and_its_posts(community, page, member):
    publish(page, body(themes=[theme("Vroegsignalering", id=T1)]))
    original = Theme.objects.get(community=community)
    post = ask(member, community, themes=[original])

    publish(page, body(themes=[theme("Vroeg signaleren", id=T1)]))

    renamed = Theme.objects.get(community=community)
    assert renamed.pk == original.pk and renamed.slug == "vroeg-signaleren"
    assert list(post.themes.all()) == [renamed]


def test_removing_a_theme_deletes_it_from_the_community(community, page):
    publish(page, body(themes=[theme("Vroegsignalering", id=T1), theme("Vrijwilligers", id=T2)]))

    publish(page, body(themes=[theme("Vrijwilligers", id=T2)]))

    assert theme_names(community) == ["Vrijwilligers"]
    assert FrameworkTheme.objects.filter(framework=page).count() == 1


def test_an_existing_theme_with_the_same_name_is_adopted(community, page):
    existing = Theme.objects.create(community=community, name="Vroegsignalering")

    publish(page, body(themes=[theme("Vroegsignalering", id=T1)]))

    assert list(Theme.objects.filter(community=community)) == [existing]


def test_two_themes_can_swap_names(community, page):
    publish(page, body(themes=[theme("Alfa", id=T1), theme("Beta", id=T2)]))
    alfa = Theme.objects.get(community=community, name="Alfa")

    publish(page, body(themes=[theme("Beta", id=T1), theme("Alfa", id=T2)]))

    alfa.refresh_from_db()
    assert alfa.name == "Beta"
    assert theme_names(community) == ["Alfa", "Beta"]


def test_a_framework_without_a_themes_section_leaves_themes_alone(community, page):
    Theme.objects.create(community=community, name="Handmatig")

    publish(page, body())

    assert theme_names(community) == ["Handmatig"]


def test_themes_of_other_communities_are_untouched(community_factory, community, page):
    other = community_factory()
    Theme.objects.create(community=other, name="Vroegsignalering")

    publish(page, body(themes=[theme("Iets anders", id=T3)]))

    assert theme_names(other) == ["Vroegsignalering"]


def test_goals_and_prompts_become_rows_with_the_block_ids(page, community):
    publish(page, body(goals=[goal("Vroegsignalering", id=T1)],
                       prompts=[prompt("Wat zag je?", days(0), days(5), learning_goal="Vroegsignalering", id=T2)]))

    row = Prompt.objects.get(framework=page)
    assert str(row.block_id) == T2 and row.community == community
    assert row.learning_goal == LearningGoal.objects.get(framework=page, block_id=T1)


def test_a_prompt_removed_from_the_framework_is_kept_as_removed(page):
    publish(page, body(prompts=[prompt("Wat zag je?", days(-5), days(5), id=T2)]))

    publish(page, body())

    row = Prompt.objects.get(framework=page)
    assert row.removed_at is not None
    assert list(Prompt.objects.current()) == []


def test_a_prompt_that_returns_is_current_again(page):
    publish(page, body(prompts=[prompt("Wat zag je?", days(-5), days(5), id=T2)]))
    publish(page, body())

    publish(page, body(prompts=[prompt("Wat zag je?", days(-5), days(5), id=T2)]))

    assert Prompt.objects.get(framework=page).removed_at is None
