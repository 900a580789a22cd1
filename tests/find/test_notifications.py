"""Follow and notify: who hears about what, in the app and by e-mail, and the settings that decide it.

Events run their notifications in tasks enqueued on commit; ``committed()`` runs those callbacks
(the test's own transaction never commits). Who may see what is tested door by door in
test_access_matrix_find.py.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community import mailings, outbox, services, services_notify
from community.models import (
    CommunityNotificationSettings,
    Delivery,
    Follow,
    Membership,
    Notification,
    NotificationKind,
    NotificationSetting,
    OutboxEmail,
    Post,
    Theme,
)
from tests.community.conftest import answer, ask, join
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): …`` runs what was enqueued on commit, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def colleague(community):
    return MembershipFactory(user=UserFactory(username="colleague"), community=community).user


def kinds_for(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


# -- who hears about what --------------------------------------------------------------------


def test_asker_hears_about_an_answer_in_the_app_and_by_email(community, member, facilitator, committed):
    post = ask(member, community)
    with committed():
        answer(facilitator, post)
    assert kinds_for(member) == [NotificationKind.ANSWER]
    assert [m.to for m in mail.outbox] == [[member.email]]


def test_the_answerer_is_not_notified_of_their_own_answer(community, member, committed):
    post = ask(member, community)
    with committed():
        answer(member, post)
    assert kinds_for(member) == []


def test_author_of_an_answer_hears_about_a_reply(community, member, facilitator, colleague, committed):
    post = ask(member, community)
    first = answer(facilitator, post)
    with committed():
        answer(colleague, post, body="Goed idee!", parent=first)
    assert kinds_for(facilitator) == [NotificationKind.REPLY]
    assert kinds_for(member) == [NotificationKind.ANSWER]


def test_author_hears_their_answer_was_accepted(community, member, facilitator, committed):
    post = ask(member, community)
    reply = answer(facilitator, post)
    with committed():
        services.answer_accept(user=member, post=post, answer=reply)
    assert kinds_for(facilitator) == [NotificationKind.ACCEPTED]


def test_accepting_your_own_answer_notifies_nobody(community, member, committed):
    post = ask(member, community)
    own = answer(member, post)
    with committed():
        services.answer_accept(user=member, post=post, answer=own)
    assert Notification.objects.count() == 0


def test_mention_of_a_member_of_the_community_notifies_them(community, member, colleague, committed):
    with committed():
        ask(member, community, body="Wat vind jij, @colleague?")
    assert kinds_for(colleague) == [NotificationKind.MENTION]


def test_mention_of_someone_outside_the_community_notifies_nobody(community, member, outsider, committed):
    with committed():
        ask(member, community, body="Wat vind jij, @outsider?")
    assert kinds_for(outsider) == []


def test_mention_in_an_answer(community, member, facilitator, colleague, committed):
    post = ask(member, community)
    with committed():
        answer(facilitator, post, body="@colleague weet hier meer van.")
    assert kinds_for(colleague) == [NotificationKind.MENTION]


def test_facilitators_hear_about_a_join_request(community_factory, member, committed):
    closed = community_factory(title="Besloten kring", closed=True)
    facilitator = MembershipFactory(user=UserFactory(username="kringfac"), community=closed, facilitator=True).user
    with committed():
        services.community_join(user=member, community=closed)
    assert kinds_for(facilitator) == [NotificationKind.JOIN_REQUEST]
    notification = Notification.objects.get(recipient=facilitator)
    assert services_notify.url_of(notification) == closed.url + "aanvragen/"


def test_follower_of_a_question_hears_about_new_answers(community, member, facilitator, colleague, committed):
    post = ask(member, community)
    services_notify.follow(user=colleague, target=post)
    with committed():
        answer(facilitator, post)
    assert kinds_for(colleague) == [NotificationKind.FOLLOWED_ACTIVITY]


def test_follower_of_a_community_hears_about_new_posts(community, member, colleague, committed):
    services_notify.follow(user=colleague, target=community)
    with committed():
        ask(member, community)
    assert kinds_for(colleague) == [NotificationKind.NEW_POST]


def test_follower_of_a_theme_hears_about_new_posts_with_it(community, member, colleague, committed):
    theme = Theme.objects.create(community=community, name="Jongeren")
    services_notify.follow(user=colleague, target=theme)
    with committed():
        ask(member, community, title="Over een ander thema, zonder label")
        ask(member, community, title="Jongeren en schulden: wat werkt?", themes=[theme])
    assert Notification.objects.filter(recipient=colleague).get().post.title == "Jongeren en schulden: wat werkt?"


def test_follower_of_a_person_hears_about_their_new_posts(community, member, outsider, committed):
    services_notify.follow(user=outsider, target=member)
    with committed():
        ask(member, community)
    assert kinds_for(outsider) == [NotificationKind.NEW_POST]


def test_several_follows_give_one_notification(community, member, colleague, committed):
    theme = Theme.objects.create(community=community, name="Jongeren")
    for target in (community, theme, member):
        services_notify.follow(user=colleague, target=target)
    with committed():
        ask(member, community, themes=[theme])
    assert kinds_for(colleague) == [NotificationKind.NEW_POST]


def test_a_task_that_runs_twice_notifies_once(community, member, facilitator):
    post = ask(member, community)
    reply = answer(facilitator, post)
    services_notify.deliver_answer_created(reply.pk)
    services_notify.deliver_answer_created(reply.pk)
    assert kinds_for(member) == [NotificationKind.ANSWER]


def test_nothing_is_delivered_for_a_rolled_back_change(community, member, facilitator, committed):
    post = ask(member, community)
    with committed():
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                answer(facilitator, post)
                raise RuntimeError
    assert Notification.objects.count() == 0


def test_nothing_runs_inside_the_request(community, member, facilitator, settings, committed):
    """With a worker backend, answering only enqueues (on commit): no notification, no mail in the request."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    post = ask(member, community)
    with committed():
        response = client_for(facilitator).post(f"{community.url}bijdragen/{post.pk}/antwoorden/",
                                                {"body": "Bel aan met koffie."})
    assert response.status_code == 302
    assert Notification.objects.count() == 0
    assert mail.outbox == []
    enqueued = [result.task.name for result in default_task_backend.results]
    assert "deliver_event" in enqueued


