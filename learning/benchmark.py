"""The benchmark: how a community (and, across communities, an organisation) is doing.

Figures are computed with a fixed number of aggregate queries, whatever the data size: no loop
over rows that queries. Only facilitators of a community (and site administrators) see its
figures (learning/policies or the view checks that); organisation figures count a private
community only as numbers, and only when it has at least PRIVATE_MIN_MEMBERS members.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from community.models import Answer, Membership, Post

PRIVATE_MIN_MEMBERS = 5
TREND_WEEKS = 12
ACTIVE_DAYS = 30


@dataclass
class Period:
    start: datetime
    end: datetime

    @classmethod
    def last_days(cls, days: int, *, now: datetime | None = None) -> Period:
        now = now or timezone.now()
        return cls(start=now - timedelta(days=days), end=now)


@dataclass
class CommunityHealth:
    members: int
    active_members: int
    questions: int
    answered: int
    solved: int
    median_first_answer_hours: float | None
    stories_by_status: dict[str, int]
    top_contributors: list[dict]
    weekly: list[dict] = field(default_factory=list)

    @property
    def share_answered(self) -> float | None:
        return self.answered / self.questions if self.questions else None

    @property
    def share_solved(self) -> float | None:
        return self.solved / self.questions if self.questions else None


def _median_hours(deltas) -> float | None:
    hours = [d.total_seconds() / 3600 for d in deltas if d is not None]
    return round(statistics.median(hours), 1) if hours else None


def community_health(community, period: Period, *, now: datetime | None = None) -> CommunityHealth:
    """Figures for one community over a period, plus a 12-week trend ending at the period's end."""
    now = now or timezone.now()
    posts = Post.objects.filter(community=community, is_hidden=False)
    in_period = posts.filter(created_at__gte=period.start, created_at__lt=period.end)

    # 1 query: questions, answered and solved in the period.
    q = in_period.filter(kind=Post.Kind.QUESTION).aggregate(
        questions=Count("pk"),
        answered=Count("pk", filter=Q(answer_count__gt=0)),
        solved=Count("pk", filter=Q(accepted_answer__isnull=False)),
    )
    # 1 query: first-answer time per answered question (one row per question, no per-row query).
    firsts = (
        in_period.filter(kind=Post.Kind.QUESTION, answer_count__gt=0)
        .annotate(first_answer=Min("answers__submit_date", filter=Q(answers__is_public=True)))
        .values_list("created_at", "first_answer")
    )
    median = _median_hours([first - created for created, first in firsts if first])
    # 1 query: stories by status.
    stories = dict(
        in_period.filter(kind=Post.Kind.STORY).values_list("story_status").annotate(n=Count("pk")).order_by()
    )
    # 2 queries: members, and members active (asked, shared or answered) in the last 30 days.
    since = now - timedelta(days=ACTIVE_DAYS)
    members_qs = Membership.objects.filter(community=community, status=Membership.Status.ACTIVE)
    members = members_qs.count()
    active = members_qs.filter(
        Q(user_id__in=Post.objects.filter(community=community, created_at__gte=since).values("author_id"))
        | Q(user_id__in=Answer.objects.filter(post__community=community, submit_date__gte=since).values("user_id"))
    ).count()
    # 1 query: top contributors by helpful votes on their answers in the period.
    top = list(
        Answer.objects.filter(post__community=community, is_public=True, is_removed=False,
                              submit_date__gte=period.start, submit_date__lt=period.end)
        .values("user_id", "user__profile__display_name", "user__username")
        .annotate(helpful=Sum("helpful_count"), answers=Count("pk"))
        .order_by("-helpful", "-answers", "user_id")[:5]
    )
    return CommunityHealth(
        members=members,
        active_members=active,
        questions=q["questions"],
        answered=q["answered"],
        solved=q["solved"],
        median_first_answer_hours=median,
        stories_by_status={status: stories.get(status, 0) for status in Post.StoryStatus.values},
        top_contributors=top,
        weekly=weekly_trend(community, end=period.end),
    )


def weekly_trend(community, *, end: datetime, weeks: int = TREND_WEEKS) -> list[dict]:
    """Questions, stories and answers per week for the `weeks` weeks up to `end` (2 queries)."""
    end_day = timezone.localtime(end).date()
    monday = end_day - timedelta(days=end_day.weekday())
    first_monday = monday - timedelta(weeks=weeks - 1)
    start = timezone.make_aware(datetime.combine(first_monday, datetime.min.time()))
    posts = (
        Post.objects.filter(community=community, is_hidden=False, created_at__gte=start, created_at__lt=end)
        .annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(questions=Count("pk", filter=Q(kind=Post.Kind.QUESTION)),
                  stories=Count("pk", filter=Q(kind=Post.Kind.STORY)))
        .order_by()
    )
    answers = (
        Answer.objects.filter(post__community=community, is_public=True, submit_date__gte=start, submit_date__lt=end)
        .annotate(week=TruncWeek("submit_date"))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_week: dict[date, dict] = {
        first_monday + timedelta(weeks=i): {"week": first_monday + timedelta(weeks=i), "questions": 0, "stories": 0,
                                            "answers": 0}
        for i in range(weeks)
    }
    for row in posts:
        key = _as_date(row["week"])
        if key in by_week:
            by_week[key].update(questions=row["questions"], stories=row["stories"])
    for row in answers:
        key = _as_date(row["week"])
        if key in by_week:
            by_week[key]["answers"] = row["n"]
    return list(by_week.values())


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value
