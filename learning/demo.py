"""Demo content of the learning app, called at the end of seed_demo (idempotent like the rest).

Each demo community gets a framework in typed sections, published in two rounds by its facilitator
(so "Kader aangescherpt" has something to show), prompts that ran and prompts that run today, with
responses, and learning goals with posts linked to them. The site gets a case story index with its
approval workflow, two editors, and three published case stories, one made from a practice story
whose author consented.

Block ids are derived from the community and a fixed key (uuid5), so every run produces the same ids.
"""

from __future__ import annotations

import datetime
import uuid

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from community import policies, services as community_services
from community.models import CommunityPage, Membership, Organisation, Post, Profile
from learning import services
from learning.models import CaseStoryConsent, CaseStoryPage, FrameworkPage, Prompt

NAMESPACE = uuid.UUID("6f1c2d1e-8a7b-4c55-9e0f-4b6f2a1d9c10")
DEMO_PASSWORD = "demo"  # noqa: S105 - documented demo logins; seed_demo refuses to run outside DEBUG

EDITORS = [
    ("redacteur", "Ruben de Redacteur", "Eindredacteur kennisdeling"),
    ("eindredacteur", "Esther Eindhoven", "Hoofdredacteur"),
]


def _id(slug: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{slug}:{key}"))


def _day(offset: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=offset)).isoformat()