# -- settings --------------------------------------------------------------------------------


def test_delivery_off_means_in_app_only(community, member, facilitator, committed):
    NotificationSetting.objects.create(user=member, kind=NotificationKind.ANSWER, delivery=Delivery.OFF)
    post = ask(member, community)
    with committed():
        answer(facilitator, post)
    assert kinds_for(member) == [NotificationKind.ANSWER]
    assert mail.outbox == []


def test_delivery_digest_waits_for_the_digest(community, member, facilitator, committed):
    NotificationSetting.objects.create(user=member, kind=NotificationKind.ANSWER, delivery=Delivery.DIGEST)
    post = ask(member, community)
    with committed():
        answer(facilitator, post)
    assert mail.outbox == []
    assert Notification.objects.get(recipient=member).delivery == Delivery.DIGEST


def test_settings_page_saves_choices(member):
    client = client_for(member)
    data = {f"kind_{kind}": Delivery.OFF for kind in NotificationKind.values if kind not in ("join_request", "unanswered")}
    data["digest"] = "daily"
    response = client.post("/meldingen/instellingen/", data)
    assert response.status_code == 302
    assert services_notify.deliveries_of(member)[NotificationKind.ANSWER] == Delivery.OFF
    assert services_notify.digest_frequency_of(member) == "daily"


