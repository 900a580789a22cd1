"""Benchmark volumes, fast: ``python manage.py seed_bench --scale N`` (see bench/README.md).

At scale 1: 50 communities, 5,000 members with profiles and memberships, 20,000 posts (questions
and practice stories), 100,000 threaded answers with accepted answers and helpful votes, and 500
sessions (Train je Collega and meetups; no sign-ups). Scale N
is N times that (fractions such as 0.1 work for quick tries).

Why it does not go through the services: one service call per row would take hours. Everything is
computed in memory first, with the primary keys allocated up front, so every counter
(``answer_count``: visible top-level answers; ``helpful_count``), every thread field and every foreign key is known before a
single row is written; then each table is written in bulk inside one transaction (foreign keys are
checked at commit, so a post may point at its accepted answer before that answer's row exists).

- Communities are pages and go through Wagtail's tree API (``add_child``), one by one.
- Users, profiles, memberships, posts, themes and votes use ``bulk_create``.
- Answers are a multi-table model (Comment → XtdComment → Answer), which Django's ``bulk_create``
  refuses; their three tables are written with PostgreSQL's COPY (plain ``executemany`` on SQLite).
- Threads follow django-comments-xtd's scheme (``XtdComment._calculate_thread_data``): a top-level
  answer has ``thread_id = parent_id = its own id``, ``level 0``, ``order 1``; replies share the
  thread id, have ``level = parent level + 1`` (at most COMMENTS_XTD_MAX_THREAD_LEVEL), and
  ``order`` numbers the thread in depth-first order, each reply after its parent's earlier replies;
  ``nested_count`` counts all descendants.
- Markdown is rendered once per distinct template text, not once per row.

The data are deterministic for a given ``--seed``. The command refuses to run twice on the same
database (bench users exist), and with DEBUG off unless ``--force`` (it is not for production).
"""

from __future__ import annotations

import hashlib
import random
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone as dt_timezone

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils.text import slugify

from community import markdown
from community.models import (
    Answer,
    CommunityPage,
    HelpfulVote,
    Membership,
    Organisation,
    Post,
    Profile,
    Theme,
    Visibility,
)

BENCH_PASSWORD = "bench-wachtwoord"  # noqa: S105 - documented benchmark login, never in production
USERNAME = "bench{:06d}"

PER_SCALE = {"communities": 50, "members": 5_000, "posts": 20_000, "answers": 100_000, "sessions": 500}
QUESTION_SHARE = 0.7
LONG_THREAD = 50  # every community's first question has exactly this many answers (bench/run shows one)

AREAS = [
    "Schuldhulp", "Jeugdzorg", "Wmo-toegang", "Participatie", "Inburgering", "Armoedebeleid", "Huisvesting",
    "Digitale dienstverlening", "Klantcontact", "Omgevingswet", "Energietransitie", "Mobiliteit",
    "Informatiebeheer", "Privacy", "Integriteit", "Inkoop", "Vergunningverlening", "Toezicht en handhaving",
    "Burgerzaken", "Openbare ruimte", "Wijkteams", "Vrijwilligerswerk", "Onderwijshuisvesting", "Cultuur",
    "Sportbeleid", "Gezondheidsbeleid", "Veiligheid", "Crisisbeheersing", "Archief", "Data en analyse",
]
SUFFIXES = ["in de wijk", "in de regio", "aan de balie", "in de praktijk", "voor professionals", "samen met inwoners"]
PLACES = [
    "Rivierstad", "Dorpsveen", "Heuveldam", "Zandhoven", "Waterburg", "Kerkwijk", "Molenaarsgraaf", "Bosland",
    "Duinrand", "Polderwaard", "Noorderhaven", "Oosterbeek", "Zuiderveld", "Westmeer", "Marktveen", "Lindenhout",
    "Brugge aan Zee", "Hoogkerk", "Laagland", "Veenhuizen",
]
FIRST_NAMES = [
    "Anouk", "Bram", "Chantal", "Daan", "Eva", "Fatima", "Gijs", "Hanna", "Ibrahim", "Jasmijn", "Kees", "Lotte",
    "Mohamed", "Noor", "Olga", "Pieter", "Roos", "Sanne", "Thijs", "Umut", "Vera", "Wouter", "Yara", "Zeynep",
]
LAST_NAMES = [
    "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos",
    "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "El Amrani", "Yilmaz",
]
JOB_TITLES = [
    "Consulent werk en inkomen", "Beleidsadviseur", "Wijkcoach", "Programmamanager", "Teamleider",
    "Klantcontactmedewerker", "Jurist", "Informatieadviseur", "Projectleider", "Coördinator vrijwilligers",
]
THEME_NAMES = ["Vroegsignalering", "Samenwerking met partners", "Begrijpelijke taal", "Vrijwilligers",
               "Privacy", "Werkwijze", "Monitoring", "Inwonersparticipatie"]
