"""Members hear of a sharpened framework, of a prompt when it starts, and authors of a consent request.

The learning app hands these to the community app's notifications (announce, notify_person); what
people see is their notifications page and their e-mail.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from community.models import Notification, NotificationKind
from learning import services
from learning.models import (
    CaseStoryConsentRequest,
    CaseStoryPage,
    FrameworkChanged,
    FrameworkFollow,
    FrameworkPage,
    Prompt,
)
from tests.factories import FrameworkPageFactory, UserFactory
from tests.learning.builders import body, days, goal, join, prompt, publish, share, theme


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): …`` runs what was enqueued on commit, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def kinds(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def notifications_page(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/meldingen/")
    assert response.status_code == 200
    return response.content.decode()


def opened(user, kind) -> str:
    """Where following the notification's link on the notifications page takes the user."""
    client = Client()
    client.force_login(user)
    notification = Notification.objects.get(recipient=user, kind=kind)
    response = client.get(f"/meldingen/{notification.pk}/")
    assert response.status_code == 302
    return response["Location"]


def first_body(prompts=()):
    return body(goals=[goal("Vroegsignalering")], themes=[theme("Vroegsignalering")], prompts=list(prompts))


@pytest.fixture
def new_framework(community, facilitator, member, committed):
    """A framework published for the first time, with no prompt yet."""
    page = FrameworkPageFactory(parent=community, title=f"Kader: {community.title}", live=False)
    with committed():
        publish(page, first_body(), user=facilitator, note="Eerste versie")
    return page


def test_the_first_publication_is_not_announced_as_a_change(new_framework, member):
    assert NotificationKind.FRAMEWORK_CHANGED not in kinds(member)


def test_a_sharpened_framework_reaches_members_and_followers_but_not_its_editor(
    new_framework, community, facilitator, member, committed
):
    follower = UserFactory(username="volger")  # follows the open community's framework without joining
    FrameworkFollow.objects.create(framework=new_framework, user=follower)

    with committed():
        publish(new_framework, body(goals=[goal("Vroegsignalering"), goal("Samenwerken met de wijkteams")],
                                    themes=[theme("Vroegsignalering")]),
                user=facilitator, note="Een tweede leerdoel: samenwerken met de wijkteams")

    assert kinds(member) == [NotificationKind.FRAMEWORK_CHANGED]
    assert kinds(follower) == [NotificationKind.FRAMEWORK_CHANGED]
    assert kinds(facilitator) == []
    page = notifications_page(member)
    assert "Een tweede leerdoel: samenwerken met de wijkteams" in page
    assert opened(member, NotificationKind.FRAMEWORK_CHANGED) == new_framework.url
    assert FrameworkChanged.objects.filter(framework=new_framework, notified_at__isnull=False).count() == 1


def test_a_publish_that_changes_nothing_and_says_nothing_is_not_announced(
    new_framework, facilitator, member, committed
):
    current = FrameworkPage.objects.get(pk=new_framework.pk).body
    with committed():
        publish(new_framework, current, user=facilitator, note="")

    assert kinds(member) == []


def test_a_private_communitys_framework_change_reaches_no_one_outside_it(community_factory, committed):
    private = community_factory(title="Intervisie", private=True)
    facilitator, insider, former = UserFactory(), UserFactory(), UserFactory()
    join(facilitator, private, facilitator=True)
    join(insider, private)
    page = FrameworkPageFactory(parent=private, title="Kader: Intervisie", live=False)
    with committed():
        publish(page, first_body(), user=facilitator)
    # Someone who followed the framework while a member, and left.
    FrameworkFollow.objects.create(framework=page, user=former)

    with committed():
        publish(page, body(goals=[goal("Vroegsignalering"), goal("Nog een doel")]), user=facilitator,
                note="VERTROUWELIJK: nieuw doel")

    assert kinds(insider) == [NotificationKind.FRAMEWORK_CHANGED]
    assert kinds(former) == []
    assert not any("VERTROUWELIJK" in m.body for m in mail.outbox if former.email in m.to)


def test_a_prompt_that_already_runs_is_announced_when_it_is_published(new_framework, facilitator, member, committed):
    with committed():
        publish(new_framework, first_body([prompt("Welk signaal zag je het eerst?", days(0), days(14))]),
                user=facilitator, note="Een prikkel")

    assert NotificationKind.NEW_PROMPT in kinds(member)
    assert opened(member, NotificationKind.NEW_PROMPT) == Prompt.objects.get(framework=new_framework).get_url()
    assert "Welk signaal zag je het eerst?" in notifications_page(member)


