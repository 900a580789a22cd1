"""Who edits what in the Wagtail admin, tried through the admin's own URLs.

Facilitators of community A edit and publish A's framework and nothing of B; editors edit all;
members never reach the admin. Group membership follows the facilitator memberships.
"""

import pytest
from django.contrib.auth.models import Group

from learning import services
from learning.models import FacilitatorGroup, FrameworkPage
from tests.factories import FrameworkPageFactory, UserFactory
from tests.learning.builders import body, join, prompt, days, publish
from tests.learning.test_blocks import admin_form_data


@pytest.fixture
def two(community_factory):
    """Two communities with a framework and a facilitator each; B is private."""
    result = {}
    for key, private in (("a", False), ("b", True)):
        community = community_factory(title=f"Gemeenschap {key.upper()}", private=private)
        framework = FrameworkPageFactory(parent=community, title=f"Kader {key.upper()}-XYZ")
        publish(framework, body(purpose=f"<p>Doel {key}</p>"))
        user = UserFactory(username=f"fac_{key}")
        join(user, community, facilitator=True)
        result[key] = (community, FrameworkPage.objects.get(pk=framework.pk), user)
    return result


def edit_url(page):
    return f"/beheer/pages/{page.pk}/edit/"


def test_creating_a_community_gives_it_a_facilitator_group(community):
    link = FacilitatorGroup.objects.get(community=community)

    assert link.group.name == f"Facilitatoren: {community.title}"
    assert link.group.permissions.filter(codename="access_admin").exists()
    assert set(link.group.page_permissions.values_list("page_id", "permission__codename")) == {
        (community.pk, "change_page"), (community.pk, "publish_page")}


def test_facilitator_membership_puts_the_user_in_the_group(community, facilitator):
    assert facilitator.groups.filter(facilitated_community__community=community).exists()


def test_ending_the_facilitator_role_takes_the_user_out_of_the_group(community, facilitator):
    membership = facilitator.memberships.get(community=community)
    membership.role = "member"
    membership.save()

    assert not facilitator.groups.filter(facilitated_community__community=community).exists()


def test_deleting_the_membership_takes_the_user_out_of_the_group(community, facilitator):
    facilitator.memberships.get(community=community).delete()

    assert not facilitator.groups.exists()


def test_renaming_the_community_renames_its_group(community):
    community.title = "Schuldhulp in stad en dorp"
    community.save_revision().publish()

    assert FacilitatorGroup.objects.get(community=community).group.name == "Facilitatoren: Schuldhulp in stad en dorp"


def test_facilitator_opens_the_edit_view_of_their_own_framework(client, two):
    community, framework, user = two["a"]
    client.force_login(user)

    response = client.get(edit_url(framework))

    assert response.status_code == 200


def test_facilitator_publishes_their_own_framework_through_the_admin(client, two):
    community, framework, user = two["a"]
    client.force_login(user)
    new = body(purpose="<p>Scherper doel</p>", prompts=[prompt("Een nieuwe prikkel", days(0), days(7))])

    response = client.post(edit_url(framework), admin_form_data(framework, new))

    assert response.status_code == 302
    framework.refresh_from_db()
    assert framework.live and framework.section("prompts")[0]["question"] == "Een nieuwe prikkel"


def test_facilitator_of_a_cannot_open_the_edit_view_of_b(client, two):
    _community, _framework, user = two["a"]
    _b_community, b_framework, _b_user = two["b"]
    client.force_login(user)

    response = client.get(edit_url(b_framework))

    assert response.status_code in (302, 403)
    assert b"Kader B-XYZ" not in response.content


def test_facilitator_of_a_cannot_publish_b_through_the_admin(client, two):
    _community, _framework, user = two["a"]
    _b_community, b_framework, _b_user = two["b"]
    client.force_login(user)
    revisions_before = b_framework.revisions.count()

    client.post(edit_url(b_framework), admin_form_data(b_framework, body(purpose="<p>Gekaapt</p>")))

    b_framework.refresh_from_db()
    assert "Gekaapt" not in b_framework.section("purpose").source
    assert b_framework.revisions.count() == revisions_before


def test_facilitator_of_a_does_not_see_b_in_the_page_explorer(client, two):
    community, _framework, user = two["a"]
    b_community, b_framework, _b_user = two["b"]
    client.force_login(user)

    own = client.get(f"/beheer/pages/{community.pk}/", follow=True)
    other = client.get(f"/beheer/pages/{b_community.pk}/", follow=True)

    assert b"Kader A-XYZ" in own.content
    assert b"Kader B-XYZ" not in other.content
    assert b"Gemeenschap B" not in other.content


def test_facilitator_of_a_does_not_find_b_in_the_admin_search(client, two):
    _community, _framework, user = two["a"]
    client.force_login(user)

    response = client.get("/beheer/pages/search/", {"q": "Kader"})

    assert b"Kader A-XYZ" in response.content
    assert b"Kader B-XYZ" not in response.content


def test_facilitator_of_a_does_not_see_private_b_in_the_page_chooser(client, two):
    _community, _framework, user = two["a"]
    b_community, _b_framework, _b_user = two["b"]
    client.force_login(user)

    response = client.get(f"/beheer/choose-page/{b_community.get_parent().pk}/")

    assert b"Gemeenschap B" not in response.content
    assert b"Gemeenschap A" in response.content


def test_facilitator_cannot_switch_the_visibility_of_their_community(client, two):
    community, _framework, user = two["a"]
    client.force_login(user)
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    data = nested_form_data({"title": community.title, "slug": community.slug, "summary": community.summary,
                             "description": rich_text(""), "visibility": "private",
                             "comments": inline_formset([])})
    data["action-publish"] = "1"

    client.post(edit_url(community), data)

    community.refresh_from_db()
    assert community.visibility == "open"


def test_editors_edit_every_framework(client, two):
    editor = UserFactory(username="redacteur")
    services.ensure_editor_group().user_set.add(editor)
    client.force_login(editor)

    assert client.get(edit_url(two["a"][1])).status_code == 200
    assert client.get(edit_url(two["b"][1])).status_code == 200


def test_members_never_reach_the_admin(client, community, member):
    client.force_login(member)

    response = client.get("/beheer/")

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_members_cannot_open_a_framework_edit_view(client, framework, member):
    client.force_login(member)

    response = client.get(edit_url(framework))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_editor_group_is_created_once(db):
    first = services.ensure_editor_group()
    second = services.ensure_editor_group()

    assert first == second
    assert Group.objects.filter(name="Redacteuren").count() == 1