def test_facilitator_sets_the_unanswered_days_of_their_community(community, facilitator):
    client = client_for(facilitator)
    data = {f"kind_{kind}": Delivery.DIGEST for kind in NotificationKind.values}
    data.update({"digest": "weekly", f"days_{community.pk}": "5"})
    assert client.post("/meldingen/instellingen/", data).status_code == 302
    assert services_notify.unanswered_after_days(community) == 5


def test_member_does_not_get_the_facilitator_settings(community, member):
    html = client_for(member).get("/meldingen/instellingen/").content.decode()
    assert f'name="days_{community.pk}"' not in html
    assert 'name="kind_join_request"' not in html


def test_joining_asks_how_to_hear_from_the_community(community_factory, outsider):
    other = community_factory(title="Wonen en zorg")
    html = client_for(outsider).get(other.url).content.decode()
    assert 'name="meldingen"' in html
    response = client_for(outsider).post(other.url + "lid-worden/", {"meldingen": Delivery.IMMEDIATE})
    assert response.status_code == 302
    assert Follow.objects.get(user=outsider, community=other).delivery == Delivery.IMMEDIATE


def test_joining_with_none_follows_nothing(community_factory, outsider):
    other = community_factory(title="Wonen en zorg")
    client_for(outsider).post(other.url + "lid-worden/", {"meldingen": "none"})
    assert Membership.objects.filter(user=outsider, community=other).exists()
    assert not Follow.objects.filter(user=outsider).exists()


def test_the_join_choice_decides_delivery_of_new_posts(community, member, colleague, committed):
    services_notify.follow_community_on_join(user=colleague, community=community, choice=Delivery.IMMEDIATE)
    with committed():
        ask(member, community)
    assert Notification.objects.get(recipient=colleague).delivery == Delivery.IMMEDIATE
    assert [m.to for m in mail.outbox] == [[colleague.email]]


# -- following -------------------------------------------------------------------------------


def test_follow_button_follows_and_unfollows(community, member, facilitator):
    post = ask(facilitator, community)
    client = client_for(member)
    assert 'value="volgen"' in client.get(post.get_url()).content.decode()
    client.post("/volgen/", {"soort": "bijdrage", "id": post.pk, "actie": "volgen", "next": post.get_url()})
    assert Follow.objects.filter(user=member, post=post).exists()
    assert 'value="ontvolgen"' in client.get(post.get_url()).content.decode()
    client.post("/volgen/", {"soort": "bijdrage", "id": post.pk, "actie": "ontvolgen"})
    assert not Follow.objects.filter(user=member, post=post).exists()


def test_follow_redirect_never_leaves_the_site(community, member):
    response = client_for(member).post("/volgen/", {"soort": "gemeenschap", "id": community.pk,
                                                    "next": "https://evil.example/"})
    assert response["Location"] == "/meldingen/instellingen/"


@pytest.mark.parametrize("data", [{"soort": "iets", "id": "1"}, {"soort": "bijdrage", "id": "x"},
                                  {"soort": "bijdrage", "id": "999999"}, {"soort": "bijdrage", "id": "²"},
                                  {"soort": "persoon", "id": "9" * 30}, {"soort": "thema"}])
def test_follow_with_bad_input_is_404(member, data):
    assert client_for(member).post("/volgen/", data).status_code == 404


def test_follow_needs_login(client, community):
    response = client.post("/volgen/", {"soort": "gemeenschap", "id": community.pk})
    assert response.status_code == 302 and "/account/login/" in response["Location"]


# -- the notifications page and the badge ----------------------------------------------------


def _notify(user, post, **kwargs):
    return Notification.objects.create(recipient=user, kind=NotificationKind.NEW_POST, post=post, actor=post.author,
                                       **kwargs)


def test_badge_shows_the_unread_count(community, member, facilitator):
    post = ask(facilitator, community)
    _notify(member, post)
    _notify(member, ask(facilitator, community, title="Nog een vraag over schuldhulp"))
    html = client_for(member).get("/").content.decode()
    assert 'data-unread-count="2"' in html
    assert "2<span class=\"koffietafel-visually-hidden\"> ongelezen</span>" in html


