"""Idempotent demo content: organisations, users, three communities with their frameworks.

Run it as often as you like: it finds what exists and only adds what is missing. It refuses to
run with DEBUG off (a production database) unless given --force.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from community import policies, services
from community.models import Answer, CommunityPage, Membership, Organisation, Post, Profile, Theme, Visibility
from home.services import ensure_site_structure
from learning.demo import seed_learning_demo
from learning.events.demo import seed_events_demo
from learning.models import FrameworkPage

DEMO_PASSWORD = "demo"  # noqa: S105 - documented demo logins, refused outside DEBUG

ORGANISATIONS = [
    ("Gemeente Rivierstad", Organisation.Kind.GEMEENTE),
    ("Gemeente Dorpsveen", Organisation.Kind.GEMEENTE),
    ("Provincie Middenland", Organisation.Kind.PROVINCIE),
    ("Ministerie van Binnenlandse Samenwerking (demo)", Organisation.Kind.RIJK),
    ("Landelijk Uitvoeringsbureau Toeslagen (demo)", Organisation.Kind.UITVOERINGSORGANISATIE),
    ("Stichting Buurtkracht", Organisation.Kind.PARTNER),
]

# username, display name, organisation, job title, expertise, superuser
USERS = [
    ("admin", "Anouk Beheer", "Ministerie van Binnenlandse Samenwerking (demo)", "Platformbeheerder", ["beheer"], True),
    ("facilitator", "Fatima El Amrani", "Gemeente Rivierstad", "Programmamanager sociaal domein",
     ["schuldhulp", "wijkteams", "facilitatie"], False),
    ("member", "Martijn de Vries", "Gemeente Dorpsveen", "Consulent werk en inkomen",
     ["schuldhulp", "participatie"], False),
    ("outsider", "Olga Janssen", "Provincie Middenland", "Beleidsadviseur", ["mobiliteit"], False),
    ("sanne", "Sanne Bakker", "Landelijk Uitvoeringsbureau Toeslagen (demo)", "Vertrouwenspersoon",
     ["integriteit"], False),
    ("joost", "Joost Hendriks", "Gemeente Rivierstad", "Wijkcoach", ["wijkteams", "participatie"], False),
    ("lotte", "Lotte Visser", "Stichting Buurtkracht", "Coördinator vrijwilligers", ["schuldhulp"], False),
]

THEMES = {
    "schuldhulp-in-de-wijk": ["Vroegsignalering", "Samenwerking met partners", "Vrijwilligers"],
    "digitale-dienstverlening": ["Klantreizen", "Begrijpelijke taal"],
    "integriteit-vertrouwenspersonen": ["Meldingen"],
}

# (community slug, author, kind, title, body or story dict, themes, answers)
# answers: list of (author, text, replies[(author, text)], accepted, helpful voters)
POSTS = [
    ("schuldhulp-in-de-wijk", "member", "question",
     "Hoe bereiken jullie inwoners die hun post niet meer openen?",
     "Bij ons komen veel mensen pas in beeld als de deurwaarder al langs is geweest. Brieven werken niet. "
     "Wat doen jullie om eerder in contact te komen?",
     ["Vroegsignalering"],
     [("facilitator", "Wij lopen samen met de woningcorporatie langs bij huurachterstanden van twee maanden. "
       "Geen brief, gewoon aanbellen met een kop koffie.", [("member", "Hoeveel uur kost dat jullie per week?"),
       ("facilitator", "Ongeveer vier uur voor twee wijken, inclusief de nazorg.")], True, ["lotte"]),
      ("lotte", "Onze vrijwilligers staan één ochtend per week in de bibliotheek. Drempelloos, zonder afspraak.",
       [], False, ["member", "facilitator"])]),
    ("schuldhulp-in-de-wijk", "lotte", "question",
     "Welke afspraken maken jullie met energieleveranciers over signalen?",
     "We willen signalen van betalingsachterstanden eerder ontvangen. Welke afspraken werken in de praktijk, "
     "en hoe regelen jullie de privacy?",
     ["Samenwerking met partners"],
     [("member", "Wij gebruiken het landelijke convenant en hebben per leverancier één contactpersoon.", [], False,
       [])]),
    ("schuldhulp-in-de-wijk", "member", "question",
     "Ervaring met een budgetcursus in groepsverband?",
     "Ik denk aan een cursus van vier avonden in het buurthuis. Wie heeft dit eerder georganiseerd?",
     [], []),
    ("schuldhulp-in-de-wijk", "facilitator", "story", "Spreekuur in de supermarkt",
     {"story_status": "geslaagd",
      "context": "Inwoners met geldzorgen kwamen niet naar het gemeentehuis.",
      "tried": "Een half jaar lang elke zaterdagochtend een tafel bij de ingang van de supermarkt.",
      "building_blocks": "- Een vaste bemensing die mensen herkennen\n- Steun van de bedrijfsleider",
      "obstacles": "- Privacy: gesprekken bij de ingang zijn niet prettig",
      "lessons": "Laagdrempelig werkt, maar zorg voor een rustige plek voor het vervolggesprek."},
     ["Vroegsignalering"], []),
    ("schuldhulp-in-de-wijk", "member", "story", "Digitale budgetcoach voor jongeren",
     {"story_status": "gestopt",
      "context": "Jongeren tussen 18 en 23 met beginnende schulden.",
      "tried": "Een app met budgettips en een chatfunctie met een consulent.",
      "building_blocks": "- Jongeren dachten mee over het ontwerp",
      "obstacles": "- Na drie weken gebruikte bijna niemand de app nog\n- De chat was buiten kantoortijd onbemand",
      "lessons": "Een app vervangt het persoonlijke contact niet. We stoppen en steken de tijd in "
                 "inloopuren op het mbo."},
     [], [("lotte", "Dank voor het eerlijke verhaal. Wij twijfelden over hetzelfde.", [], False, ["facilitator"])]),
    ("schuldhulp-in-de-wijk", "lotte", "story", "Maatjes voor de administratie",
     {"story_status": "lopend",
      "context": "Veel mensen redden het na de schuldhulp niet alleen met hun post.",
      "tried": "Vrijwillige maatjes komen een jaar lang elke twee weken langs.",
      "building_blocks": "- Goede training van de maatjes", "obstacles": "",
      "lessons": "Nog te vroeg om te zeggen; we meten na een jaar."},
     ["Vrijwilligers"], []),
    ("digitale-dienstverlening", "member", "question",
     "Hoe testen jullie formulieren met inwoners die weinig digitaal vaardig zijn?",
     "We willen onze aanvraagformulieren testen, maar krijgen vooral digitaal vaardige mensen in het testpanel.",
     ["Begrijpelijke taal"],
     [("facilitator", "Werk samen met het Digitaal Hulpplein in de bibliotheek: daar zitten precies de mensen "
       "die je zoekt.", [], True, ["member"])]),
    ("integriteit-vertrouwenspersonen", "member", "question",
     "VERTROUWELIJK-DEMO: hoe ga je om met een anonieme melding zonder details?",
     "VERTROUWELIJK-DEMO. Een melder wil anoniem blijven en geeft weinig details. Hoe ver ga je in het uitvragen?",
     ["Meldingen"],
     [("sanne", "VERTROUWELIJK-DEMO. Leg vast wat je weet, bespreek met de melder wat er gebeurt met de melding, "
       "en vraag toestemming voor elke volgende stap.", [], False, [])]),
]

COMMUNITIES = [
    {
        "slug": "schuldhulp-in-de-wijk",
        "title": "Schuldhulp in de wijk",
        "visibility": Visibility.OPEN,
        "summary": "Consulenten, wijkteams en vrijwilligers delen wat werkt om geldzorgen vroeg te signaleren "
        "en samen met inwoners op te lossen.",
        "description": "<p>Hoe bereik je inwoners met geldzorgen voordat de schulden zich opstapelen? In deze "
        "gemeenschap vergelijken we aanpakken van huisbezoeken tot spreekuren in de bibliotheek, en we "
        "zijn eerlijk over wat niet werkte.</p>",
        "facilitators": ["facilitator"],
        "members": ["member"],
        "framework": "<h2>Doel</h2><p>Samen ontdekken hoe we inwoners met geldzorgen eerder en menselijker "
        "helpen.</p><h2>Leerdoelen</h2><ul><li>Vroegsignalering: welke signalen zien we het eerst?</li>"
        "<li>Samenwerking met woningcorporaties en energieleveranciers.</li></ul><h2>Kaders</h2><p>Wat je "
        "in je eigen wijk probeert, bepaal je zelf. Afspraken over gegevensdeling leg je voor aan de "
        "privacy-officer van je gemeente.</p>",
    },
    {
        "slug": "digitale-dienstverlening",
        "title": "Digitale dienstverlening",
        "visibility": Visibility.CLOSED,
        "summary": "Klantcontact, webredactie en informatievoorziening zoeken samen naar dienstverlening "
        "die voor iedere inwoner werkt, ook voor wie niet digitaal vaardig is.",
        "description": "<p>Een besloten gemeenschap voor medewerkers die digitale dienstverlening "
        "ontwerpen en uitvoeren. Lidmaatschap op aanvraag.</p>",
        "facilitators": ["facilitator"],
        "members": ["member"],
        "framework": "<h2>Doel</h2><p>Digitale dienstverlening die begrijpelijk en toegankelijk is voor "
        "iedereen.</p><h2>Thema's</h2><ul><li>Klantreizen in kaart brengen</li><li>Taalniveau B1</li>"
        "</ul><h2>Kaders</h2><p>We delen geen persoonsgegevens van inwoners in deze gemeenschap.</p>",
    },
    {
        "slug": "integriteit-vertrouwenspersonen",
        "title": "Vertrouwenspersonen integriteit",
        "visibility": Visibility.PRIVATE,
        "summary": "Intervisie voor vertrouwenspersonen integriteit. VERTROUWELIJK-DEMO: alleen zichtbaar "
        "voor leden.",
        "description": "<p>VERTROUWELIJK-DEMO. Een veilige plek om casuïstiek anoniem te bespreken. Wat hier "
        "gedeeld wordt, blijft hier.</p>",
        "facilitators": ["sanne"],
        "members": ["member"],
        "framework": "<h2>Doel</h2><p>Elkaar scherp houden in het begeleiden van meldingen. "
        "VERTROUWELIJK-DEMO.</p><h2>Kaders</h2><p>Casussen altijd geanonimiseerd.</p>",
    },
]


class Command(BaseCommand):
    help = "Fill the database with Dutch demo content (idempotent). Refuses with DEBUG off unless --force."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo weigert te draaien met DEBUG uit: dit lijkt een productiedatabase. "
                "Gebruik --force als je het zeker weet."
            )
        with transaction.atomic():
            self.seed()
        self.stdout.write(self.style.SUCCESS("Demo-inhoud staat klaar."))
        self.stdout.write("Inloggen met gebruikersnaam en wachtwoord 'demo': admin, facilitator, member, outsider")

    def seed(self):
        home, index = ensure_site_structure()
        orgs = {
            name: Organisation.objects.get_or_create(name=name, defaults={"kind": kind})[0]
            for name, kind in ORGANISATIONS
        }
        users = {spec[0]: self.seed_user(*spec, orgs=orgs) for spec in USERS}
        for spec in COMMUNITIES:
            community = self.seed_community(index, spec)
            for username in spec["facilitators"]:
                self.seed_membership(users[username], community, Membership.Role.FACILITATOR)
            for username in spec["members"]:
                self.seed_membership(users[username], community, Membership.Role.MEMBER)
            self.seed_framework(community, spec)
            for name in THEMES.get(spec["slug"], []):
                Theme.objects.get_or_create(community=community, name=name)
        communities = {c.slug: c for c in CommunityPage.objects.all()}
        for spec in POSTS:
            self.seed_post(communities[spec[0]], users, *spec[1:])
        # A pending join request for the closed community, for the facilitator to decide on.
        Membership.objects.get_or_create(
            user=users["joost"], community=communities["digitale-dienstverlening"],
            defaults={"status": Membership.Status.PENDING},
        )
        Membership.objects.get_or_create(
            user=users["lotte"], community=communities["schuldhulp-in-de-wijk"],
            defaults={"status": Membership.Status.ACTIVE},
        )
        Membership.objects.get_or_create(
            user=users["joost"], community=communities["schuldhulp-in-de-wijk"],
            defaults={"status": Membership.Status.ACTIVE},
        )
        seed_learning_demo(self.stdout)
        seed_events_demo(self.stdout)

    def ensure_member(self, user, community):
        Membership.objects.get_or_create(user=user, community=community,
                                         defaults={"status": Membership.Status.ACTIVE})
        policies.forget_memberships(user)

    def seed_post(self, community, users, author, kind, title, content, theme_names, answers):
        self.ensure_member(users[author], community)
        themes = list(Theme.objects.filter(community=community, name__in=theme_names))
        if kind == Post.Kind.QUESTION:
            post, created = services.post_create(
                author=users[author], community=community, kind=kind, title=title, body=content, themes=themes
            )
        else:
            post, created = services.post_create(
                author=users[author], community=community, kind=kind, title=title, themes=themes,
                story={k: v.replace("\\n", "\n") for k, v in content.items()},
            )
        if not created:
            return post
        for answer_author, text, replies, accepted, voters in answers:
            self.ensure_member(users[answer_author], community)
            answer, _ = services.answer_create(author=users[answer_author], post=post, body=text)
            parent = answer
            for reply_author, reply_text in replies:
                parent, _ = services.answer_create(author=users[reply_author], post=post, body=reply_text,
                                                   parent=parent)
            for voter in voters:
                self.ensure_member(users[voter], community)
                services.answer_vote(user=users[voter], answer=answer, post=post)
            if accepted:
                services.answer_accept(user=users[author], post=post, answer=Answer.objects.get(pk=answer.pk))
        return post

    def seed_user(self, username, display_name, org_name, job_title, expertise, superuser, *, orgs):
        User = get_user_model()
        email = f"{username}@koffietafel.example"
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"email": email, "is_staff": superuser, "is_superuser": superuser},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        profile, _ = Profile.objects.get_or_create(user=user)
        if not profile.display_name:
            profile.display_name = display_name
            profile.organisation = orgs[org_name]
            profile.job_title = job_title
            profile.save()
            profile.expertise.set(expertise)
        return user

    def seed_community(self, index, spec):
        community = CommunityPage.objects.child_of(index).filter(slug=spec["slug"]).first()
        if community is None:
            community = index.add_child(
                instance=CommunityPage(
                    title=spec["title"],
                    slug=spec["slug"],
                    summary=spec["summary"],
                    description=spec["description"],
                    visibility=spec["visibility"],
                )
            )
            community.save_revision().publish()
        return community

    def seed_membership(self, user, community, role):
        Membership.objects.get_or_create(
            user=user, community=community, defaults={"role": role, "status": Membership.Status.ACTIVE}
        )

    def seed_framework(self, community, spec):
        framework = FrameworkPage.objects.child_of(community).first()
        if framework is None:
            framework = community.add_child(
                instance=FrameworkPage(title=f"Kader: {spec['title']}", slug="kader", body=spec["framework"])
            )
            framework.save_revision().publish()
        return framework