# Each framework: two rounds. Round 2 adds, changes and removes items so the diff shows all three.
FRAMEWORKS = {
    "schuldhulp-in-de-wijk": {
        "purpose": ["<p>Samen ontdekken hoe we inwoners met geldzorgen eerder en menselijker helpen.</p>",
                    "<p>Samen ontdekken hoe we inwoners met geldzorgen <b>eerder</b> en menselijker helpen, "
                    "met partners in de wijk.</p>"],
        "goals": [
            ("vroeg", "Vroegsignalering", "Welke signalen zien we het eerst, en wie ziet ze?", 120, 1),
            ("partners", "Samenwerken met partners", "Afspraken met woningcorporaties en energieleveranciers.",
             180, 1),
            ("nazorg", "Nazorg na de schuldhulp", "Hoe voorkomen we dat mensen terugvallen?", 240, 2),
        ],
        "themes": [
            ("t-vroeg", "Vroegsignalering", ["Signalen en huisbezoeken.", "Signalen, huisbezoeken en spreekuren."]),
            ("t-partners", "Samenwerking met partners", ["Corporaties, leveranciers, werkgevers."] * 2),
            ("t-vrijwilligers", "Vrijwilligers", ["Maatjes en vrijwillige budgetcoaches."] * 2),
        ],
        "boundaries": [
            {"in_scope": "Aanpakken in de wijk: van signaal tot eerste gesprek.",
             "out_of_scope": "Individuele dossiers van inwoners.",
             "members_decide": "Wat je in je eigen wijk probeert, bepaal je zelf.",
             "escalation": "Afspraken over gegevensdeling leg je voor aan de privacy-officer van je gemeente."},
            {"in_scope": "Aanpakken in de wijk: van signaal tot eerste gesprek en de nazorg.",
             "out_of_scope": "Individuele dossiers van inwoners. Noem nooit namen of adressen.",
             "members_decide": "Wat je in je eigen wijk probeert, bepaal je zelf.",
             "escalation": "Afspraken over gegevensdeling leg je voor aan de privacy-officer van je gemeente."},
        ],
        "prompts": [
            ("p-signalen", "Welk signaal van geldzorgen zag jij de afgelopen maand het eerst?", -60, -30, "vroeg", 1),
            ("p-huisbezoek", "Probeer deze maand één huisbezoek zonder brief vooraf. Wat gebeurde er?", -7, 21,
             "vroeg", 2),
            ("p-partners", "Welke afspraak met een partner werkt bij jullie het best?", 30, 60, "partners", 2),
        ],
        "notes": ["Kader in vaste onderdelen gezet: doel, leerdoelen, thema's, grenzen en prikkels.",
                  "Aangescherpt na de eerste bijeenkomst: nazorg als leerdoel, een nieuwe prikkel, en "
                  "duidelijker over privacy."],
        "responses": [
            ("p-signalen", "member", "question", "Wie ziet bij jullie als eerste een huurachterstand?",
             "Bij ons hoort de woningcorporatie het eerst, maar wij pas na drie maanden. Hoe is dat bij jullie?"),
            ("p-signalen", "lotte", "question", "Signalen via de voedselbank: hoe gaan jullie daarmee om?",
             "Onze vrijwilligers horen veel, maar weten niet goed wat ze met die signalen mogen doen."),
            ("p-huisbezoek", "member", "question", "Hoe kondig je een huisbezoek aan zonder brief?",
             "We willen het proberen, maar collega's vinden onaangekondigd aanbellen spannend. Tips?"),
        ],
        "goal_links": [("Hoe bereiken jullie inwoners die hun post niet meer openen?", "vroeg"),
                       ("Spreekuur in de supermarkt", "vroeg"),
                       ("Welke afspraken maken jullie met energieleveranciers over signalen?", "partners"),
                       ("Maatjes voor de administratie", "nazorg")],
        "resources": [("Handreiking vroegsignalering (demo)", "https://www.example.org/vroegsignalering"),
                      ("Folder schuldhulp 2024 (demo)", "https://www.example.org/folder-2024", (1,))],
    },
    "digitale-dienstverlening": {
        "purpose": ["<p>Digitale dienstverlening die begrijpelijk en toegankelijk is voor iedereen.</p>",
                    "<p>Digitale dienstverlening die begrijpelijk en toegankelijk is voor iedereen, ook voor "
                    "wie weinig digitaal vaardig is.</p>"],
        "goals": [
            ("klantreis", "Klantreizen in kaart", "Van aanvraag tot besluit, door de ogen van inwoners.", 150, 1),
            ("taal", "Taalniveau B1", "Formulieren en brieven die iedereen begrijpt.", 200, 1),
        ],
        "themes": [
            ("t-klantreizen", "Klantreizen", ["Klantreizen en testen met inwoners."] * 2),
            ("t-taal", "Begrijpelijke taal", ["Schrijven op B1.", "Schrijven op B1 en testen met lezers."]),
        ],
        "boundaries": [
            {"in_scope": "Ontwerp en uitvoering van digitale diensten.",
             "out_of_scope": "Aanbestedingen van leveranciers.",
             "members_decide": "Welke diensten je test en met wie.",
             "escalation": "Vragen over informatiebeveiliging gaan naar je CISO."},
            {"in_scope": "Ontwerp en uitvoering van digitale diensten.",
             "out_of_scope": "Aanbestedingen van leveranciers. Persoonsgegevens van inwoners delen we hier niet.",
             "members_decide": "Welke diensten je test en met wie.",
             "escalation": "Vragen over informatiebeveiliging gaan naar je CISO."},
        ],
        "prompts": [
            ("p-formulier", "Test één formulier met een inwoner die weinig digitaal vaardig is.", -50, -20,
             "taal", 1),
            ("p-brief", "Herschrijf één standaardbrief op B1 en deel voor en na.", -3, 25, "taal", 2),
        ],
        "notes": ["Kader in vaste onderdelen gezet.", "Privacy-afspraak toegevoegd en een nieuwe prikkel."],
        "responses": [
            ("p-formulier", "member", "question", "Waar vinden jullie testpersonen voor formulieren?",
             "We zoeken inwoners die weinig digitaal vaardig zijn om een formulier mee te testen."),
            ("p-brief", "member", "question", "Wie heeft een goed voorbeeld van een B1-herinneringsbrief?",
             "Onze herinneringsbrief is een lap tekst. Wie deelt een voorbeeld dat werkt?"),
        ],
        "goal_links": [("Hoe testen jullie formulieren met inwoners die weinig digitaal vaardig zijn?", "klantreis")],
        "resources": [("Schrijfwijzer B1 (demo)", "https://www.example.org/b1")],
    },
    "integriteit-vertrouwenspersonen": {
        "purpose": ["<p>Elkaar scherp houden in het begeleiden van meldingen. VERTROUWELIJK-DEMO.</p>",
                    "<p>Elkaar scherp houden in het begeleiden van meldingen, zonder ooit herleidbaar te zijn. "
                    "VERTROUWELIJK-DEMO.</p>"],
        "goals": [
            ("anoniem", "VERTROUWELIJK-DEMO: anonieme meldingen begeleiden", "Hoe ver ga je in het uitvragen?",
             120, 1),
            ("nazorg", "VERTROUWELIJK-DEMO: nazorg voor melders", "Wat heeft een melder na afloop nodig?", 200, 2),
        ],
        "themes": [("t-meldingen", "Meldingen", ["Casuïstiek, altijd geanonimiseerd."] * 2)],
        "boundaries": [
            {"in_scope": "Intervisie over de rol van vertrouwenspersoon.", "out_of_scope": "Concrete namen.",
             "members_decide": "Welke casus je inbrengt.", "escalation": "Bij twijfel: de coördinator integriteit."},
            {"in_scope": "Intervisie over de rol van vertrouwenspersoon.",
             "out_of_scope": "Concrete namen, organisatieonderdelen of data.",
             "members_decide": "Welke casus je inbrengt.", "escalation": "Bij twijfel: de coördinator integriteit."},
        ],
        "prompts": [
            ("p-dilemma", "VERTROUWELIJK-DEMO: welk dilemma kwam je tegen bij een anonieme melding?", -40, -10,
             "anoniem", 1),
            ("p-nazorg", "VERTROUWELIJK-DEMO: wat deed je voor een melder na afloop?", -5, 30, "nazorg", 2),
        ],
        "notes": ["VERTROUWELIJK-DEMO: kader in vaste onderdelen gezet.",
                  "VERTROUWELIJK-DEMO: nazorg als leerdoel toegevoegd."],
        "responses": [
            ("p-dilemma", "member", "question", "VERTROUWELIJK-DEMO: melder wil geen verslag, wat nu?",
             "VERTROUWELIJK-DEMO. Een melder wil niet dat ik iets vastleg. Hoe gaan jullie daarmee om?"),
            ("p-nazorg", "member", "question", "VERTROUWELIJK-DEMO: hoe lang houden jullie contact na afloop?",
             "VERTROUWELIJK-DEMO. Ik bel melders na drie maanden nog eens. Is dat te veel?"),
        ],
        "goal_links": [("VERTROUWELIJK-DEMO: hoe ga je om met een anonieme melding zonder details?", "anoniem")],
        "resources": [],
    },
}

