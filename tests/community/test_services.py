"""Services: state changes keep their invariants whichever door calls them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community import policies, services
from community.models import Answer, HelpfulVote, Membership, Post
from tests.community.conftest import answer, ask, join
from tests.factories import CommunityPageFactory, UserFactory


@pytest.fixture
def asker(community):
    user = UserFactory(username="asker")
    join(user, community)
    return user


@pytest.fixture
def helper(community):
    user = UserFactory(username="helper")
    join(user, community)
    return user


def test_double_submission_stores_the_question_once(asker, community):
    first, created_first = services.post_create(author=asker, community=community, kind="question",
                                                title="Hoe organiseren jullie een inloopspreekuur?", body="Tips?")
    again, created_again = services.post_create(author=asker, community=community, kind="question",
                                                title="Hoe organiseren  jullie een inloopspreekuur?", body="Tips?")
    assert created_first and not created_again
    assert first.pk == again.pk
    assert Post.objects.filter(author=asker).count() == 1


def test_outsider_cannot_post_even_by_calling_the_service(outsider, community):
    with pytest.raises(PermissionDenied):
        services.post_create(author=outsider, community=community, kind="question",
                             title="Een vraag van buitenaf gesteld", body="")
    assert not Post.objects.exists()


def test_body_is_rendered_and_sanitised(asker, community):
    post = ask(asker, community, body="**vet** <script>alert(1)</script> [link](https://example.org)")
    assert "<strong>vet</strong>" in post.body_html
    assert "<script" not in post.body_html
    assert 'rel="nofollow ugc noopener"' in post.body_html


def test_question_with_answers_cannot_be_deleted(asker, helper, community):
    post = ask(asker, community)
    answer(helper, post)
    post.refresh_from_db()
    with pytest.raises(ValidationError):
        services.post_delete(user=asker, post=post)
    assert Post.objects.filter(pk=post.pk).exists()


def test_question_whose_only_answer_was_hidden_cannot_be_deleted(asker, helper, facilitator, community):
    post = ask(asker, community)
    reply = answer(helper, post)
    services.answer_set_hidden(moderator=facilitator, answer=reply, post=post, hidden=True, reason="Buiten het kader")
    post.refresh_from_db()
    assert post.answer_count == 0  # the lists count visible answers only

    with pytest.raises(ValidationError):
        services.post_delete(user=asker, post=post)
    assert Post.objects.filter(pk=post.pk).exists()
    assert Answer.objects.filter(pk=reply.pk).exists()  # the moderation record stays


def test_question_without_answers_can_be_deleted_by_its_author(asker, community):
    post = ask(asker, community)
    services.post_delete(user=asker, post=post)
    assert not Post.objects.filter(pk=post.pk).exists()


def test_editing_marks_the_post_as_edited(asker, community):
    post = ask(asker, community)
    services.post_edit(editor=asker, post=post, title="Een betere titel voor de vraag", body="Nieuw")
    post.refresh_from_db()
    assert post.edited_at is not None and post.body_html == "<p>Nieuw</p>"


def test_hiding_needs_a_reason_and_the_author_still_sees_it(asker, facilitator, member, community):
    post = ask(asker, community)
    with pytest.raises(ValidationError):
        services.post_set_hidden(moderator=facilitator, post=post, hidden=True, reason=" ")
    services.post_set_hidden(moderator=facilitator, post=post, hidden=True, reason="Bevat persoonsgegevens")
    assert Post.objects.visible_to(asker).filter(pk=post.pk).exists()
    assert Post.objects.visible_to(facilitator).filter(pk=post.pk).exists()
    policies.forget_memberships(member)
    assert not Post.objects.visible_to(member).filter(pk=post.pk).exists()


def test_answer_counts_and_threads_stay_shallow(asker, helper, community):
    post = ask(asker, community)
    first = answer(helper, post)
    reply = answer(asker, post, body="Dank, hoe lang duurde dat?", parent=first)
    deeper = answer(helper, post, body="Drie maanden.", parent=reply)
    deepest = answer(asker, post, body="En daarna?", parent=deeper)
    post.refresh_from_db()
    assert post.answer_count == 1  # replies are reactions to an answer, not answers to the question
    assert [a.level for a in (first, reply, deeper)] == [0, 1, 2]
    assert deepest.level == 2  # replies below the third level attach to the third level's parent


def test_accept_can_be_moved_and_cleared(asker, helper, community):
    post = ask(asker, community)
    one, two = answer(helper, post, body="Eén"), answer(helper, post, body="Twee")
    services.answer_accept(user=asker, post=post, answer=one)
    services.answer_accept(user=asker, post=post, answer=two)
    post.refresh_from_db()
    assert post.accepted_answer_id == two.pk and post.is_solved
    services.answer_accept(user=asker, post=post, answer=None)
    post.refresh_from_db()
    assert not post.is_solved


def test_only_asker_or_facilitator_accepts(asker, helper, facilitator, community):
    post = ask(asker, community)
    one = answer(helper, post)
    with pytest.raises(PermissionDenied):
        services.answer_accept(user=helper, post=post, answer=one)
    services.answer_accept(user=facilitator, post=post, answer=one)
    post.refresh_from_db()
    assert post.accepted_answer_id == one.pk


def test_helpful_vote_toggles_and_is_not_allowed_on_own_answer(asker, helper, community):
    post = ask(asker, community)
    one = answer(helper, post)
    assert services.answer_vote(user=asker, answer=one, post=post) is True
    assert Answer.objects.get(pk=one.pk).helpful_count == 1
    assert services.answer_vote(user=asker, answer=one, post=post) is False
    assert Answer.objects.get(pk=one.pk).helpful_count == 0
    with pytest.raises(PermissionDenied):
        services.answer_vote(user=helper, answer=one, post=post)
    assert not HelpfulVote.objects.exists()


def test_answer_can_be_edited_only_within_the_window(asker, helper, community):
    post = ask(asker, community)
    one = answer(helper, post)
    services.answer_edit(editor=helper, answer=one, post=post, body="Aangevuld")
    assert Answer.objects.get(pk=one.pk).edited_at is not None
    Answer.objects.filter(pk=one.pk).update(submit_date=timezone.now() - timedelta(hours=2))
    with pytest.raises(ValidationError):
        services.answer_edit(editor=helper, answer=Answer.objects.get(pk=one.pk), post=post, body="Te laat")


def test_the_community_list_counts_answers_not_replies(client, asker, helper, community):
    post = ask(asker, community)
    first = answer(helper, post)
    answer(asker, post, body="Dank, hoe lang duurde dat?", parent=first)
    answer(helper, post, body="Drie maanden.", parent=first)
    client.force_login(asker)
    page = client.get(community.url).content.decode()
    assert "1 antwoord" in page and "3 antwoorden" not in page


def test_question_whose_only_answer_is_hidden_is_unanswered(client, asker, helper, facilitator, community):
    post = ask(asker, community, title="Wie heeft ervaring met vroegsignalering?")
    one = answer(helper, post)
    answer(asker, post, body="Dank je!", parent=one)
    client.force_login(asker)
    assert post.title not in client.get(community.url + "?filter=onbeantwoord").content.decode()

    services.answer_set_hidden(moderator=facilitator, answer=one, post=post, hidden=True, reason="Onjuist advies")
    assert Post.objects.get(pk=post.pk).answer_count == 0
    assert post.title in client.get(community.url + "?filter=onbeantwoord").content.decode()

    services.answer_set_hidden(moderator=facilitator, answer=one, post=post, hidden=False)
    assert Post.objects.get(pk=post.pk).answer_count == 1
    assert post.title not in client.get(community.url + "?filter=onbeantwoord").content.decode()


def test_hiding_twice_or_hiding_a_reply_keeps_the_answer_count(asker, helper, facilitator, community):
    post = ask(asker, community)
    one = answer(helper, post)
    reply = answer(asker, post, body="Dank je!", parent=one)
    services.answer_set_hidden(moderator=facilitator, answer=reply, post=post, hidden=True, reason="Dubbel")
    assert Post.objects.get(pk=post.pk).answer_count == 1
    services.answer_set_hidden(moderator=facilitator, answer=one, post=post, hidden=True, reason="Onjuist")
    services.answer_set_hidden(moderator=facilitator, answer=one, post=post, hidden=True, reason="Onjuist")
    assert Post.objects.get(pk=post.pk).answer_count == 0


def test_helpful_count_drops_when_a_voter_deletes_their_account(client, asker, helper, member, community):
    post = ask(asker, community)
    one = answer(helper, post)
    voter = UserFactory(username="vertrekker")
    join(voter, community)
    services.answer_vote(user=voter, answer=one, post=post)
    services.answer_vote(user=member, answer=one, post=post)
    voter.delete()
    assert Answer.objects.get(pk=one.pk).helpful_count == 1
    client.force_login(member)
    assert "1 keer nuttig" in client.get(post.get_url()).content.decode()


def test_hidden_accepted_answer_is_no_longer_accepted(asker, helper, facilitator, community):
    post = ask(asker, community)
    one = answer(helper, post)
    services.answer_accept(user=asker, post=post, answer=one)
    post.refresh_from_db()
    services.answer_set_hidden(moderator=facilitator, answer=one, post=post, hidden=True, reason="Onjuist advies")
    post.refresh_from_db()
    assert post.accepted_answer_id is None


# -- membership ------------------------------------------------------------------------------


def test_joining_open_community_is_immediate(outsider, community):
    membership = services.community_join(user=outsider, community=community)
    assert membership.status == Membership.Status.ACTIVE and policies.can_post(outsider, community)


def test_closed_community_needs_approval(outsider, community_factory, facilitator):
    closed = community_factory(closed=True, title="Besloten groep")
    join(facilitator, closed, role=Membership.Role.FACILITATOR)
    membership = services.community_join(user=outsider, community=closed)
    assert membership.status == Membership.Status.PENDING
    assert not policies.can_read_posts(outsider, closed)
    services.join_request_decide(facilitator=facilitator, membership=membership, approve=True)
    policies.forget_memberships(outsider)
    assert policies.can_read_posts(outsider, closed)


def test_declined_requester_sees_the_outcome(outsider, community_factory, facilitator):
    closed = community_factory(closed=True, title="Besloten groep")
    join(facilitator, closed, role=Membership.Role.FACILITATOR)
    membership = services.community_join(user=outsider, community=closed)
    services.join_request_decide(facilitator=facilitator, membership=membership, approve=False)
    assert Membership.objects.get(pk=membership.pk).status == Membership.Status.DECLINED
    assert policies.membership_of(outsider, closed).status == Membership.Status.DECLINED


def test_member_cannot_decide_join_requests(outsider, member, community_factory):
    closed = community_factory(closed=True, title="Besloten groep")
    join(member, closed)
    membership = services.community_join(user=outsider, community=closed)
    with pytest.raises(PermissionDenied):
        services.join_request_decide(facilitator=member, membership=membership, approve=True)


def test_private_community_cannot_be_joined_without_invitation(outsider, community_factory):
    private = community_factory(private=True, title="Privé groep")
    with pytest.raises(PermissionDenied):
        services.community_join(user=outsider, community=private)


def test_invitation_lets_the_invited_address_join(outsider, facilitator, community_factory):
    private = community_factory(private=True, title="Privé groep")
    join(facilitator, private, role=Membership.Role.FACILITATOR)
    token = services.invitation_token(community=private, email=outsider.email, inviter=facilitator)
    services.invitation_accept(user=outsider, token=token)
    policies.forget_memberships(outsider)
    assert policies.can_read_posts(outsider, private)


def test_invitation_link_works_once(client, outsider, facilitator, community_factory):
    """Someone who left (or was removed) cannot walk back in with the same link."""
    private = community_factory(private=True, title="Privé groep")
    join(facilitator, private, role=Membership.Role.FACILITATOR)
    token = services.invitation_token(community=private, email=outsider.email, inviter=facilitator)
    client.force_login(outsider)
    assert client.post(f"/uitnodiging/{token}/").status_code == 302
    Membership.objects.filter(user=outsider, community=private).delete()
    policies.forget_memberships(outsider)

    again = client.post(f"/uitnodiging/{token}/")
    assert again.status_code == 400
    assert "Deze uitnodiging is al gebruikt" in again.content.decode()
    assert "al gebruikt" in client.get(f"/uitnodiging/{token}/").content.decode()
    assert not Membership.objects.filter(user=outsider, community=private).exists()
    with pytest.raises(ValidationError, match="al gebruikt"):
        services.invitation_accept(user=outsider, token=token)


def test_a_new_invitation_for_the_same_address_works(outsider, facilitator, community_factory):
    private = community_factory(private=True, title="Privé groep")
    join(facilitator, private, role=Membership.Role.FACILITATOR)
    first = services.invitation_token(community=private, email=outsider.email, inviter=facilitator)
    second = services.invitation_token(community=private, email=outsider.email, inviter=facilitator)
    services.invitation_accept(user=outsider, token=first)
    services.community_leave(user=outsider, community=private)
    services.invitation_accept(user=outsider, token=second)
    assert Membership.objects.filter(user=outsider, community=private, status="active").exists()


def test_invitation_for_another_address_is_refused(outsider, member, facilitator, community_factory):
    private = community_factory(private=True, title="Privé groep")
    join(facilitator, private, role=Membership.Role.FACILITATOR)
    token = services.invitation_token(community=private, email="iemand.anders@gemeente.example", inviter=facilitator)
    with pytest.raises(ValidationError):
        services.invitation_accept(user=outsider, token=token)
    assert not Membership.objects.filter(user=outsider, community=private).exists()


def test_tampered_or_expired_invitation_is_refused(outsider, facilitator, community_factory, monkeypatch):
    private = community_factory(private=True, title="Privé groep")
    join(facilitator, private, role=Membership.Role.FACILITATOR)
    token = services.invitation_token(community=private, email=outsider.email, inviter=facilitator)
    with pytest.raises(ValidationError):
        services.invitation_read(token[:-2] + "xx")
    monkeypatch.setattr(services, "INVITATION_MAX_AGE", -1)
    with pytest.raises(ValidationError, match="verlopen"):
        services.invitation_read(token)


def test_only_facilitators_invite(member, community):
    with pytest.raises(PermissionDenied):
        services.invitation_token(community=community, email="x@example.org", inviter=member)


def test_last_facilitator_cannot_leave(facilitator, community):
    with pytest.raises(ValidationError):
        services.community_leave(user=facilitator, community=community)
    assert Membership.objects.filter(user=facilitator, community=community).exists()


def test_member_can_leave_and_loses_access(member, community_factory):
    closed = community_factory(closed=True, title="Besloten groep")
    join(member, closed)
    services.community_leave(user=member, community=closed)
    assert not policies.can_read_posts(member, closed)


def test_signing_salt_is_specific_to_invitations(outsider, facilitator, community):
    foreign = signing.dumps({"c": community.pk, "e": outsider.email})  # signed, but not as an invitation
    with pytest.raises(ValidationError):
        services.invitation_read(foreign)


def test_declined_request_is_final(outsider, community_factory, facilitator):
    closed = community_factory(closed=True, title="Besloten groep")
    join(facilitator, closed, role=Membership.Role.FACILITATOR)
    membership = services.community_join(user=outsider, community=closed)
    services.join_request_decide(facilitator=facilitator, membership=membership, approve=False)
    with pytest.raises(ValidationError, match="afgewezen"):
        services.community_join(user=outsider, community=closed)
    assert Membership.objects.get(pk=membership.pk).status == Membership.Status.DECLINED


def test_joining_twice_gives_one_membership(outsider, community):
    first = services.community_join(user=outsider, community=community)
    second = services.community_join(user=outsider, community=community)
    assert first.pk == second.pk and Membership.objects.filter(user=outsider).count() == 1


def test_invitation_ends_when_the_inviter_stops_facilitating(outsider, facilitator, community_factory):
    private = community_factory(private=True, title="Privé groep")
    role = join(facilitator, private, role=Membership.Role.FACILITATOR)
    token = services.invitation_token(community=private, email=outsider.email, inviter=facilitator)
    role.role = Membership.Role.MEMBER
    role.save()
    with pytest.raises(ValidationError, match="niet meer geldig"):
        services.invitation_accept(user=outsider, token=token)


def test_editing_into_a_copy_of_another_post_is_refused(asker, community):
    ask(asker, community, title="De eerste vraag over schuldhulp", body="Zelfde tekst")
    second = ask(asker, community, title="De tweede vraag over schuldhulp", body="Andere tekst")
    with pytest.raises(ValidationError, match="precies deze tekst"):
        services.post_edit(editor=asker, post=second, title="De eerste vraag over schuldhulp", body="Zelfde tekst")


def test_no_reply_to_a_hidden_answer(asker, helper, facilitator, community):
    post = ask(asker, community)
    one = answer(helper, post)
    services.answer_set_hidden(moderator=facilitator, answer=one, post=post, hidden=True, reason="Onjuist")
    with pytest.raises(ValidationError, match="verborgen"):
        services.answer_create(author=asker, post=post, body="Reactie", parent=Answer.objects.get(pk=one.pk))


def test_the_recount_migration_corrects_stored_counters(asker, helper, member, community):
    import importlib

    from django.apps import apps

    recount = importlib.import_module("home.migrations.0003_recount_answer_counters").recount
    post = ask(asker, community)
    one = answer(helper, post)
    answer(asker, post, body="Dank je!", parent=one)
    services.answer_vote(user=member, answer=one, post=post)
    Post.objects.filter(pk=post.pk).update(answer_count=2)  # as stored before: the reply counted too
    Answer.objects.filter(pk=one.pk).update(helpful_count=3)  # votes of since deleted accounts
    from django.db import connection

    recount(apps, type("SchemaEditor", (), {"connection": connection})())
    recount(apps, type("SchemaEditor", (), {"connection": connection})())
    assert Post.objects.get(pk=post.pk).answer_count == 1
    assert Answer.objects.get(pk=one.pk).helpful_count == 1
