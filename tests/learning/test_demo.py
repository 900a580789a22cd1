"""The learning part of seed_demo: what every demo community and the site get."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from community.models import CommunityPage
from learning.models import CaseStoryPage, FrameworkChanged, FrameworkPage, PostLink, Prompt


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_every_demo_community_has_a_framework_published_at_least_twice_with_different_content(seeded):
    for community in CommunityPage.objects.all():
        framework = FrameworkPage.objects.child_of(community).get()
        changes = FrameworkChanged.objects.filter(framework=framework)
        assert changes.filter(is_first=False).exclude(changes=[]).count() >= 2, community.title
        assert framework.section("learning_goals") and framework.section("themes") and framework.section("boundaries")


def test_every_demo_community_has_active_and_expired_prompts_with_responses(seeded):
    today = timezone.localdate()
    for community in CommunityPage.objects.all():
        prompts = Prompt.objects.filter(community=community)
        active = prompts.active_on(today)
        expired = prompts.archived_on(today)
        assert active.exists() and expired.exists(), community.title
        assert PostLink.objects.filter(prompt__in=active).exists(), community.title
        assert PostLink.objects.filter(prompt__in=expired).exists(), community.title


def test_the_demo_has_at_least_three_published_case_stories(seeded):
    assert CaseStoryPage.objects.live().count() >= 3
    assert CaseStoryPage.objects.live().filter(source_post__case_story_consent__isnull=False).exists()


def test_a_second_run_adds_no_revisions_or_case_stories(seeded):
    before = (FrameworkChanged.objects.count(), CaseStoryPage.objects.count(), PostLink.objects.count())

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert (FrameworkChanged.objects.count(), CaseStoryPage.objects.count(), PostLink.objects.count()) == before
