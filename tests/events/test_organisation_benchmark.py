"""Organisation benchmark against a small hand-built data set with known answers.

Organisations A and B opted in; C and D did not (together "overige"). Communities: open O;
private P5 with five active members (counts, as numbers); private P4 with four (does not count).
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from community import services as community_services
from community.models import Answer, Membership, Post
from learning.events import dashboards
from learning.events.models import BenchmarkOptIn, Edition, Session, SignUp
from tests.community.conftest import answer, ask, join
from tests.events.conftest import in_days
from tests.factories import OrganisationFactory, UserFactory

TWO_DAYS_AGO = timezone.now() - datetime.timedelta(days=2)


def _backdate(post, *answers_after_hours):
    Post.objects.filter(pk=post.pk).update(created_at=TWO_DAYS_AGO)
    for item, hours in answers_after_hours:
        Answer.objects.filter(pk=item.pk).update(submit_date=TWO_DAYS_AGO + datetime.timedelta(hours=hours))


class Data:
    def __init__(self, community_factory):
        self.orgs = {k: OrganisationFactory(name=f"Organisatie {k}") for k in "ABCD"}
        for k in "AB":
            BenchmarkOptIn.objects.create(organisation=self.orgs[k])
        today = timezone.localdate()
        edition = Edition.objects.create(title="Editie", starts_on=today - datetime.timedelta(days=60),
                                         ends_on=today + datetime.timedelta(days=60))

        def person(name, org):
            return UserFactory(username=name, profile__organisation=self.orgs[org])

        self.a1, self.a2, self.b1, self.c1 = person("a1", "A"), person("a2", "A"), person("b1", "B"), person("c1", "C")
        self.ds = [person(f"d{i}", "D") for i in range(1, 5)]
        self.cs = [person(f"c{i}", "C") for i in range(2, 5)]
        self.open = community_factory(title="Open gemeenschap")
        self.p5 = community_factory(title="Privé met vijf", private=True)
        self.p4 = community_factory(title="Privé met vier", private=True)
        for user in (self.a1, self.a2, self.b1, self.c1):
            join(user, self.open)
        for user in (self.a1, *self.ds):
            join(user, self.p5)
        for user in (self.b1, *self.cs):
            join(user, self.p4)

        q1 = ask(self.a1, self.open, title="Vraag een van organisatie A")
        r1 = answer(self.b1, q1)
        community_services.answer_accept(user=self.a1, post=q1, answer=r1)
        _backdate(q1, (r1, 2))
        q2 = ask(self.a2, self.open, title="Vraag twee van organisatie A")
        _backdate(q2, (answer(self.c1, q2), 6))
        _backdate(ask(self.b1, self.open, title="Vraag drie van organisatie B"))
        story, _ = community_services.post_create(author=self.c1, community=self.open, kind="story",
                                                  title="Verhaal van organisatie C",
                                                  story={"story_status": "lopend", "context": "c"})
        _backdate(story)
        q4 = ask(self.a1, self.p5, title="Vraag vier in de kleine privékring")
        _backdate(q4, (answer(self.ds[0], q4), 4))
        self.q5 = ask(self.b1, self.p4, title="Vraag vijf in de te kleine kring")
        _backdate(self.q5, (answer(self.cs[0], self.q5), 1))

        given = Session.objects.create(
            edition=edition, title="Sessie van A", description="d", host=self.a2, organisation=self.orgs["A"],
            location="Zaal", starts_at=in_days(-3), capacity=2)
        SignUp.objects.create(session=given, user=self.b1, status="confirmed", position=1)
        SignUp.objects.create(session=given, user=self.c1, status="confirmed", position=2)
        SignUp.objects.create(session=given, user=self.ds[0], status="waitlisted", position=3)
        Session.objects.create(edition=edition, title="Afgelast", description="d", host=self.a1,
                               organisation=self.orgs["A"], location="Zaal", starts_at=in_days(-4),
                               status=Session.Status.CANCELLED)


@pytest.fixture
def data(community_factory):
    return Data(community_factory)


def _bench(viewer=None):
    today = timezone.localdate()
    return dashboards.organisation_benchmark(
        dashboards.period_from_dates(today - datetime.timedelta(days=29), today), viewer=viewer)


def _by_name(bench):
    return {c.name: c for c in bench.columns}


def test_opted_in_organisations_by_name_with_known_figures(data):
    bench = _bench()
    cols = _by_name(bench)
    assert list(cols) == ["Organisatie A", "Organisatie B"]
    a, b = cols["Organisatie A"], cols["Organisatie B"]
    assert (a.people, a.questions, a.answered, a.solved) == (2, 3, 3, 1)
    assert a.median_first_answer_hours == 4.0  # 2, 4 and 6 hours
    assert round(a.share_solved, 3) == 0.333
    assert (a.sessions_given, a.sessions_followed, a.answers) == (1, 0, 0)
    assert (b.people, b.questions, b.answered, b.answers, b.accepted_answers, b.sessions_followed) == (1, 1, 0, 1, 1, 1)
    assert b.median_first_answer_hours is None


def test_the_rest_is_added_up_as_overige(data):
    others = _bench().others
    assert others.name == "Overige organisaties" and others.organisations == 2 and not others.suppressed
    assert (others.people, others.questions, others.stories, others.answers, others.sessions_followed) == (5, 0, 1, 2, 1)


def test_private_community_below_five_members_does_not_count(data):
    b = _by_name(_bench())["Organisatie B"]
    assert b.questions == 1  # the question in the four-member circle is left out
    join(UserFactory(username="vijfde"), data.p4)  # the fifth active member
    b = _by_name(_bench())["Organisatie B"]
    assert b.questions == 2 and b.answered == 1


def test_pending_members_do_not_lift_a_private_community_over_the_threshold(data):
    Membership.objects.create(user=UserFactory(username="wacht"), community=data.p4, status=Membership.Status.PENDING)
    assert _by_name(_bench())["Organisatie B"].questions == 1


def test_overige_and_total_are_hidden_when_they_would_single_out_one_organisation(data):
    BenchmarkOptIn.objects.create(organisation=data.orgs["D"])
    bench = _bench()
    assert bench.others.organisations == 1 and bench.others.suppressed and bench.total.suppressed
    assert all(values[-1] is None and values[-2] is None for _label, _kind, values in bench.rows())


def test_page_never_names_organisations_that_did_not_opt_in_nor_private_communities(client, data, superuser):
    client.force_login(superuser)
    html = client.get("/benchmark/organisaties/").content.decode()
    assert "Organisatie A" in html and "Overige organisaties" in html
    for secret in ("Organisatie C", "Organisatie D", "Privé met vijf", "Privé met vier", "kleine privékring"):
        assert secret not in html


def test_contact_of_an_opted_in_organisation_sees_the_comparison_with_their_own_marked(client, data):
    BenchmarkOptIn.objects.get(organisation=data.orgs["A"]).contacts.add(data.a1)
    client.force_login(data.a1)
    html = client.get("/benchmark/organisaties/").content.decode()
    assert "jouw organisatie" in html
    assert [c.is_own for c in _bench(viewer=data.a1).columns] == [True, False]