CASE_STORIES = [
    {
        "slug": "huisbezoek-bij-huurachterstand",
        "title": "Huisbezoek bij twee maanden huurachterstand",
        "summary": "Een gemeente en een woningcorporatie bellen samen aan bij huurders met twee maanden "
                   "achterstand. Geen brief, wel een kop koffie. Na een jaar daalden de huisuitzettingen flink.",
        "organisations": ["Gemeente Rivierstad", "Stichting Buurtkracht"],
        "tags": ["Vroegsignalering", "Samenwerking met partners"],
        "body": [
            ("context", "<p>Brieven over huurachterstand werden niet geopend. Mensen kwamen pas in beeld als "
                        "de deurwaarder al was geweest.</p>"),
            ("approach", "<p>Bij twee maanden achterstand gaan een consulent en een medewerker van de "
                         "corporatie samen langs.</p>"),
            ("building_blocks", "<ul><li>Een vast duo per wijk</li><li>Korte lijnen met de corporatie</li></ul>"),
            ("obstacles", "<ul><li>Gegevensdeling vroeg een convenant</li></ul>"),
            ("results", "<p>Twee keer zoveel mensen in beeld vóór de deurwaarder.</p>"),
            ("lessons", "<p>Aanbellen werkt, als je iets te bieden hebt bij de deur.</p>"),
        ],
        "contact": {"name": "Fatima El Amrani", "role": "Programmamanager sociaal domein",
                    "organisation": "Gemeente Rivierstad", "email": "facilitator@koffietafel.example"},
    },
    {
        "slug": "formulieren-testen-in-de-bibliotheek",
        "title": "Formulieren testen in de bibliotheek",
        "summary": "Een gemeente testte haar aanvraagformulieren met bezoekers van het Digitaal Hulpplein. "
                   "Vijf sessies leverden meer verbeteringen op dan een jaar klachten.",
        "organisations": ["Gemeente Dorpsveen"],
        "tags": ["Begrijpelijke taal", "Klantreizen"],
        "body": [
            ("context", "<p>Het testpanel bestond vooral uit digitaal vaardige inwoners.</p>"),
            ("approach", "<p>Vijf ochtenden testen met bezoekers van het Digitaal Hulpplein.</p>"),
            ("results", "<p>Veertien verbeteringen, waarvan tien binnen een maand doorgevoerd.</p>"),
            ("lessons", "<p>Test waar de mensen al zijn, niet in het gemeentehuis.</p>"),
        ],
        "contact": {"name": "Martijn de Vries", "role": "Consulent werk en inkomen",
                    "organisation": "Gemeente Dorpsveen", "email": ""},
    },
]

