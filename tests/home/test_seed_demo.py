"""seed_demo: the documented demo content and its safety catch (see ARCHITECTURE "Stable names")."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.models import Page

from community import policies
from community.models import CommunityPage, Membership, Organisation, Post, Visibility

DEMO_LOGINS = ["admin", "facilitator", "member", "outsider"]


def row_counts() -> dict[str, int]:
    return {
        "users": get_user_model().objects.count(),
        "pages": Page.objects.count(),
        "memberships": Membership.objects.count(),
        "organisations": Organisation.objects.count(),
        "posts": Post.objects.count(),
    }


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


@pytest.fixture
def debug_off(settings):
    settings.DEBUG = False


@pytest.mark.django_db
def test_second_run_adds_no_users_pages_memberships_organisations_or_posts(debug_on):
    call_command("seed_demo")
    after_first = row_counts()

    call_command("seed_demo")

    assert row_counts() == after_first
    assert all(after_first.values()), after_first


@pytest.mark.django_db
def test_refuses_with_debug_off_without_force(debug_off):
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")

    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_force_runs_with_debug_off(debug_off):
    call_command("seed_demo", "--force")

    assert CommunityPage.objects.live().exists()


@pytest.mark.django_db
def test_demo_users_log_in_with_password_demo(debug_on, client):
    call_command("seed_demo")

    for username in DEMO_LOGINS:
        assert client.login(username=username, password="demo"), username
        client.logout()


@pytest.mark.django_db
def test_member_belongs_to_the_private_community_and_outsider_does_not(debug_on):
    call_command("seed_demo")
    private = CommunityPage.objects.get(visibility=Visibility.PRIVATE)
    users = get_user_model().objects.in_bulk(["member", "outsider"], field_name="username")

    assert policies.is_member(users["member"], private)
    assert not policies.can_view_community(users["outsider"], private)


@pytest.mark.django_db
def test_every_demo_community_has_a_published_framework(debug_on):
    call_command("seed_demo")

    for community in CommunityPage.objects.all():
        framework = community.get_children().live().first()
        assert framework is not None, community
        assert framework.specific_class.__name__ == "FrameworkPage"