QUESTION_TITLES = [
    "Hoe bereiken jullie inwoners die hun post niet meer openen?",
    "Welke afspraken maken jullie met partners over het delen van signalen?",
    "Ervaring met een spreekuur op een andere plek dan het gemeentehuis?",
    "Hoe meten jullie of een aanpak echt werkt?",
    "Wie heeft een goed voorbeeld van een brief op taalniveau B1?",
    "Hoe regelen jullie de privacy bij een gezamenlijke aanpak?",
    "Hoeveel uur per week besteden jullie aan huisbezoeken?",
    "Hoe houden jullie vrijwilligers langer dan een jaar vast?",
    "Welke vragen stellen jullie in het eerste gesprek?",
    "Hoe krijg je de wethouder mee in een experiment?",
    "Werkt een digitaal loket voor deze doelgroep?",
    "Hoe organiseren jullie de overdracht tussen teams?",
]
QUESTION_BODIES = [
    "Bij ons komen mensen pas in beeld als het al laat is. Brieven werken niet. **Wat doen jullie** om eerder "
    "in contact te komen?\n\n- Wij proberen nu huisbezoeken\n- En een inloopochtend",
    "We willen dit het komende half jaar anders aanpakken. Wie heeft ervaring, en wat zou je een volgende "
    "keer anders doen?",
    "Ik zoek voorbeelden uit andere gemeenten. Links naar documenten zijn welkom, maar vooral *wat je leerde* "
    "helpt me verder.",
    "Korte vraag: hoe lang duurde het bij jullie voordat dit goed liep? Bij ons zitten we nu op drie maanden.",
    "We lopen vast op de samenwerking met een partner. Hoe hebben jullie de afspraken vastgelegd?\n\n"
    "1. Een convenant\n2. Een werkafspraak per casus\n3. Iets anders?",
]
ANSWER_TEXTS = [
    "Wij lopen samen met de woningcorporatie langs bij huurachterstanden van twee maanden. Geen brief, gewoon "
    "aanbellen met een kop koffie.",
    "Bij ons werkt een vaste contactpersoon per partner het best. Dan weet iedereen wie hij moet bellen.",
    "Goede vraag! Wij hebben dit een jaar geprobeerd en zijn gestopt: het kostte te veel tijd voor te weinig "
    "bereik.",
    "Kijk eens naar de aanpak van de buurgemeente, die hebben er een mooi verslag van gemaakt. **Tip:** begin "
    "klein, met één wijk.",
    "Dank je, dit helpt. Hoeveel uur kost dat jullie per week?",
    "Ongeveer vier uur voor twee wijken, inclusief de nazorg.",
    "Wij gebruiken het landelijke convenant en maken per leverancier één werkafspraak.",
    "Eens met het vorige antwoord. Zorg wel dat de privacy-officer vanaf het begin meedenkt.",
    "Wat ons hielp:\n\n- een vaste plek en tijd\n- een gezicht dat mensen herkennen\n- korte lijnen met de "
    "schuldhulp",
    "Interessant, wij zien precies het omgekeerde. Misschien scheelt het dat onze wijken kleiner zijn?",
]
STORY_TITLES = [
    "Spreekuur in de supermarkt", "Maatjes voor de administratie", "Digitale budgetcoach voor jongeren",
    "Samen aanbellen met de woningcorporatie", "Een inloopochtend in de bibliotheek", "Brieven herschreven op B1",
    "Eén contactpersoon per partner", "Wijkgesprekken met koffie",
]
STORY_SECTIONS = {
    "context": ["Inwoners met geldzorgen kwamen niet naar het gemeentehuis.",
                "Veel mensen redden het na de hulp niet alleen met hun post.",
                "Onze brieven werden niet begrepen; het klantcontactcentrum kreeg veel vragen."],
    "tried": ["Een half jaar lang elke zaterdagochtend een tafel bij de ingang.",
              "Vrijwillige maatjes komen een jaar lang elke twee weken langs.",
              "We herschreven de tien meest verstuurde brieven samen met inwoners."],
    "building_blocks": ["- Een vaste bemensing die mensen herkennen\n- Steun van de leiding",
                        "- Goede training\n- Een vaste contactpersoon bij de gemeente"],
    "obstacles": ["- Privacy: gesprekken bij de ingang zijn niet prettig", "",
                  "- Na drie weken haakten veel deelnemers af\n- Buiten kantoortijd was niemand bereikbaar"],
    "lessons": ["Laagdrempelig werkt, maar zorg voor een rustige plek voor het vervolggesprek.",
                "Nog te vroeg om te zeggen; we meten na een jaar.",
                "Een app vervangt het persoonlijke contact niet."],
}
STORY_STATUSES = [Post.StoryStatus.ONGOING, Post.StoryStatus.SUCCEEDED, Post.StoryStatus.STOPPED]


