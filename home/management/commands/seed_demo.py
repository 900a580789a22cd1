"""Idempotent demo content: organisations, users, three communities with their frameworks.

Run it as often as you like: it finds what exists and only adds what is missing. It refuses to
run with DEBUG off (a production database) unless given --force.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from community.models import CommunityPage, Membership, Organisation, Profile, Visibility
from home.services import ensure_site_structure
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
