"""seed_bench writes consistent data: threads exactly as django-comments-xtd builds them, exact counters."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Count, F

from community import services
from community.models import Answer, HelpfulVote, Membership, Post
from community.models.posts import COUNTED_ANSWERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(site_tree):
    call_command("seed_bench", scale=0.002, force=True, no_search_index=True, verbosity=0)


def thread_shape(post):
    """(level, order, nested_count, parent's position) of each answer, in creation order."""
    answers = list(Answer.objects.filter(post=post).order_by("pk"))
    position = {a.pk: i for i, a in enumerate(answers)}
    return [(a.level, a.order, a.nested_count, position[a.parent_id], position[a.thread_id]) for a in answers]


def test_threads_match_what_comments_xtd_builds_one_answer_at_a_time(seeded):
    seeded_post = Post.objects.annotate(rows=Count("answers")).filter(rows=50).order_by("pk").first()
    assert Answer.objects.filter(post=seeded_post, level__gt=0).exists()
    author = seeded_post.author
    replay, _ = services.post_create(author=author, community=seeded_post.community, kind="question",
                                     title="Dezelfde draad nog een keer", body="Opnieuw opgebouwd.")
    new_ids = {}
    for i, answer in enumerate(Answer.objects.filter(post=seeded_post).order_by("pk")):
        parent = None
        if answer.parent_id != answer.pk:
            parent = Answer.objects.get(pk=new_ids[answer.parent_id])
        created, _ = services.answer_create(author=author, post=replay, body=f"Antwoord {i}", parent=parent)
        new_ids[answer.pk] = created.pk
    assert thread_shape(replay) == thread_shape(seeded_post)


def test_counters_match_the_rows(seeded):
    rows = dict(Answer.objects.filter(COUNTED_ANSWERS).order_by().values("post_id").annotate(n=Count("pk"))
                .values_list("post_id", "n"))
    for post in Post.objects.all():
        assert post.answer_count == rows.get(post.pk, 0)
    votes = dict(HelpfulVote.objects.values("answer_id").annotate(n=Count("pk")).values_list("answer_id", "n"))
    for answer in Answer.objects.all():
        assert answer.helpful_count == votes.get(answer.pk, 0)
    assert not HelpfulVote.objects.filter(user_id=F("answer__user_id")).exists()


def test_authors_are_active_members_and_accepted_answers_belong_to_their_post(seeded):
    for post in Post.objects.select_related("accepted_answer"):
        assert Membership.objects.filter(user=post.author, community=post.community, status="active").exists()
        if post.accepted_answer:
            assert post.accepted_answer.post_id == post.pk
            assert post.accepted_answer.level == 0


def test_refuses_to_seed_the_same_database_twice(seeded):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_bench", scale=0.002, force=True, no_search_index=True, verbosity=0)


def test_sessions_are_trainings_in_an_edition_or_meetups_of_a_community(seeded):
    from django.apps import apps

    Session = apps.get_model("events", "Session")
    assert Session.objects.exists()
    assert not Session.objects.filter(kind="training", edition__isnull=True).exists()
    assert not Session.objects.filter(kind="training", community__isnull=False).exists()