@contextmanager
def explicit_timestamps(*fields):
    """Let bulk_create keep the timestamps we computed instead of auto_now_add's "now"."""
    saved = [(f, f.auto_now_add) for f in fields]
    try:
        for f, _ in saved:
            f.auto_now_add = False
        yield
    finally:
        for f, value in saved:
            f.auto_now_add = value


def copy_rows(model, columns: list[str], rows) -> None:
    """Write rows into one model's own table: COPY on PostgreSQL, executemany elsewhere."""
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(rows))  # noqa: S608


def next_id(model) -> int:
    return (model._base_manager.aggregate(m=Max("pk"))["m"] or 0) + 1


class Rendered(dict):
    """Markdown → sanitised HTML, rendered once per distinct text."""

    def __missing__(self, text):
        html = markdown.render(text)
        self[text] = html
        return html


class Command(BaseCommand):
    help = "Generate benchmark volumes quickly (scale 1: 50 communities, 5,000 members, 20,000 posts, 100,000 answers)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Multiplier of the scale-1 volumes (default 1).")
        parser.add_argument("--seed", type=int, default=8, help="Random seed; the same seed gives the same data.")
        parser.add_argument("--no-search-index", action="store_true",
                            help="Skip building the search index for the posts (faster; search finds nothing).")
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("seed_bench weigert te draaien met DEBUG uit; gebruik --force (niet op productie).")
        scale = options["scale"]
        if scale <= 0:
            raise CommandError("--scale moet groter dan 0 zijn.")
        User = get_user_model()
        if User.objects.filter(username=USERNAME.format(1)).exists():
            raise CommandError("Deze database heeft al benchmarkdata (gebruiker bench000001). Begin met een lege database.")
        self.rng = random.Random(options["seed"])
        self.n = {k: max(1, round(v * scale)) for k, v in PER_SCALE.items()}
        self.n["communities"] = max(3, self.n["communities"])
        self.timings: list[tuple[str, float]] = []
        self.now = datetime.now(dt_timezone.utc).replace(microsecond=0)
        self.md = Rendered()
        started = time.perf_counter()
        with transaction.atomic():
            self.step("site structure and communities (Wagtail tree API)", self.seed_communities)
            self.step("organisations and themes", self.seed_organisations_and_themes)
            self.step("users, e-mail addresses and profiles", self.seed_users)
            self.step("memberships", self.seed_memberships)
            self.step("posts and answers (computed)", self.plan_posts_and_answers)
            self.step("posts", self.write_posts)
            self.step("answers (3 tables)", self.write_answers)
            self.step("helpful votes", self.write_votes)
            self.step("sessions (Train je Collega, meetups)", self.seed_sessions)
            self.step("sequences", self.reset_sequences)
        if connection.vendor == "postgresql":
            self.step("ANALYZE", lambda: connection.cursor().execute("ANALYZE"))
        if not options["no_search_index"]:
            self.step("search index (posts)", self.build_search_index)
        total = time.perf_counter() - started
        for label, seconds in self.timings:
            self.stdout.write(f"  {seconds:7.1f} s  {label}")
        self.stdout.write(self.style.SUCCESS(
            f"seed_bench --scale {scale:g}: {len(self.communities)} communities, {self.n['members']} members, "
            f"{len(self.posts)} posts, {len(self.answer_rows)} answers, {len(self.votes)} helpful votes, "
            f"{self.session_count} sessions "
            f"in {total:.1f} s ({connection.vendor})."
        ))
        self.stdout.write(f"Inloggen: {USERNAME.format(1)} / {BENCH_PASSWORD} (lid van de eerste gemeenschappen).")

    def step(self, label, func):
        began = time.perf_counter()
        func()
        self.timings.append((label, time.perf_counter() - began))
        if self.verbosity_high():
            self.stdout.write(f"{label}: {self.timings[-1][1]:.1f} s")

    def verbosity_high(self) -> bool:
        return getattr(self, "_verbosity", 1) > 1

    def execute(self, *args, **options):
        self._verbosity = options.get("verbosity", 1)
        return super().execute(*args, **options)

    # -- communities: pages, through Wagtail's tree API ----------------------------------------------

    def seed_communities(self):
        from home.services import ensure_site_structure  # the one shared site tree (see home/services.py)

        _home, index = ensure_site_structure()
        rng = self.rng
        self.communities: list[CommunityPage] = []
        for i in range(self.n["communities"]):
            area = AREAS[i % len(AREAS)]
            suffix = SUFFIXES[(i // len(AREAS)) % len(SUFFIXES)]
            round_ = i // (len(AREAS) * len(SUFFIXES))
            title = f"{area} {suffix}" + (f" {round_ + 1}" if round_ else "")
            if i == 0:
                visibility = Visibility.OPEN  # bench/run reads its pages anonymously
            else:
                roll = rng.random()
                visibility = Visibility.OPEN if roll < 0.6 else Visibility.CLOSED if roll < 0.85 else Visibility.PRIVATE
            page = CommunityPage(
                title=title,
                slug=f"bench-{slugify(title)}"[:255],
                summary=f"Professionals delen wat werkt bij {area.lower()} {suffix}: vragen, praktijkverhalen en "
                "lessen uit de eigen organisatie.",
                description=f"<p>Een leergemeenschap over {area.lower()}. Wat je hier leest, komt uit de praktijk "
                "van gemeenten, provincies, het Rijk en partners.</p>",
                visibility=visibility,
            )
            # add_child saves the page live; no revision is needed for pages the benchmark only reads.
            self.communities.append(index.add_child(instance=page))

    def seed_organisations_and_themes(self):
        kinds = [Organisation.Kind.GEMEENTE] * 6 + [Organisation.Kind.PROVINCIE, Organisation.Kind.RIJK,
                                                    Organisation.Kind.UITVOERINGSORGANISATIE, Organisation.Kind.PARTNER]
        wanted = []
        for i, place in enumerate(PLACES):
            wanted.append(Organisation(name=f"Gemeente {place} (bench)", kind=Organisation.Kind.GEMEENTE))
            kind = kinds[i % len(kinds)]
            if kind != Organisation.Kind.GEMEENTE:
                wanted.append(Organisation(name=f"{kind.label} {place} (bench)", kind=kind))
        Organisation.objects.bulk_create(wanted, ignore_conflicts=True)
        self.organisations = list(Organisation.objects.filter(name__endswith="(bench)"))
        themes = []
        for c in self.communities:
            for name in self.rng.sample(THEME_NAMES, 4):
                themes.append(Theme(community=c, name=name, slug=slugify(name)))
        Theme.objects.bulk_create(themes)
        self.themes_by_community: dict[int, list[int]] = {}
        for t in Theme.objects.filter(community__in=self.communities).values_list("pk", "community_id"):
            self.themes_by_community.setdefault(t[1], []).append(t[0])

    # -- people ------------------------------------------------------------------------------------

    def seed_users(self):
        from allauth.account.models import EmailAddress

        User = get_user_model()
        rng = self.rng
        password = make_password(BENCH_PASSWORD)  # hashed once, shared by every bench user
        first_id = next_id(User)
        users = []
        for i in range(self.n["members"]):
            users.append(User(
                pk=first_id + i, username=USERNAME.format(i + 1), email=f"{USERNAME.format(i + 1)}@bench.example",
                password=password, date_joined=self.now - timedelta(days=rng.randint(1, 900)),
            ))
        User.objects.bulk_create(users, batch_size=2000)
        self.user_ids = [u.pk for u in users]
        self.usernames = {u.pk: u.username for u in users}
        self.emails = {u.pk: u.email for u in users}
        EmailAddress.objects.bulk_create(
            [EmailAddress(user_id=u.pk, email=u.email, verified=True, primary=True) for u in users], batch_size=2000
        )
        # bulk_create sends no post_save, so the profile signal does not run: profiles are made here.
        self.organisation_of = {u.pk: rng.choice(self.organisations) for u in users}
        Profile.objects.bulk_create([
            Profile(user_id=u.pk, display_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    organisation=self.organisation_of[u.pk], job_title=rng.choice(JOB_TITLES))
            for u in users
        ], batch_size=2000)

    def seed_memberships(self):
        """Each person belongs to 1–6 communities; popular communities draw more members."""
        rng = self.rng
        communities = self.communities
        weights = [1.0 / (1 + (i % 25)) ** 0.7 for i in range(len(communities))]
        memberships = {}
        self.members_of: dict[int, list[int]] = {c.pk: [] for c in communities}
        self.facilitators_of: dict[int, list[int]] = {}
        bench_member = self.user_ids[0]
        # The signed-in benchmark user: an ordinary member of the first five communities.
        for c in communities[:5]:
            memberships[(bench_member, c.pk)] = (Membership.Role.MEMBER, Membership.Status.ACTIVE)
        for uid in self.user_ids[1:]:
            k = min(len(communities), 1 + int(rng.expovariate(1 / 2.0)))
            for c in set(rng.choices(communities, weights=weights, k=k)):
                status = Membership.Status.ACTIVE
                if c.visibility != Visibility.OPEN and rng.random() < 0.04:
                    status = Membership.Status.PENDING
                memberships[(uid, c.pk)] = (Membership.Role.MEMBER, status)
        by_community: dict[int, list[int]] = {c.pk: [] for c in communities}
        for (uid, cid), (_role, status) in memberships.items():
            if status == Membership.Status.ACTIVE and uid != bench_member:
                by_community[cid].append(uid)
        for c in communities:
            pool = by_community[c.pk] or [uid for uid in self.user_ids[1:3]]
            facilitators = rng.sample(pool, min(2, len(pool)))
            for uid in facilitators:
                memberships[(uid, c.pk)] = (Membership.Role.FACILITATOR, Membership.Status.ACTIVE)
            self.facilitators_of[c.pk] = facilitators
        rows = []
        for (uid, cid), (role, status) in memberships.items():
            rows.append(Membership(user_id=uid, community_id=cid, role=role, status=status,
                                   created_at=self.now - timedelta(days=rng.randint(1, 700))))
            if status == Membership.Status.ACTIVE:
                self.members_of[cid].append(uid)
        with explicit_timestamps(Membership._meta.get_field("created_at")):
            Membership.objects.bulk_create(rows, batch_size=5000)
        self.membership_count = len(rows)

    # -- posts and threads, planned in memory ------------------------------------------------------

    def plan_posts_and_answers(self):
        rng = self.rng
        communities = self.communities
        n_posts = self.n["posts"]
        n_answers = self.n["answers"]
        community_weights = [len(self.members_of[c.pk]) + 1 for c in communities]
        post_first_id = next_id(Post)
        self.answer_first_id = next_id(apps.get_model("django_comments", "Comment"))
        # Every community's first post is a question with a long thread (LONG_THREAD answers).
        chosen = list(communities) + rng.choices(communities, weights=community_weights, k=max(0, n_posts - len(communities)))
        self.posts: list[Post] = []
        spread = timedelta(days=720).total_seconds()
        for i, community in enumerate(chosen):
            authors = self.members_of[community.pk] or self.facilitators_of[community.pk]
            is_question = i < len(communities) or rng.random() < QUESTION_SHARE
            created = self.now - timedelta(seconds=int(spread * rng.random() ** 1.5) + 3600)
            post = Post(pk=post_first_id + i, community_id=community.pk, author_id=rng.choice(authors),
                        created_at=created, last_activity_at=created, answer_count=0)
            if is_question:
                post.kind = Post.Kind.QUESTION
                post.title = rng.choice(QUESTION_TITLES)
                post.body = rng.choice(QUESTION_BODIES)
                post.body_html = self.md[post.body]
                post.story_status = ""
            else:
                post.kind = Post.Kind.STORY
                post.title = rng.choice(STORY_TITLES)
                post.story_status = rng.choice(STORY_STATUSES)
                for field, texts in STORY_SECTIONS.items():
                    text = rng.choice(texts)
                    setattr(post, field, text)
                    setattr(post, f"{field}_html", self.md[text])
            post.slug = slugify(post.title)[:80] or "bijdrage"
            # Unique per (author, community): the same text may exist many times across the site.
            post.content_hash = hashlib.sha256(f"bench:{post.pk}".encode()).hexdigest()
            self.posts.append(post)

        # Answers per post: the long threads first, the rest spread with a long tail (some posts get none).
        counts = [0] * len(self.posts)
        for i in range(len(communities)):
            counts[i] = LONG_THREAD
        remaining = max(0, n_answers - LONG_THREAD * len(communities))
        weights = [0.0 if i < len(communities) else rng.expovariate(1.0) ** 1.3 * (1.3 if p.is_question else 0.6)
                   for i, p in enumerate(self.posts)]
        if remaining and sum(weights):
            for idx in rng.choices(range(len(self.posts)), weights=weights, k=remaining):
                counts[idx] += 1

        max_level = getattr(settings, "COMMENTS_XTD_MAX_THREAD_LEVEL", 2)
        next_answer = self.answer_first_id
        self.answer_rows: list[tuple] = []  # (id, post, user, text, html, when, thread, parent, level, order, nested, hidden)
        self.top_level_by_post: dict[int, list[int]] = {}
        for post, count in zip(self.posts, counts):
            if not count:
                continue
            pool = self.members_of[post.community_id] or self.facilitators_of[post.community_id]
            nodes = []  # per answer: [id, parent_index or None, level, children, user, when, text]
            when = post.created_at
            for k in range(count):
                when = when + timedelta(minutes=rng.randint(3, 600))
                if when > self.now:
                    when = self.now - timedelta(seconds=count - k)
                open_parents = [j for j, nd in enumerate(nodes) if nd[2] < max_level]
                if not nodes or rng.random() < 0.6 or not open_parents:
                    parent, level = None, 0
                else:
                    parent = rng.choice(open_parents[-8:])  # replies go to recent answers
                    level = nodes[parent][2] + 1
                node = [next_answer, parent, level, [], rng.choice(pool), when, rng.choice(ANSWER_TEXTS)]
                next_answer += 1
                if parent is not None:
                    nodes[parent][3].append(len(nodes))
                nodes.append(node)
            self.answer_rows.extend(self._thread_rows(post, nodes))
            post.answer_count = len(self.top_level_by_post[post.pk])  # visible top-level answers only
            post.last_activity_at = max(post.created_at, nodes[-1][5])
        self.answer_last_id = next_answer - 1

        # Accepted answers: about 55 % of answered questions (a visible top-level answer).
        for i, post in enumerate(self.posts):
            tops = self.top_level_by_post.get(post.pk)
            if post.is_question and tops and (i < len(communities) or rng.random() < 0.55):
                post.accepted_answer_id = rng.choice(tops)

        # Helpful votes: on average about one per answer, never by the answer's author, one per person.
        self.votes: list[tuple[int, int, datetime]] = []
        helpful = {}
        community_of_post = {p.pk: p.community_id for p in self.posts}
        for row in self.answer_rows:
            n_votes = min(int(rng.expovariate(1.0)), 12)
            if not n_votes:
                continue
            pool = self.members_of[community_of_post[row[1]]]
            voters = {rng.choice(pool) for _ in range(n_votes)} - {row[2]}
            for uid in voters:
                self.votes.append((row[0], uid, row[5] + timedelta(minutes=rng.randint(1, 600))))
            helpful[row[0]] = len(voters)
        self.helpful = helpful

    def _thread_rows(self, post, nodes):
        """Rows for one post's answers with django-comments-xtd's thread fields (see module docstring)."""
        rows = []
        hidden_roll = self.rng.random

        def walk(index, root_id, order_box):
            node = nodes[index]
            order_box[0] += 1
            my_order = order_box[0]
            descendants = 0
            child_rows_start = len(rows)
            rows.append(None)  # placeholder, filled once the descendants are counted
            for child in node[3]:
                descendants += 1 + walk(child, root_id, order_box)
            parent_id = node[0] if node[1] is None else nodes[node[1]][0]
            hidden = hidden_roll() < 0.003
            rows[child_rows_start] = (node[0], post.pk, node[4], node[6], self.md[node[6]], node[5], root_id,
                                      parent_id, node[2], my_order, descendants, hidden)
            return descendants

        tops = []
        for i, node in enumerate(nodes):
            if node[1] is None:
                walk(i, node[0], [0])
                tops.append(node[0])
        hidden_ids = {r[0] for r in rows if r[11]}
        self.top_level_by_post[post.pk] = [t for t in tops if t not in hidden_ids]
        return rows

    # -- writing ---------------------------------------------------------------------------------

    def write_posts(self):
        fields = [Post._meta.get_field("created_at"), Post._meta.get_field("last_activity_at")]
        with explicit_timestamps(*fields):
            Post.objects.bulk_create(self.posts, batch_size=2000)
        Through = Post.themes.through
        links = []
        for post in self.posts:
            themes = self.themes_by_community.get(post.community_id) or []
            if themes and self.rng.random() < 0.7:
                for theme_id in self.rng.sample(themes, self.rng.choice((1, 1, 2))):
                    links.append(Through(post_id=post.pk, theme_id=theme_id))
        Through.objects.bulk_create(links, batch_size=5000)
        OrgThrough = Post.organisations.through
        OrgThrough.objects.bulk_create([
            OrgThrough(post_id=p.pk, organisation_id=self.rng.choice(self.organisations).pk)
            for p in self.posts if p.kind == Post.Kind.STORY
        ], batch_size=5000)

    def write_answers(self):
        Comment = apps.get_model("django_comments", "Comment")
        XtdComment = apps.get_model("django_comments_xtd", "XtdComment")
        post_ct = ContentType.objects.get_for_model(Post).pk
        site_id = settings.SITE_ID
        rows = self.answer_rows
        usernames, emails, helpful = self.usernames, self.emails, self.helpful
        copy_rows(Comment, ["id", "content_type_id", "object_pk", "site_id", "user_id", "user_name", "user_email",
                            "user_url", "comment", "submit_date", "ip_address", "is_public", "is_removed"],
                  ((r[0], post_ct, str(r[1]), site_id, r[2], usernames[r[2]][:50], emails[r[2]], "", r[3], r[5],
                    None, not r[11], False) for r in rows))
        copy_rows(XtdComment, ["comment_ptr_id", "thread_id", "parent_id", "level", "order", "followup",
                               "nested_count"],
                  ((r[0], r[6], r[7], r[8], r[9], False, r[10]) for r in rows))
        copy_rows(Answer, ["xtdcomment_ptr_id", "post_id", "body_html", "edited_at", "helpful_count", "hidden_reason",
                           "hidden_by_id"],
                  ((r[0], r[1], r[4], None, helpful.get(r[0], 0), "Dubbel geplaatst." if r[11] else "", None)
                   for r in rows))

    def write_votes(self):
        with explicit_timestamps(HelpfulVote._meta.get_field("created_at")):
            HelpfulVote.objects.bulk_create(
                [HelpfulVote(answer_id=a, user_id=u, created_at=t) for a, u, t in self.votes], batch_size=5000
            )

    def reset_sequences(self):
        """Keys were given explicitly: move each sequence past them (PostgreSQL; a no-op on SQLite)."""
        models = [get_user_model(), Post, apps.get_model("django_comments", "Comment")]
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    def build_search_index(self):
        """Index the posts in the configured Wagtail search backend.

        Wagtail's indexer costs about 5 ms of Python per post (≈ 100 s at scale 1). The bench posts
        share a small set of texts, and an index entry depends only on the indexed fields, so on
        PostgreSQL's database backend one post per distinct text is indexed by Wagtail itself and
        its entry is copied, in SQL, to the posts with the same text: the same entries as
        ``update_index`` writes, in a few seconds. Other backends index every post.
        """
        from wagtail.search.backends import get_search_backend
        from wagtail.search.models import IndexEntry

        backend = get_search_backend()
        index = backend.get_index_for_model(Post)
        if index is None:
            return
        qs = Post.objects.filter(pk__gte=self.posts[0].pk, pk__lte=self.posts[-1].pk).order_by("pk")
        chunk = 1000
        if not (connection.vendor == "postgresql" and type(index).__name__ == "PostgresIndex"):
            for start in range(0, len(self.posts), chunk):
                index.add_items(Post, list(qs[start:start + chunk]))
            return
        text_fields = ["kind", "title", "body", "context", "tried", "building_blocks", "obstacles", "lessons"]
        representative: dict[tuple, int] = {}
        copies: list[tuple[int, int]] = []
        for post in self.posts:
            key = tuple(getattr(post, f) for f in text_fields)
            if key in representative:
                copies.append((post.pk, representative[key]))
            else:
                representative[key] = post.pk
        reps = sorted(representative.values())
        for start in range(0, len(reps), chunk):
            index.add_items(Post, list(Post.objects.filter(pk__in=reps[start:start + chunk])))
        table = IndexEntry._meta.db_table
        post_ct = ContentType.objects.get_for_model(Post).pk
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {table} (content_type_id, object_id, title, autocomplete, body, title_norm,
                                         title_text, body_text)
                    SELECT e.content_type_id, c.post_id::text, e.title, e.autocomplete, e.body, e.title_norm,
                           e.title_text, e.body_text
                    FROM unnest(%s::bigint[], %s::bigint[]) AS c(post_id, rep_id)
                    JOIN {table} e ON e.content_type_id = %s AND e.object_id = c.rep_id::text""",  # noqa: S608
                [[c[0] for c in copies], [c[1] for c in copies], post_ct],
            )

    def seed_sessions(self):
        """Train je Collega sessions (80 %, in benchmark editions) and community meetups (20 %).

        Looked up through the app registry: the sessions live in the learning app, which the
        community app does not import. Sign-ups are not seeded.
        """
        self.session_count = 0
        try:
            Session = apps.get_model("events", "Session")
            Edition = apps.get_model("events", "Edition")
        except LookupError:
            self.stdout.write("Sessies (Train je Collega) overgeslagen: het model bestaat nog niet.")
            return
        rng = self.rng
        today = self.now.date()
        n = self.n["sessions"]
        editions = Edition.objects.bulk_create([
            Edition(title=f"Train je Collega, benchmark {i + 1}", starts_on=today - timedelta(days=30 + 120 * i),
                    ends_on=today + timedelta(days=60 - 120 * i))
            for i in range(max(1, round(self.n["sessions"] / PER_SCALE["sessions"])))
        ])
        titles = ["Zo voer je een keukentafelgesprek", "Werken met de Omgevingswet in de praktijk",
                  "Schrijven op B1: de basis", "Data lezen voor beleidsmakers", "Veilig omgaan met agressie",
                  "Samenwerken met woningcorporaties", "Intervisie in een uur", "Privacy bij gegevensdeling"]
        sessions = []
        for i in range(n):
            host = rng.choice(self.user_ids)
            is_meetup = rng.random() < 0.2
            fmt = rng.choice(["in_person", "in_person", "online", "hybrid"])
            sessions.append(Session(
                kind="meetup" if is_meetup else "training",
                edition=None if is_meetup else rng.choice(editions),
                community=rng.choice(self.communities) if is_meetup else None,
                title=rng.choice(titles), description="Een praktische sessie door en voor collega's. "
                "We beginnen met een voorbeeld uit de praktijk en oefenen daarna samen.",
                host_id=host, organisation=self.organisation_of.get(host),
                format=fmt, location="" if fmt == "online" else f"Stadskantoor {rng.choice(PLACES)}",
                online_url="" if fmt == "in_person" else f"https://vergaderen.example/bench-{i + 1}",
                starts_at=self.now + timedelta(days=rng.randint(-30, 60), hours=rng.choice((-2, 0, 3))),
                duration_minutes=rng.choice((60, 90, 120)), capacity=rng.randint(8, 30),
                status="cancelled" if rng.random() < 0.05 else "published",
            ))
        Session.objects.bulk_create(sessions, batch_size=2000)
        self.session_count = len(sessions)
