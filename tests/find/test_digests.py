"""E-mail digests: per person, only what they may see when it is sent, never twice, and easy to stop."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from community import mailings, services, services_notify
from community.models import Delivery, DigestLog, DigestPreference, Notification, NotificationKind
from tests.community.conftest import ask, join
from tests.factories import UserFactory

MONDAY = datetime(2026, 11, 23, 7, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def digest_note(user, post, *, created_at=None):
    notification = Notification.objects.create(recipient=user, kind=NotificationKind.NEW_POST, post=post,
                                               actor=post.author, delivery=Delivery.DIGEST)
    if created_at:
        Notification.objects.filter(pk=notification.pk).update(created_at=created_at)
    return notification


def send(frequency="weekly", now=MONDAY):
    return mailings.send_due_digests(frequency=frequency, now=now)


@pytest.fixture
def two_readers(community_factory, committed):
    """Anna follows community A, Bram follows community B; one new question in each."""
    a, b = community_factory(title="Gemeenschap A"), community_factory(title="Gemeenschap B")
    anna, bram, author = UserFactory(username="anna"), UserFactory(username="bram"), UserFactory(username="auteur")
    for user, community in ((anna, a), (bram, b), (author, a), (author, b)):
        join(user, community)
    services_notify.follow_community_on_join(user=anna, community=a, choice=Delivery.DIGEST)
    services_notify.follow_community_on_join(user=bram, community=b, choice=Delivery.DIGEST)
    with committed():
        ask(author, a, title="Vraag in gemeenschap A over schulden")
        ask(author, b, title="Vraag in gemeenschap B over wonen")
    return anna, bram


def test_two_users_with_different_memberships_get_different_digests(two_readers, django_capture_on_commit_callbacks):
    anna, bram = two_readers
    with django_capture_on_commit_callbacks(execute=True):
        assert send(now=timezone.now()) == 2
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert "Vraag in gemeenschap A" in by_recipient[anna.email].body
    assert "Vraag in gemeenschap B" not in by_recipient[anna.email].body
    assert "Vraag in gemeenschap B" in by_recipient[bram.email].body
    assert "Vraag in gemeenschap A" not in by_recipient[bram.email].body


def test_digest_has_text_and_html_parts_in_dutch_and_a_one_click_unsubscribe(two_readers,
                                                                              django_capture_on_commit_callbacks):
    anna, _bram = two_readers
    with django_capture_on_commit_callbacks(execute=True):
        send(now=timezone.now())
    message = next(m for m in mail.outbox if m.to == [anna.email])
    assert message.subject == "[Koffietafel] Je wekelijkse samenvatting van Koffietafel"
    assert "Dit gebeurde er deze week" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and '<html lang="nl">' in html
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_no_email_when_nothing_happened(member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert send() == 0
        assert mailings.send_digest(member, frequency="weekly", now=MONDAY) is None
    assert mail.outbox == []


def test_never_the_same_digest_twice(community, member, facilitator, django_capture_on_commit_callbacks):
    digest_note(member, ask(facilitator, community), created_at=MONDAY - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert send() == 1
        digest_note(member, ask(facilitator, community, title="Nog een vraag over schuldhulp"),
                    created_at=MONDAY - timedelta(hours=1))
        assert send() == 0  # the same week: the new item waits for next week's digest
    assert len(mail.outbox) == 1
    assert DigestLog.objects.get(user=member).period == "2026-W48"
    with django_capture_on_commit_callbacks(execute=True):
        assert send(now=MONDAY + timedelta(days=7)) == 1
    assert "Nog een vraag" in mail.outbox[1].body


def test_items_already_emailed_are_not_in_the_digest(community, member, facilitator,
                                                     django_capture_on_commit_callbacks):
    post = ask(facilitator, community)
    note = digest_note(member, post, created_at=MONDAY - timedelta(days=1))
    Notification.objects.filter(pk=note.pk).update(emailed_at=MONDAY - timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert send() == 0


def test_only_what_the_user_may_see_at_sending_time(community_factory, member, facilitator,
                                                    django_capture_on_commit_callbacks):
    closed = community_factory(title="Besloten kring", closed=True)
    join(member, closed)
    join(facilitator, closed)
    secret = ask(facilitator, closed, title="Vertrouwelijke vraag uit de kring")
    digest_note(member, secret, created_at=MONDAY - timedelta(days=1))
    services.community_leave(user=member, community=closed)
    with django_capture_on_commit_callbacks(execute=True):
        assert send() == 0
    assert mail.outbox == []


def test_hidden_post_is_left_out(community, member, facilitator, django_capture_on_commit_callbacks):
    post = ask(facilitator, community, title="Een vraag die verborgen wordt")
    digest_note(member, post, created_at=MONDAY - timedelta(days=1))
    services.post_set_hidden(moderator=facilitator, post=post, hidden=True, reason="dubbel")
    with django_capture_on_commit_callbacks(execute=True):
        assert send() == 0


def test_daily_and_weekly_follow_the_preference(community, member, facilitator, django_capture_on_commit_callbacks):
    DigestPreference.objects.create(user=member, frequency="daily")
    digest_note(member, ask(facilitator, community), created_at=MONDAY - timedelta(hours=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert send("weekly") == 0
        assert send("daily") == 1
    assert DigestLog.objects.get(user=member).period == "2026-11-23"
    assert "sinds gisteren" in mail.outbox[0].body


def test_send_digests_command(community, member, facilitator, django_capture_on_commit_callbacks):
    digest_note(member, ask(facilitator, community))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests", "--frequency", "weekly", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [m.to for m in mail.outbox] == [[member.email]]


# -- unsubscribing ---------------------------------------------------------------------------


def _token(user, scope="digest"):
    return mailings.unsubscribe_token(user=user, scope=scope)


def test_unsubscribe_works_without_login(member):
    client = Client()
    url = f"/meldingen/afmelden/{_token(member)}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Afmelden" in page.content.decode()
    assert services_notify.digest_frequency_of(member) == "weekly"  # a GET (link scanner) changes nothing
    assert client.post(url).status_code == 200
    assert services_notify.digest_frequency_of(member) == "never"


def test_one_click_unsubscribe_post_needs_no_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/meldingen/afmelden/{_token(member)}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert services_notify.digest_frequency_of(member) == "never"


def test_unsubscribe_from_one_kind(member):
    Client().post(f"/meldingen/afmelden/{_token(member, NotificationKind.ANSWER)}/")
    assert services_notify.deliveries_of(member)[NotificationKind.ANSWER] == Delivery.OFF


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-2] + ("aa" if not t.endswith("aa") else "bb"),   # signature changed
    lambda t: t[:3] + ("A" if t[3] != "A" else "B") + t[4:],     # payload changed
    lambda t: signing.dumps({"u": 1, "s": "digest"}, salt="other"),  # signed for something else
    lambda t: "niets",
])
def test_a_tampered_token_is_refused(member, tamper):
    response = Client().post(f"/meldingen/afmelden/{tamper(_token(member))}/")
    assert response.status_code == 400
    assert services_notify.digest_frequency_of(member) == "weekly"


def test_a_token_for_another_user_only_unsubscribes_that_user(member, outsider):
    Client().post(f"/meldingen/afmelden/{_token(outsider)}/")
    assert services_notify.digest_frequency_of(member) == "weekly"
    assert services_notify.digest_frequency_of(outsider) == "never"


def test_unsubscribed_users_get_no_digest(community, member, facilitator, django_capture_on_commit_callbacks):
    mailings.unsubscribe(user=member, scope="digest")
    digest_note(member, ask(facilitator, community))
    with django_capture_on_commit_callbacks(execute=True):
        assert send("weekly", now=timezone.now()) == 0
        assert send("daily", now=timezone.now()) == 0
