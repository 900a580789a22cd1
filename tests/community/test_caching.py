"""What member pages take from the cache is never stale: the header badge and the facilitators panel."""

from __future__ import annotations

from community import services, services_notify
from community.models import Notification, NotificationKind
from tests.community.conftest import answer, ask


def notify(recipient, post, actor, answer_=None):
    return Notification.objects.create(recipient=recipient, kind=NotificationKind.ANSWER, post=post,
                                       answer=answer_, actor=actor)


def test_badge_counts_a_new_notification_after_a_cached_count(community, member, facilitator):
    post = ask(member, community)
    assert services_notify.cached_unread_count(member) == 0

    notify(member, post, facilitator)

    assert services_notify.cached_unread_count(member) == 1


def test_badge_counts_notifications_written_in_bulk(community, member, facilitator,
                                                   django_capture_on_commit_callbacks):
    post = ask(member, community)
    assert services_notify.cached_unread_count(member) == 0

    with django_capture_on_commit_callbacks(execute=True):
        answer(facilitator, post)  # the answer task notifies the asker (bulk_create: no post_save)

    assert services_notify.cached_unread_count(member) == services_notify.unread_count(member) == 1


def test_badge_drops_to_zero_when_read(community, member, facilitator):
    notify(member, ask(member, community), facilitator)
    assert services_notify.cached_unread_count(member) == 1

    services_notify.mark_read(user=member)

    assert services_notify.cached_unread_count(member) == 0


def test_badge_stops_counting_a_post_that_was_hidden(community, member, facilitator):
    post = ask(facilitator, community)
    notify(member, post, facilitator)
    assert services_notify.cached_unread_count(member) == 1

    services.post_set_hidden(moderator=facilitator, post=post, hidden=True, reason="dubbel")

    assert services_notify.cached_unread_count(member) == 0


def test_badge_stops_counting_an_answer_that_was_hidden(community, member, facilitator, outsider):
    post = ask(member, community)
    reply = answer(facilitator, post)
    services_notify.mark_read(user=member)
    notify(member, post, facilitator, answer_=reply)
    Notification.objects.filter(recipient=member, kind=NotificationKind.ANSWER, answer__isnull=True).delete()
    assert services_notify.cached_unread_count(member) == services_notify.unread_count(member) == 1

    services.answer_set_hidden(moderator=facilitator, answer=reply, post=post, hidden=True, reason="off-topic")

    assert services_notify.cached_unread_count(member) == 0


def test_badge_stops_counting_a_private_community_after_leaving_it(community_factory, facilitator, outsider):
    from tests.community.conftest import join

    private = community_factory(private=True, title="Vertrouwelijk overleg")
    join(outsider, private)
    post = ask(outsider, private, title="Een vraag in besloten kring")
    notify(outsider, post, facilitator)
    assert services_notify.cached_unread_count(outsider) == 1

    services.community_leave(user=outsider, community=private)

    assert services_notify.cached_unread_count(outsider) == 0


def test_badge_stops_counting_a_community_that_became_private(community, member, outsider, facilitator):
    post = ask(member, community)
    notify(outsider, post, facilitator)
    assert services_notify.cached_unread_count(outsider) == 1

    community.visibility = "private"
    community.save_revision().publish()

    assert services_notify.cached_unread_count(outsider) == 0


def test_badge_stops_counting_a_community_that_got_a_view_restriction(community, member, outsider, facilitator):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    post = ask(member, community)
    notify(outsider, post, facilitator)
    assert services_notify.cached_unread_count(outsider) == 1

    restriction = PageViewRestriction.objects.create(page=community, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.create(name="Alleen deze groep"))

    assert services_notify.cached_unread_count(outsider) == 0


def test_facilitators_panel_shows_a_renamed_facilitator(client, community, member, facilitator):
    client.force_login(member)
    assert "Fenna Facilitator" not in client.get(community.url).content.decode()

    facilitator.profile.display_name = "Fenna Facilitator"
    facilitator.profile.save()

    assert "Fenna Facilitator" in client.get(community.url).content.decode()


def test_facilitators_panel_shows_a_new_facilitator(client, community, member, facilitator):
    client.force_login(member)
    member.profile.display_name = "Mila Member"
    member.profile.save()
    client.get(community.url)

    membership = community.memberships.get(user=member)
    membership.role = "facilitator"
    membership.save()

    html = client.get(community.url).content.decode()
    panel = html[html.index('id="facilitators-heading"'):]
    assert "Mila Member" in panel