def test_no_badge_without_unread(member):
    assert "data-unread-count" not in client_for(member).get("/").content.decode()


def test_opening_a_notification_marks_it_read_and_goes_there(community, member, facilitator):
    post = ask(facilitator, community)
    notification = _notify(member, post)
    response = client_for(member).get(f"/meldingen/{notification.pk}/")
    assert response.status_code == 302
    assert response["Location"] == post.get_url()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_one_read(community, member, facilitator):
    notification = _notify(member, ask(facilitator, community))
    client_for(member).post(f"/meldingen/{notification.pk}/gelezen/")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_all_read(community, member, facilitator):
    for n in range(3):
        _notify(member, ask(facilitator, community, title=f"Vraag nummer {n} over schuldhulp"))
    client_for(member).post("/meldingen/alles-gelezen/")
    assert services_notify.unread_count(member) == 0


def test_someone_else_cannot_open_or_mark_your_notification(community, member, facilitator, outsider):
    notification = _notify(member, ask(facilitator, community))
    client = client_for(outsider)
    assert client.get(f"/meldingen/{notification.pk}/").status_code == 404
    client.post(f"/meldingen/{notification.pk}/gelezen/")
    notification.refresh_from_db()
    assert notification.read_at is None


def test_notifications_page_needs_login(client):
    response = client.get("/meldingen/")
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_notification_about_a_post_in_a_community_you_left_disappears(community_factory, member, facilitator):
    closed = community_factory(title="Besloten kring", closed=True)
    join(member, closed)
    join(facilitator, closed)
    post = ask(facilitator, closed)
    _notify(member, post)
    assert services_notify.unread_count(member) == 1
    services.community_leave(user=member, community=closed)
    assert services_notify.unread_count(member) == 0
    assert post.title not in client_for(member).get("/meldingen/").content.decode()


def test_notifications_page_query_count_does_not_grow(community, member, facilitator):
    client = client_for(member)
    for n in range(3):
        _notify(member, ask(facilitator, community, title=f"Vraag nummer {n} over schuldhulp"))
    client.get("/meldingen/")
    with CaptureQueriesContext(connection) as small:
        assert client.get("/meldingen/").status_code == 200
    for n in range(3, 25):
        _notify(member, ask(facilitator, community, title=f"Vraag nummer {n} over schuldhulp"))
    client.get("/meldingen/")  # the new notifications are counted once for the header badge, then cached
    with CaptureQueriesContext(connection) as large:
        assert client.get("/meldingen/").status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)


# -- the learning app's door: announce() -----------------------------------------------------


def test_announce_tells_members_and_followers(community, member, facilitator, outsider, committed):
    with committed():
        services_notify.announce(community=community, kind=NotificationKind.FRAMEWORK_CHANGED,
                                 title="Nieuwe leerdoelen", url=community.url + "kader/", actor=facilitator,
                                 followers=[outsider.pk])
    assert kinds_for(member) == [NotificationKind.FRAMEWORK_CHANGED]
    assert kinds_for(outsider) == [NotificationKind.FRAMEWORK_CHANGED]
    assert kinds_for(facilitator) == []  # the actor
    assert "Nieuwe leerdoelen" in services_notify.text_of(Notification.objects.get(recipient=member))


def test_announce_in_a_private_community_skips_followers_who_may_not_see_it(community_factory, member, outsider,
                                                                            committed):
    private = community_factory(title="Geheime kring", private=True)
    join(member, private)
    with committed():
        services_notify.announce(community=private, kind=NotificationKind.NEW_PROMPT, title="Prikkel",
                                 url=private.url, followers=[outsider.pk])
    assert kinds_for(member) == [NotificationKind.NEW_PROMPT]
    assert kinds_for(outsider) == []


def test_announce_refuses_other_kinds(community):
    with pytest.raises(ValueError):
        services_notify.announce(community=community, kind=NotificationKind.ANSWER, title="x", url="/")