# The practice story (from seed_demo) whose author consents and which an editor turns into a case story.
CONSENTED_STORY = ("schuldhulp-in-de-wijk", "Spreekuur in de supermarkt")


@transaction.atomic
def seed_learning_demo(stdout=None) -> None:
    users = {u.username: u for u in get_user_model().objects.all()}
    editors = [_seed_editor(username, name, job) for username, name, job in EDITORS]
    services.ensure_editor_group().user_set.add(*editors)
    for slug, spec in FRAMEWORKS.items():
        community = CommunityPage.objects.filter(slug=slug).first()
        framework = FrameworkPage.objects.child_of(community).first() if community else None
        if framework is None:
            continue
        services.ensure_facilitator_group(community)
        _seed_framework(community, framework, spec, users)
        _seed_responses(community, framework, spec, users)
    home = Site.objects.get(is_default_site=True).root_page
    index = services.ensure_case_story_index(home.specific)
    _seed_case_stories(index, editors, users)
    if stdout is not None:
        stdout.write("Leren: kaders, prikkels, leerdoelen en casusverhalen staan klaar.")


def _seed_editor(username, display_name, job_title):
    from allauth.account.models import EmailAddress

    User = get_user_model()
    email = f"{username}@koffietafel.example"
    user, created = User.objects.get_or_create(username=username, defaults={"email": email})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    profile, _ = Profile.objects.get_or_create(user=user)
    if not profile.display_name:
        profile.display_name = display_name
        profile.job_title = job_title
        profile.organisation = Organisation.objects.filter(name__contains="Binnenlandse").first()
        profile.save()
    return user


def _body(slug: str, spec: dict, round_: int) -> list[dict]:
    """The framework body of one round (1 or 2) as StreamField JSON, with stable block ids."""
    r = round_ - 1
    goals = [
        {"type": "item", "id": _id(slug, key), "value": {
            "title": title, "description": description, "target_date": _day(target)}}
        for key, title, description, target, since in spec["goals"] if since <= round_
    ]
    goal_titles = {key: title for key, title, *_rest in spec["goals"]}
    themes = [
        {"type": "item", "id": _id(slug, key), "value": {"name": name, "description": descriptions[r]}}
        for key, name, descriptions in spec["themes"]
    ]
    prompts = [
        {"type": "item", "id": _id(slug, key), "value": {
            "question": question, "start_date": _day(start), "end_date": _day(end),
            "learning_goal": goal_titles.get(goal, "")}}
        for key, question, start, end, goal, since in spec["prompts"] if since <= round_
    ]
    body = [
        {"type": "purpose", "id": _id(slug, "purpose"), "value": spec["purpose"][r]},
        {"type": "learning_goals", "id": _id(slug, "goals"), "value": goals},
        {"type": "themes", "id": _id(slug, "themes"), "value": themes},
        {"type": "boundaries", "id": _id(slug, "boundaries"), "value": spec["boundaries"][r]},
        {"type": "prompts", "id": _id(slug, "prompts"), "value": prompts},
    ]
    links = []
    for i, (title, url, *rounds) in enumerate(spec["resources"]):
        if round_ in (rounds[0] if rounds else (1, 2)):  # a resource may be dropped in round 2
            links.append({"type": "link", "id": _id(slug, f"resource-{i}"),
                          "value": {"title": title, "url": url, "description": ""}})
    if links:
        body.append({"type": "resources", "id": _id(slug, "resources"), "value": links})
    return body


