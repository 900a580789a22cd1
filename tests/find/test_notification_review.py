"""Follow and notify, reviewed door by door: what a notification, an e-mail or the settings page may
still reveal after access changed, and e-mails that must neither be lost nor sent stale.

Each test proves one problem found in review (and guards its fix).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from community import mailings, outbox, services, services_notify
from community.models import (
    Delivery,
    Membership,
    Notification,
    NotificationKind,
    NotificationSetting,
    OutboxEmail,
)
from tests.community.conftest import answer, ask, join
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def mail_down(monkeypatch):
    """The mail server refuses everything until the test calls the returned ``restore()``."""
    from django.core.mail import EmailMessage

    original = EmailMessage.send

    def fail(self, *args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailMessage, "send", fail)
    return lambda: monkeypatch.setattr(EmailMessage, "send", original)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def later(hours=1):
    return timezone.now() + timedelta(hours=hours)


# -- the outbox asks the policy again when it finally sends -----------------------------------


def test_a_notification_email_queued_before_leaving_is_not_sent_after(community_factory, outsider, mail_down,
                                                                      committed):
    closed = community_factory(title="Besloten kring", closed=True)
    facilitator = join(UserFactory(username="kringfac"), closed, role=Membership.Role.FACILITATOR).user
    join(outsider, closed)
    post = ask(outsider, closed, title="Vraag over een gevoelige casus")
    with committed():
        answer(facilitator, post)
    assert OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).count() == 1  # first try failed
    services.community_leave(user=outsider, community=closed)
    mail_down()  # restore: the mail server is back
    outbox.send_due(now=later())
    assert [m.subject for m in mail.outbox] == []
    assert not OutboxEmail.objects.filter(body_text__contains="gevoelige casus",
                                          status=OutboxEmail.Status.PENDING).exists()


def test_a_digest_sent_after_leaving_leaves_out_that_community(community_factory, outsider, mail_down):
    open_, closed = community_factory(title="Open kring"), community_factory(title="Besloten kring", closed=True)
    author = UserFactory(username="auteur")
    for community in (open_, closed):
        join(author, community)
        join(outsider, community)
    for post in (ask(author, open_, title="Vraag over wonen en zorg"),
                 ask(author, closed, title="Vraag over een gevoelige casus")):
        Notification.objects.create(recipient=outsider, kind=NotificationKind.NEW_POST, post=post, actor=author,
                                    delivery=Delivery.DIGEST)
    mailings.send_due_digests(frequency="weekly")
    outbox.send_due()  # the first attempt fails: the mail server is down
    services.community_leave(user=outsider, community=closed)
    mail_down()
    outbox.send_due(now=later())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "wonen en zorg" in message.body
    assert "gevoelige casus" not in message.body
    assert "gevoelige casus" not in message.alternatives[0][0]
    assert "Besloten kring" not in message.body


def test_an_email_goes_to_the_address_the_person_has_when_it_is_sent(community, member, facilitator, mail_down,
                                                                      committed):
    post = ask(member, community)
    with committed():
        answer(facilitator, post)
    member.email = "nieuw-adres@gemeente.example"
    member.save(update_fields=["email"])
    mail_down()
    outbox.send_due(now=later())
    assert [m.to for m in mail.outbox] == [["nieuw-adres@gemeente.example"]]


def test_no_email_to_a_deactivated_account(community, member, facilitator, mail_down, committed):
    post = ask(member, community)
    with committed():
        answer(facilitator, post)
    member.is_active = False
    member.save(update_fields=["is_active"])
    mail_down()
    outbox.send_due(now=later())
    assert mail.outbox == []


def test_a_failure_to_render_again_counts_as_a_failed_attempt(community, member, facilitator, mail_down,
                                                              monkeypatch, committed):
    post = ask(member, community)
    with committed():
        answer(facilitator, post)
    mail_down()

    def broken(**kwargs):
        raise RuntimeError("template missing")

    monkeypatch.setattr(mailings, "current_message", broken)
    assert outbox.send_due(now=later()) == {OutboxEmail.Status.PENDING: 1}
    email = OutboxEmail.objects.get()
    assert (email.attempts, email.status) == (2, OutboxEmail.Status.PENDING)
    assert "template missing" in email.last_error


# -- immediate e-mails are not lost when the task dies between writing and e-mailing ----------


def test_send_due_mail_emails_immediate_notifications_a_dead_task_left_behind(community, member, facilitator):
    post = ask(member, community)
    reply = answer(facilitator, post)
    services_notify.deliver_answer_created(reply.pk)  # the task wrote the notification, then died
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=30))
    call_command("send_due_mail", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [m.to for m in mail.outbox] == [[member.email]]
    call_command("send_due_mail", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1


# -- a subject never carries a line break -----------------------------------------------------


def test_a_multi_line_prompt_still_reaches_those_who_want_it_at_once(community, member, facilitator, committed):
    NotificationSetting.objects.create(user=member, kind=NotificationKind.NEW_PROMPT, delivery=Delivery.IMMEDIATE)
    with committed():
        services_notify.announce(community=community, kind=NotificationKind.NEW_PROMPT,
                                 title="Wat werkt bij jongeren?\r\nBcc: iedereen@example.org",
                                 url=community.url, actor=facilitator)
    assert len(mail.outbox) == 1
    assert "\n" not in mail.outbox[0].subject and "\r" not in mail.outbox[0].subject
    assert mail.outbox[0].bcc == []


def test_a_display_name_with_a_line_break_does_not_break_the_email(community, member, facilitator, committed):
    facilitator.profile.display_name = "Fee\nBcc: iedereen@example.org"
    facilitator.profile.save()
    post = ask(member, community)
    with committed():
        answer(facilitator, post)
    assert len(mail.outbox) == 1
    assert "\n" not in mail.outbox[0].subject


# -- a demoted facilitator no longer sees join requests --------------------------------------


def test_a_demoted_facilitator_no_longer_sees_join_requests(community_factory, outsider, committed):
    closed = community_factory(title="Besloten kring", closed=True)
    membership = MembershipFactory(user=UserFactory(username="kringfac"), community=closed, facilitator=True)
    facilitator = membership.user
    applicant = UserFactory(username="aanvrager")
    applicant.profile.display_name = "Aanvrager Jansen"
    applicant.profile.save()
    with committed():
        services.community_join(user=applicant, community=closed)
    assert services_notify.unread_count(facilitator) == 1
    membership.role = Membership.Role.MEMBER
    membership.save()
    facilitator = type(facilitator).objects.get(pk=facilitator.pk)
    assert services_notify.unread_count(facilitator) == 0
    assert "Aanvrager Jansen" not in client_for(facilitator).get("/meldingen/").content.decode()


# -- the settings page lists only follows the person may still see ----------------------------


def test_settings_page_does_not_show_what_you_followed_in_a_community_you_left(community_factory, member):
    private = community_factory(title="Geheime kring Zeta", private=True)
    author = UserFactory(username="auteur")
    join(author, private)
    join(member, private)
    post = ask(author, private, title="Vraag over een gevoelige casus")
    services_notify.follow(user=member, target=post)
    services_notify.follow(user=member, target=private)
    services.community_leave(user=member, community=private)
    page = client_for(member).get("/meldingen/instellingen/").content.decode()
    assert "gevoelige casus" not in page
    assert "Geheime kring Zeta" not in page


def test_settings_page_does_not_show_a_followed_post_that_was_hidden(community, member, facilitator, outsider):
    post = ask(member, community, title="Vraag die verborgen wordt")
    services_notify.follow(user=outsider, target=post)
    services.post_set_hidden(moderator=facilitator, post=post, hidden=True, reason="spam")
    assert "Vraag die verborgen wordt" not in client_for(outsider).get("/meldingen/instellingen/").content.decode()


# -- a digest item goes out once, even when two runs read it at the same time ----------------


def test_two_digest_runs_that_read_the_same_items_send_them_once(community, member, facilitator, monkeypatch,
                                                                 committed):
    """A daily and a weekly run (cron starts both at 07:00 on Mondays), or two runs either side of
    midnight, each read the unsent items before either marked them: only one may send them."""
    post = ask(facilitator, community, title="Vraag die maar één keer mag komen")
    Notification.objects.create(recipient=member, kind=NotificationKind.NEW_POST, post=post, actor=facilitator,
                                delivery=Delivery.DIGEST)
    read_before_either_claimed = list(mailings.digest_items(member))
    with committed():
        assert mailings.send_digest(member, frequency="daily") is not None
    monkeypatch.setattr(mailings, "digest_items", lambda user, now=None: read_before_either_claimed)
    with committed():
        mailings.send_digest(member, frequency="weekly")
    outbox.send_due(now=later())
    assert sum("maar één keer" in m.body for m in mail.outbox) == 1


# -- the follow endpoint tells nothing about what one may not see ----------------------------


@pytest.mark.parametrize("action", ["volgen", "ontvolgen"])
def test_follow_endpoint_answers_404_for_a_private_post_either_way(community_factory, outsider, action):
    private = community_factory(title="Geheime kring", private=True)
    author = UserFactory(username="auteur")
    join(author, private)
    post = ask(author, private, title="Vraag in een geheime kring")
    response = client_for(outsider).post("/volgen/", {"soort": "bijdrage", "id": post.pk, "actie": action})
    assert response.status_code == 404