# -- nudges ----------------------------------------------------------------------------------


def _age(post, days):
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(days=days),
                                           last_activity_at=timezone.now() - timedelta(days=days))


def test_facilitators_hear_about_a_question_unanswered_after_n_days(community, member, facilitator):
    old, new = ask(member, community, title="Oude vraag over schuldhulp"), ask(member, community)
    _age(old, 4)
    call_command("send_nudges", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(Notification.objects.filter(recipient=facilitator).values_list("post", flat=True)) == [old.pk]
    assert kinds_for(facilitator) == [NotificationKind.UNANSWERED]
    assert new.pk


def test_unanswered_nudge_follows_the_community_setting(community, member, facilitator):
    CommunityNotificationSettings.objects.create(community=community, unanswered_after_days=10)
    _age(ask(member, community), 4)
    services_notify.deliver_nudges()
    assert kinds_for(facilitator) == []


def test_unanswered_nudge_can_be_switched_off(community, member, facilitator):
    CommunityNotificationSettings.objects.create(community=community, unanswered_after_days=0)
    _age(ask(member, community), 40)
    services_notify.deliver_nudges()
    assert kinds_for(facilitator) == []


def test_each_nudge_comes_once(community, member, facilitator):
    _age(ask(member, community), 4)
    services_notify.deliver_nudges()
    services_notify.deliver_nudges()
    assert kinds_for(facilitator) == [NotificationKind.UNANSWERED]


def test_asker_with_answers_but_none_accepted_gets_one_reminder(community, member, facilitator):
    post = ask(member, community)
    answer(facilitator, post)
    _age(post, 8)
    services_notify.deliver_nudges()
    services_notify.deliver_nudges()
    assert kinds_for(member) == [NotificationKind.ACCEPT_REMINDER]


def test_no_reminder_once_an_answer_is_accepted(community, member, facilitator):
    post = ask(member, community)
    services.answer_accept(user=member, post=post, answer=answer(facilitator, post))
    _age(post, 8)
    services_notify.deliver_nudges()
    assert kinds_for(member) == []


# -- the outbox: retried, logged, never lost -------------------------------------------------


class _Broken(Exception):
    pass


@pytest.fixture
def broken_mail(monkeypatch):
    def fail(self, *args, **kwargs):
        raise _Broken("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", fail)


def _queued():
    with transaction.atomic():
        return outbox.queue(to="iemand@koffietafel.example", subject="Test", body_text="Hallo")


def test_a_failed_email_is_retried_later_and_logged(db, broken_mail, caplog, django_capture_on_commit_callbacks):
    with caplog.at_level(logging.WARNING, logger="koffietafel.outbox"), django_capture_on_commit_callbacks(execute=True):
        email = _queued()
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.PENDING
    assert email.attempts == 1
    assert email.next_attempt_at > timezone.now() + timedelta(seconds=50)
    assert "mail server down" in email.last_error
    assert "failed (attempt 1 of 6)" in caplog.text


def test_back_off_grows_and_ends_in_failed_with_an_error_log(db, broken_mail, caplog):
    email = OutboxEmail.objects.create(to="x@koffietafel.example", subject="s", body_text="b",
                                       next_attempt_at=timezone.now())
    now = timezone.now()
    waits = []
    with caplog.at_level(logging.WARNING, logger="koffietafel.outbox"):
        for _attempt in range(outbox.MAX_ATTEMPTS):
            outbox.send_due(now=now)
            email.refresh_from_db()
            waits.append(email.next_attempt_at - now)
            now = email.next_attempt_at + timedelta(seconds=1)
    assert email.status == OutboxEmail.Status.FAILED
    assert waits[:5] == sorted(waits[:5])
    assert "failed for good" in caplog.text


def test_send_due_mail_sends_what_failed_before(db, monkeypatch):
    email = OutboxEmail.objects.create(to="x@koffietafel.example", subject="s", body_text="b",
                                       next_attempt_at=timezone.now(), attempts=2)
    call_command("send_due_mail", stdout=open("/dev/null", "w"))  # noqa: SIM115
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert len(mail.outbox) == 1


def test_failed_emails_can_be_retried(db):
    OutboxEmail.objects.create(to="x@koffietafel.example", subject="s", body_text="b", status="failed",
                               attempts=6, next_attempt_at=timezone.now())
    call_command("send_due_mail", "--retry-failed", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1


def test_an_email_is_sent_once_even_if_two_workers_try(db):
    email = OutboxEmail.objects.create(to="x@koffietafel.example", subject="s", body_text="b",
                                       next_attempt_at=timezone.now())
    assert outbox.send_one(email.pk) == OutboxEmail.Status.SENT
    assert outbox.send_one(email.pk) == ""
    assert len(mail.outbox) == 1


def test_notification_email_has_text_html_and_unsubscribe(community, member, facilitator, committed):
    post = ask(member, community)
    with committed():
        answer(facilitator, post)
    message = mail.outbox[0]
    assert "antwoordde op je bijdrage" in message.body
    assert message.alternatives[0][1] == "text/html"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token_url = message.extra_headers["List-Unsubscribe"].strip("<>")
    user, scope = mailings.read_unsubscribe_token(token_url.rstrip("/").rsplit("/", 1)[1])
    assert (user, scope) == (member, NotificationKind.ANSWER)


# -- the personal feed -----------------------------------------------------------------------


def test_personal_feed_works_without_login(community, member, facilitator):
    from community.feeds import personal_feed_token

    post = ask(facilitator, community, title="Een vraag voor in de feedlezer")
    _notify(member, post)
    response = Client().get(f"/meldingen/feed/{personal_feed_token(member)}/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "Een vraag voor in de feedlezer" in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.parametrize("tamper", [lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"), lambda t: "1" + t,
                                    lambda t: "x-" + t.split("-", 1)[1], lambda t: "9" * 30 + "-abc"])