def _seed_framework(community, framework, spec, users) -> None:
    if framework.section("learning_goals") is not None:
        return  # already in typed sections: seeded before
    facilitator = (
        Membership.objects.filter(community=community, role=Membership.Role.FACILITATOR,
                                  status=Membership.Status.ACTIVE).select_related("user").first()
    )
    author = facilitator.user if facilitator else None
    for round_ in (1, 2):
        page = FrameworkPage.objects.get(pk=framework.pk)
        page.body = _body(community.slug, spec, round_)
        page.change_note = spec["notes"][round_ - 1]
        revision = page.save_revision(user=author, log_action=True)
        revision.publish(user=author)


def _seed_responses(community, framework, spec, users) -> None:
    prompts = {str(p.block_id): p for p in Prompt.objects.filter(framework=framework)}
    for key, username, kind, title, body in spec["responses"]:
        prompt = prompts.get(_id(community.slug, key))
        author = users.get(username)
        if prompt is None or author is None:
            continue
        Membership.objects.get_or_create(user=author, community=community,
                                         defaults={"status": Membership.Status.ACTIVE})
        policies.forget_memberships(author)
        post, _created = community_services.post_create(
            author=author, community=community, kind=kind, title=title, body=body
        )
        services.post_link(post=post, prompt=prompt)
    goals = {str(g.block_id): g for g in framework.goals.all()}
    for title, key in spec["goal_links"]:
        post = Post.objects.filter(community=community, title=title).first()
        goal = goals.get(_id(community.slug, key))
        if post is not None and goal is not None:
            services.post_link(post=post, learning_goal=goal)


def _seed_case_stories(index, editors, users) -> None:
    writer, approver = editors
    orgs = {o.name: o for o in Organisation.objects.all()}
    for spec in CASE_STORIES:
        if CaseStoryPage.objects.filter(slug=spec["slug"]).exists():
            continue
        page = CaseStoryPage(
            title=spec["title"], slug=spec["slug"], summary=spec["summary"], owner=writer,
            body=[*spec["body"], ("contact", spec["contact"])],
        )
        page.organisations.set([orgs[name] for name in spec["organisations"] if name in orgs])
        page.tags.set(spec["tags"])
        index.add_child(instance=page)
        _publish_through_workflow(page, writer, approver)

    slug, title = CONSENTED_STORY
    story = Post.objects.filter(community__slug=slug, title=title, kind=Post.Kind.STORY).first()
    if story is None or CaseStoryPage.objects.filter(source_post=story).exists():
        return
    CaseStoryConsent.objects.get_or_create(post=story, defaults={"given_by": story.author})
    page = services.case_story_propose(editor=writer, post=story, index=index)
    page.body = [*[(c.block_type, c.value) for c in page.body],
                 ("results", "<p>Elke zaterdag drie tot vijf gesprekken; de helft leidde tot een vervolgafspraak.</p>")]
    page.save_revision(user=writer)
    _publish_through_workflow(page, writer, approver)


def _publish_through_workflow(page, writer, approver) -> None:
    """The way editors publish case stories: one submits, a second one approves."""
    revision = page.save_revision(user=writer)
    workflow = page.get_workflow()
    if workflow is None:
        revision.publish(user=approver)
        return
    state = workflow.start(page, writer)
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, approver, "approve")
