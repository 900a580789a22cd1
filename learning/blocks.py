"""StreamField blocks of the learning app: the typed parts of a community's framework (kader).

A framework body is a stream of *sections* (purpose, learning goals, themes, boundaries, prompts,
resources), each at most once. Goals, themes and prompts are list items: Wagtail gives every list
item a stable uuid that survives edits and reordering, so posts, the changelog and the prompt
pages can address a goal or prompt by that id (see learning.services.framework_sync).

Validation lives here, next to the fields it checks, so the admin shows the message at the field:
a prompt that ends before it starts, two themes with the same name, a prompt pointing at a
learning goal that is not in this framework.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock

TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


# -- framework sections ---------------------------------------------------------------------


class LearningGoalBlock(blocks.StructBlock):
    """One learning goal: what the community wants to get better at."""

    title = blocks.CharBlock(label=_("Titel"), max_length=200)
    description = blocks.TextBlock(label=_("Beschrijving"), required=False, max_length=2000)
    target_date = blocks.DateBlock(label=_("Streefdatum"), required=False)

    class Meta:
        icon = "success"
        label = _("Leerdoel")
        form_classname = "learning-goal-block struct-block"


class LearningGoalListBlock(blocks.ListBlock):
    """The learning goals; titles are unique, because prompts refer to a goal by its title."""

    def clean(self, value):
        cleaned = super().clean(value)
        errors = _duplicates(cleaned, key=lambda item: item.value["title"], field="title",
                             message=_("Er staat al een leerdoel met de titel ‘%(name)s’ in dit kader. "
                                       "Geef elk leerdoel een eigen titel."))
        if errors:
            raise ListBlockValidationError(block_errors=errors)
        return cleaned

    class Meta:
        icon = "success"
        label = _("Leerdoelen")


class ThemeBlock(blocks.StructBlock):
    """A theme: becomes one of the theme choices of posts in the community when published."""

    name = blocks.CharBlock(label=_("Naam"), max_length=80)
    description = blocks.TextBlock(label=_("Korte beschrijving"), required=False, max_length=300)

    class Meta:
        icon = "tag"
        label = _("Thema")


class ThemeListBlock(blocks.ListBlock):
    """The themes of the framework: unique per framework (by name, ignoring case and accents)."""

    def clean(self, value):
        cleaned = super().clean(value)
        errors = _duplicates(cleaned, key=lambda item: item.value["name"], field="name",
                             message=_("Het thema ‘%(name)s’ staat al in dit kader. Elk thema mag maar één "
                                       "keer voorkomen; voeg de twee samen of kies een andere naam."))
        if errors:
            raise ListBlockValidationError(block_errors=errors)
        return cleaned

    class Meta:
        icon = "tag"
        label = _("Thema's")


class BoundariesBlock(blocks.StructBlock):
    """What the community does and does not take on, and where decisions lie."""

    in_scope = blocks.TextBlock(label=_("Binnen de kaders"), required=False, max_length=3000,
                                help_text=_("Waar gaat deze gemeenschap over?"))
    out_of_scope = blocks.TextBlock(label=_("Buiten de kaders"), required=False, max_length=3000,
                                    help_text=_("Waar gaat deze gemeenschap niet over?"))
    members_decide = blocks.TextBlock(label=_("Wat leden zelf beslissen"), required=False, max_length=3000)
    escalation = blocks.TextBlock(label=_("Waar je terechtkunt (escalatie)"), required=False, max_length=3000,
                                  help_text=_("Bij wie leg je iets neer dat buiten je eigen ruimte valt?"))

    class Meta:
        icon = "list-ul"
        label = _("Grenzen en ruimte")


class PromptBlock(blocks.StructBlock):
    """A prompt (gerichte prikkel): a question or challenge for a fixed period."""

    question = blocks.TextBlock(label=_("Vraag of uitdaging"), max_length=1000)
    start_date = blocks.DateBlock(label=_("Startdatum"))
    end_date = blocks.DateBlock(label=_("Einddatum"))
    learning_goal = blocks.CharBlock(
        label=_("Leerdoel"), required=False, max_length=200,
        help_text=_("Niet verplicht: de titel van het leerdoel uit dit kader waar deze prikkel bij hoort."),
    )

    def clean(self, value):
        cleaned = super().clean(value)
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            raise StructBlockValidationError(block_errors={
                "end_date": ValidationError(
                    _("De einddatum (%(end)s) ligt vóór de startdatum (%(start)s). Kies een einddatum op of na "
                      "de startdatum.") % {"end": end.strftime("%d-%m-%Y"), "start": start.strftime("%d-%m-%Y")},
                    code="end_before_start",
                )
            })
        return cleaned

    class Meta:
        icon = "pick"
        label = _("Prikkel")


class PromptListBlock(blocks.ListBlock):
    class Meta:
        icon = "pick"
        label = _("Gerichte prikkels")


class LinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titel"), max_length=200)
    url = blocks.URLBlock(label=_("Webadres"))
    description = blocks.CharBlock(label=_("Toelichting"), required=False, max_length=300)

    class Meta:
        icon = "link"
        label = _("Link")


class DocumentBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titel"), required=False, max_length=200,
                             help_text=_("Laat leeg om de titel van het document te gebruiken."))
    document = DocumentChooserBlock(label=_("Document"))
    description = blocks.CharBlock(label=_("Toelichting"), required=False, max_length=300)

    class Meta:
        icon = "doc-full"
        label = _("Document")


class ResourcesBlock(blocks.StreamBlock):
    link = LinkBlock()
    document = DocumentBlock()

    class Meta:
        icon = "folder-open-inverse"
        label = _("Bronnen")


class FrameworkBodyBlock(blocks.StreamBlock):
    """The framework: each section at most once, in the order the facilitator puts them."""

    purpose = blocks.RichTextBlock(label=_("Doel"), features=TEXT_FEATURES, icon="flag")
    learning_goals = LearningGoalListBlock(LearningGoalBlock())
    themes = ThemeListBlock(ThemeBlock())
    boundaries = BoundariesBlock()
    prompts = PromptListBlock(PromptBlock())
    resources = ResourcesBlock()
    text = blocks.RichTextBlock(
        label=_("Vrije tekst"), features=["h2", "h3", *TEXT_FEATURES], icon="doc-full",
        help_text=_("Voor wat nergens anders past. Vroegere kaders staan hier als één tekst."),
    )

    SINGLE_SECTIONS = ("purpose", "learning_goals", "themes", "boundaries", "prompts", "resources")

    class Meta:
        block_counts = {name: {"max_num": 1} for name in (
            "purpose", "learning_goals", "themes", "boundaries", "prompts", "resources")}

    def to_python(self, value):
        # A framework saved before the body became a StreamField (and its old revisions) holds rich
        # text HTML; show it as one free-text section instead of an empty framework.
        if isinstance(value, str) and value.strip() and not value.lstrip().startswith("["):
            return super().to_python([{"type": "text", "value": value, "id": str(uuid.uuid4())}])
        return super().to_python(value)

    def clean(self, value):
        cleaned = super().clean(value)
        goal_titles = set()
        for child in cleaned:
            if child.block_type == "learning_goals":
                goal_titles |= {_normal(item["title"]) for item in child.value}
        errors = {}
        for index, child in enumerate(cleaned):
            if child.block_type != "prompts":
                continue
            item_errors = {}
            for i, prompt in enumerate(child.value):
                goal = prompt.get("learning_goal") or ""
                if goal.strip() and _normal(goal) not in goal_titles:
                    item_errors[i] = StructBlockValidationError(block_errors={"learning_goal": ValidationError(
                        _("Er is geen leerdoel ‘%(goal)s’ in dit kader. Neem de titel precies over uit de "
                          "leerdoelen, of laat dit veld leeg.") % {"goal": goal.strip()},
                        code="unknown_goal",
                    )})
            if item_errors:
                errors[index] = ListBlockValidationError(block_errors=item_errors)
        if errors:
            raise StreamBlockValidationError(block_errors=errors)
        return cleaned


def _normal(text: str) -> str:
    """How names are compared: case, accents and punctuation do not make two themes different."""
    return slugify(" ".join(str(text).split()))


def _duplicates(list_value, *, key, field, message) -> dict:
    """{index: error} for every list item whose key repeats an earlier item's key."""
    seen = set()
    errors = {}
    for index, item in enumerate(list_value.bound_blocks):
        name = key(item)
        normal = _normal(name)
        if not normal:
            continue
        if normal in seen:
            errors[index] = StructBlockValidationError(
                block_errors={field: ValidationError(message % {"name": name}, code="duplicate")}
            )
        seen.add(normal)
    return errors


