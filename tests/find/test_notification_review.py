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
