"""Figures behind the benchmark pages: a community's health and the organisation benchmark.

Built on learning.benchmark (``community_health``, ``weekly_trend``), adding what the framework
sets in motion (prompt responses, learning-goal coverage) and the organisation comparison. Every
function here runs a fixed number of aggregate queries, whatever the data size; no loop queries.

Privacy (organisation benchmark): figures are totals per organisation, never per community. A
private community counts only when it has at least ``PRIVATE_MIN_MEMBERS`` active members, so a
small private group can never be singled out. Organisations that did not opt in (``BenchmarkOptIn``)
are added up as "overige", shown only when that covers at least ``OTHERS_MIN_ORGANISATIONS``.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, Min, OuterRef, Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Answer, CommunityPage, Membership, Organisation, Post, Profile, Visibility
from learning.benchmark import ACTIVE_DAYS, PRIVATE_MIN_MEMBERS, CommunityHealth, Period, community_health
from learning.models import LearningGoal, PostLink

from .models import BenchmarkOptIn, Session, SignUp

OTHERS_MIN_ORGANISATIONS = 2
OTHERS_KEY = "overige"


def period_from_dates(start: datetime.date, end: datetime.date) -> Period:
    """A Period from the first to the last day inclusive, in Amsterdam time."""
    tz = timezone.get_default_timezone()
    return Period(
        start=timezone.make_aware(datetime.datetime.combine(start, datetime.time.min), tz),
        end=timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min), tz),
    )


# -- one community -------------------------------------------------------------------------------


@dataclass
class CommunityDashboard:
    health: CommunityHealth
    prompt_responses: int
    prompts_responded: int
    goals_total: int
    goals_covered: int

    @property
    def goal_coverage(self) -> float | None:
        return self.goals_covered / self.goals_total if self.goals_total else None


def community_dashboard(community, period: Period, *, now=None) -> CommunityDashboard:
    """community_health (7 queries) plus prompt responses and learning-goal coverage (2 queries)."""
    health = community_health(community, period, now=now)
    in_period = Q(post__created_at__gte=period.start, post__created_at__lt=period.end, post__is_hidden=False)
    prompts = PostLink.objects.filter(in_period, post__community=community, prompt__isnull=False).aggregate(
        responses=Count("pk"), prompts=Count("prompt", distinct=True)
    )
    goals = LearningGoal.objects.current().filter(community=community).aggregate(
        total=Count("pk", distinct=True),
        covered=Count("pk", distinct=True, filter=Q(
            posts__post__created_at__gte=period.start, posts__post__created_at__lt=period.end,
            posts__post__is_hidden=False, posts__post__community=community,
        )),
    )
    return CommunityDashboard(
        health=health,
        prompt_responses=prompts["responses"],
        prompts_responded=prompts["prompts"],
        goals_total=goals["total"],
        goals_covered=goals["covered"],
    )


# -- organisations -------------------------------------------------------------------------------


@dataclass
class OrganisationFigures:
    key: str
    name: str
    organisations: int = 1
    is_own: bool = False
    people: int = 0
    active: int = 0
    questions: int = 0
    answered: int = 0
    solved: int = 0
    stories: int = 0
    answers: int = 0
    accepted_answers: int = 0
    prompt_responses: int = 0
    sessions_given: int = 0
    sessions_followed: int = 0
    first_answer_hours: list = field(default_factory=list, repr=False)
    suppressed: bool = False

    COUNTS = ("people", "active", "questions", "answered", "solved", "stories", "answers", "accepted_answers",
              "prompt_responses", "sessions_given", "sessions_followed")

    @property
    def share_answered(self) -> float | None:
        return self.answered / self.questions if self.questions else None

    @property
    def share_solved(self) -> float | None:
        return self.solved / self.questions if self.questions else None

    @property
    def median_first_answer_hours(self) -> float | None:
        return round(statistics.median(self.first_answer_hours), 1) if self.first_answer_hours else None

    def add(self, other: OrganisationFigures) -> None:
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.first_answer_hours.extend(other.first_answer_hours)


# The figures of the comparison, in table order: (attribute, label, kind).
ORGANISATION_FIGURES = [
    ("people", _("Collega's in gemeenschappen"), "count"),
    ("active", _("Actief in de laatste 30 dagen"), "count"),
    ("questions", _("Vragen gesteld"), "count"),
    ("share_answered", _("Deel van de vragen beantwoord"), "share"),
    ("share_solved", _("Deel van de vragen opgelost"), "share"),
    ("median_first_answer_hours", _("Mediane tijd tot eerste antwoord (uren)"), "hours"),
    ("stories", _("Praktijkverhalen gedeeld"), "count"),
    ("answers", _("Antwoorden gegeven"), "count"),
    ("accepted_answers", _("Geaccepteerde antwoorden"), "count"),
    ("prompt_responses", _("Reacties op prikkels"), "count"),
    ("sessions_given", _("Train je Collega: sessies gegeven"), "count"),
    ("sessions_followed", _("Train je Collega: sessies gevolgd"), "count"),
]
CHARTABLE = [(key, label) for key, label, kind in ORGANISATION_FIGURES if kind == "count"]


def eligible_communities():
    """Communities that count for organisations: all live open and closed ones, and private ones
    with at least PRIVATE_MIN_MEMBERS active members (a subquery; not evaluated on its own)."""
    return (
        CommunityPage.objects.live()
        .annotate(active_members=Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE)))
        .filter(~Q(visibility=Visibility.PRIVATE) | Q(active_members__gte=PRIVATE_MIN_MEMBERS))
        .values("pk")
    )


@dataclass
class OrganisationBenchmark:
    columns: list[OrganisationFigures]
    others: OrganisationFigures
    total: OrganisationFigures

    def rows(self):
        """(label, kind, [value per column]) for the side-by-side table."""
        columns = [*self.columns, self.others, self.total]
        return [
            (label, kind, [None if c.suppressed else getattr(c, attr) for c in columns])
            for attr, label, kind in ORGANISATION_FIGURES
        ]


def organisation_benchmark(period: Period, *, viewer=None, now=None) -> OrganisationBenchmark:
    """Per organisation (opted in by name, the rest as "overige"), over all communities its people
    take part in, plus Train je Collega sessions given and followed. Nine queries."""
    now = now or timezone.now()
    eligible = eligible_communities()
    since = now - datetime.timedelta(days=ACTIVE_DAYS)
    in_period = {"created_at__gte": period.start, "created_at__lt": period.end}

    orgs = list(  # 1
        Organisation.objects.annotate(
            opted_in=Exists(BenchmarkOptIn.objects.filter(organisation=OuterRef("pk"))),
            is_own=Exists(BenchmarkOptIn.objects.filter(organisation=OuterRef("pk"), contacts=viewer.pk))
            if viewer is not None and viewer.is_authenticated else Value(False),
        ).values("pk", "name", "opted_in", "is_own").order_by("name")
    )
    figures = {o["pk"]: OrganisationFigures(key=str(o["pk"]), name=o["name"], is_own=bool(o["is_own"])) for o in orgs}

    def put(rows, **names):
        for row in rows:
            target = figures.get(row["org"])
            if target is not None:
                for attr, column in names.items():
                    setattr(target, attr, row[column])

    put(Profile.objects.filter(  # 2
        organisation__isnull=False, user__memberships__status=Membership.Status.ACTIVE,
        user__memberships__community__in=eligible,
    ).values(org=F("organisation")).annotate(n=Count("user", distinct=True)).order_by(), people="n")

    put(Profile.objects.filter(organisation__isnull=False).filter(  # 3
        Q(user__in=Post.objects.filter(community__in=eligible, created_at__gte=since, is_hidden=False)
          .values("author_id"))
        | Q(user__in=Answer.objects.filter(post__community__in=eligible, submit_date__gte=since, is_public=True,
                                            is_removed=False).values("user_id"))
    ).values(org=F("organisation")).annotate(n=Count("pk")).order_by(), active="n")

    posts = Post.objects.filter(community__in=eligible, is_hidden=False, **in_period)
    question = Q(kind=Post.Kind.QUESTION)
    put(posts.values(org=F("author__profile__organisation")).annotate(  # 4
        questions=Count("pk", filter=question),
        answered=Count("pk", filter=question & Q(answer_count__gt=0)),
        solved=Count("pk", filter=question & Q(accepted_answer__isnull=False)),
        stories=Count("pk", filter=Q(kind=Post.Kind.STORY)),
    ).order_by(), questions="questions", answered="answered", solved="solved", stories="stories")

    firsts = (  # 5: one row per answered question
        posts.filter(question, answer_count__gt=0)
        .annotate(first=Min("answers__submit_date", filter=Q(answers__is_public=True)))
        .values_list("author__profile__organisation", "created_at", "first")
    )
    for org_id, created, first in firsts:
        if org_id in figures and first is not None:
            figures[org_id].first_answer_hours.append((first - created).total_seconds() / 3600)

    put(Answer.objects.filter(  # 6
        post__community__in=eligible, post__is_hidden=False, is_public=True, is_removed=False,
        submit_date__gte=period.start, submit_date__lt=period.end,
    ).values(org=F("user__profile__organisation")).annotate(
        answers=Count("pk"), accepted=Count("pk", filter=Q(post__accepted_answer=F("pk"))),
    ).order_by(), answers="answers", accepted_answers="accepted")

    put(PostLink.objects.filter(  # 7
        prompt__isnull=False, post__community__in=eligible, post__is_hidden=False,
        post__created_at__gte=period.start, post__created_at__lt=period.end,
    ).values(org=F("post__author__profile__organisation")).annotate(n=Count("pk")).order_by(), prompt_responses="n")

    training = Q(kind=Session.Kind.TRAINING, status=Session.Status.PUBLISHED,
                 starts_at__gte=period.start, starts_at__lt=period.end)
    put(Session.objects.filter(training).values(org=F("organisation")).annotate(n=Count("pk")).order_by(),  # 8
        sessions_given="n")
    put(SignUp.objects.filter(  # 9
        status=SignUp.Status.CONFIRMED, session__kind=Session.Kind.TRAINING, session__status=Session.Status.PUBLISHED,
        session__starts_at__gte=period.start, session__starts_at__lt=period.end,
    ).values(org=F("user__profile__organisation")).annotate(n=Count("pk")).order_by(), sessions_followed="n")

    columns = [figures[o["pk"]] for o in orgs if o["opted_in"]]
    rest = [figures[o["pk"]] for o in orgs if not o["opted_in"]]
    others = OrganisationFigures(key=OTHERS_KEY, name=str(_("Overige organisaties")), organisations=len(rest))
    for f in rest:
        others.add(f)
    others.suppressed = len(rest) < OTHERS_MIN_ORGANISATIONS
    total = OrganisationFigures(key="totaal", name=str(_("Alle organisaties")), organisations=len(orgs))
    for f in figures.values():
        total.add(f)
    # Total minus the named columns would give "overige" away: hide both or neither.
    total.suppressed = others.suppressed
    return OrganisationBenchmark(columns=columns, others=others, total=total)