def test_a_prompt_published_ahead_is_announced_once_on_the_day_it_starts(
    new_framework, facilitator, member, committed
):
    with committed():
        publish(new_framework, first_body([prompt("Wat leerde je van een mislukte aanpak?", days(3), days(20))]),
                user=facilitator, note="Prikkel voor volgende week")
    assert NotificationKind.NEW_PROMPT not in kinds(member)

    with committed():
        call_command("announce_prompts", stdout=open("/dev/null", "w"))
    assert NotificationKind.NEW_PROMPT not in kinds(member)  # not started yet

    with committed():  # the daily run on the start day, twice
        services.prompts_announce_due(day=days(3))
        services.prompts_announce_due(day=days(3))

    assert kinds(member).count(NotificationKind.NEW_PROMPT) == 1


def test_an_ended_prompt_is_never_announced(new_framework, facilitator, member, committed):
    with committed():
        publish(new_framework, first_body([prompt("Oude prikkel", days(-30), days(-1))]), user=facilitator)
        call_command("announce_prompts", stdout=open("/dev/null", "w"))

    assert NotificationKind.NEW_PROMPT not in kinds(member)


# -- case story consent ---------------------------------------------------------------------------


def test_an_editors_consent_request_reaches_the_author_once_with_a_link_to_answer_it(
    index, editors, community, member, committed
):
    writer, _approver = editors
    story = share(member, community)
    admin = Client()
    admin.force_login(writer)

    with committed():
        admin.post(f"/beheer/casusverhalen/kandidaten/{story.pk}/toestemming/")
        admin.post(f"/beheer/casusverhalen/kandidaten/{story.pk}/toestemming/")

    assert kinds(member) == [NotificationKind.CASE_STORY_CONSENT]
    page = notifications_page(member)
    assert opened(member, NotificationKind.CASE_STORY_CONSENT) == f"/toestemming-casusverhaal/{story.pk}/"
    assert story.title in page
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert CaseStoryConsentRequest.objects.get(post=story).notified_at is not None


def _case_story_in_review(editors, community, member):
    """The member's consented practice story, proposed and submitted for approval by the writer."""
    writer, _approver = editors
    story = share(member, community)
    services.case_story_consent_give(user=member, post=story)
    page = services.case_story_propose(editor=writer, post=story)
    page.get_workflow().start(page, writer)
    return story, page


def _published_case_story(index, editors, community, member):
    _writer, approver = editors
    story, page = _case_story_in_review(editors, community, member)
    task_state = page.current_workflow_task_state
    task_state.task.specific.on_action(task_state, approver, "approve")
    page.refresh_from_db()
    assert page.live
    return story, page


def test_withdrawing_consent_takes_the_published_case_story_offline(index, editors, community, member, client):
    story, page = _published_case_story(index, editors, community, member)
    assert client.get(page.url).status_code == 200
    author = Client()
    author.force_login(member)

    response = author.post(f"/toestemming-casusverhaal/{story.pk}/", {"action": "withdraw"}, follow=True)

    assert "staat niet meer online" in response.content.decode()

    page.refresh_from_db()
    assert not page.live
    assert client.get(f"{index.url}{page.slug}/").status_code == 404
    assert page.title not in client.get(index.url).content.decode()


def test_withdrawing_consent_cancels_a_pending_approval(index, editors, community, member):
    _writer, approver = editors
    story, page = _case_story_in_review(editors, community, member)

    services.case_story_consent_withdraw(user=member, post=story)

    page = CaseStoryPage.objects.get(pk=page.pk)
    assert page.current_workflow_state is None
    assert not page.live
    # The approver's dashboard no longer offers it for approval.
    task = page.get_workflow().tasks.get().specific
    assert not task.get_task_states_user_can_moderate(approver).exists()


def test_a_framework_behind_a_wagtail_view_restriction_is_not_announced(new_framework, facilitator, member,
                                                                        committed):
    """The admin's "Privacy" on the framework page guards the page; its change note and prompts must
    not reach members by notification or e-mail either."""
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    restriction = PageViewRestriction.objects.create(page=new_framework,
                                                     restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.create(name="Kernteam"))
    with committed():
        publish(new_framework, first_body([prompt("VERTROUWELIJKE prikkel", days(0), days(14))]),
                user=facilitator, note="VERTROUWELIJK: een nieuw leerdoel")

    assert kinds(member) == []
    assert "VERTROUWELIJK" not in notifications_page(member)
    assert not any("VERTROUWELIJK" in m.body for m in mail.outbox)
