"""Page type rules: where each page may live in the tree.

Wagtail enforces these in the admin (the "add child page" choices and the move view); the tests
ask the same class methods the admin asks.
"""

from community.models import CommunityIndexPage, CommunityPage
from home.models import HomePage
from learning.models import FrameworkPage
from tests.factories import FrameworkPageFactory


def test_community_can_be_created_under_the_community_index(community_index):
    assert CommunityPage.can_create_at(community_index)


def test_community_cannot_be_created_under_the_home_page(home_page):
    assert not CommunityPage.can_create_at(home_page)


def test_community_cannot_exist_under_another_community(community):
    assert not CommunityPage.can_exist_under(community)


def test_community_index_allows_only_communities_as_children():
    assert CommunityIndexPage.allowed_subpage_models() == [CommunityPage]


def test_framework_can_be_created_under_a_community(community):
    assert FrameworkPage.can_create_at(community)


def test_framework_cannot_exist_under_the_community_index_or_home(home_page, community_index):
    assert not FrameworkPage.can_exist_under(community_index)
    assert not FrameworkPage.can_exist_under(home_page)


def test_community_allows_only_a_framework_as_child():
    assert CommunityPage.allowed_subpage_models() == [FrameworkPage]


def test_framework_has_no_child_pages():
    assert FrameworkPage.allowed_subpage_models() == []


def test_second_framework_cannot_be_created_in_the_same_community(community):
    FrameworkPageFactory(parent=community)

    assert not FrameworkPage.can_create_at(community)


def test_other_community_can_still_get_its_framework_when_one_exists(community, community_factory):
    FrameworkPageFactory(parent=community)

    assert FrameworkPage.can_create_at(community_factory())


def test_home_page_exists_once_at_the_top_of_the_tree(home_page):
    assert not HomePage.can_create_at(home_page.get_parent())