def test_personal_feed_with_a_wrong_token_is_404(member, tamper):
    from community.feeds import personal_feed_token

    assert Client().get(f"/meldingen/feed/{tamper(personal_feed_token(member))}/").status_code == 404


def test_changing_the_password_retires_the_feed_address(member):
    from community.feeds import personal_feed_token

    old = personal_feed_token(member)
    member.set_password("een-heel-nieuw-wachtwoord")
    member.save()
    assert Client().get(f"/meldingen/feed/{old}/").status_code == 404


def test_settings_page_shows_the_feed_address(member):
    from community.feeds import personal_feed_token

    html = client_for(member).get("/meldingen/instellingen/").content.decode()
    assert f"/meldingen/feed/{personal_feed_token(member)}/" in html


def test_a_member_who_joins_by_invitation_follows_the_community_in_the_digest(community, outsider, facilitator):
    token = services.invitation_token(community=community, email=outsider.email, inviter=facilitator)
    services.invitation_accept(user=outsider, token=token)
    assert Follow.objects.get(user=outsider, community=community).delivery == Delivery.DIGEST


def test_notify_person_for_a_case_story_consent_request(community, member, facilitator, committed):
    with committed():
        services_notify.notify_person(recipient=member, kind=NotificationKind.CASE_STORY_CONSENT,
                                      title="Spreekuur in de supermarkt", url="/toestemming-casusverhaal/1/",
                                      community=community, actor=facilitator)
    notification = Notification.objects.get(recipient=member)
    assert services_notify.url_of(notification) == "/toestemming-casusverhaal/1/"
    assert "Spreekuur in de supermarkt" in services_notify.text_of(notification)
    assert [m.to for m in mail.outbox] == [[member.email]]


def test_notify_person_refuses_other_kinds(member):
    with pytest.raises(ValueError):
        services_notify.notify_person(recipient=member, kind=NotificationKind.ANSWER, title="x", url="/")