# -- case stories ---------------------------------------------------------------------------


class ContactBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Naam"), max_length=120)
    role = blocks.CharBlock(label=_("Functie"), required=False, max_length=150)
    organisation = blocks.CharBlock(label=_("Organisatie"), required=False, max_length=200)
    email = blocks.EmailBlock(label=_("E-mailadres"), required=False)

    class Meta:
        icon = "user"
        label = _("Contactpersoon")


def _section(label, icon="doc-full"):
    return blocks.RichTextBlock(label=label, features=TEXT_FEATURES, icon=icon)


class CaseStoryBodyBlock(blocks.StreamBlock):
    """The story of a case, in the order readers expect; each part at most once."""

    context = _section(_("Aanleiding"))
    approach = _section(_("Aanpak"))
    building_blocks = _section(_("Bouwstenen: wat hielp"), icon="success")
    obstacles = _section(_("Obstakels: wat hinderde"), icon="warning")
    results = _section(_("Resultaten"), icon="tick")
    lessons = _section(_("Lessen"), icon="help")
    contact = ContactBlock()

    SECTION_LABELS = {
        "context": _("Aanleiding"),
        "approach": _("Aanpak"),
        "building_blocks": _("Bouwstenen: wat hielp"),
        "obstacles": _("Obstakels: wat hinderde"),
        "results": _("Resultaten"),
        "lessons": _("Lessen"),
    }

    class Meta:
        block_counts = {name: {"max_num": 1} for name in (
            "context", "approach", "building_blocks", "obstacles", "results", "lessons", "contact")}
