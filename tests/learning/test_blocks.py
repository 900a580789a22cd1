"""Validation of the framework blocks: the messages a facilitator sees in the admin."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from learning.blocks import FrameworkBodyBlock, PromptBlock, ThemeBlock, ThemeListBlock
from learning.models import FrameworkPage
from tests.factories import FrameworkPageFactory
from tests.learning.builders import body, days, goal, prompt, theme

START = datetime.date(2026, 3, 10)


def clean_prompt(start, end):
    block = PromptBlock()
    return block.clean(block.to_python({"question": "Wat zag je?", "start_date": start.isoformat(),
                                        "end_date": end.isoformat(), "learning_goal": ""}))


def test_prompt_ending_before_it_starts_is_rejected_at_the_end_date():
    with pytest.raises(StructBlockValidationError) as caught:
        clean_prompt(START, START - datetime.timedelta(days=1))

    message = caught.value.block_errors["end_date"].messages[0]
    assert "De einddatum (09-03-2026) ligt vóór de startdatum (10-03-2026)" in message


def test_prompt_of_a_single_day_is_valid():
    cleaned = clean_prompt(START, START)

    assert cleaned["end_date"] == START


def test_the_same_theme_twice_in_a_framework_is_rejected_on_the_second():
    block = ThemeListBlock(ThemeBlock())
    value = block.to_python([theme("Vroegsignalering"), theme("Samenwerking"), theme("vroegsignalering ")])

    with pytest.raises(ListBlockValidationError) as caught:
        block.clean(value)

    assert list(caught.value.block_errors) == [2]
    message = caught.value.block_errors[2].block_errors["name"].messages[0]
    assert "Het thema ‘vroegsignalering’ staat al in dit kader" in message


def test_a_prompt_for_a_learning_goal_that_is_not_in_the_framework_is_rejected():
    block = FrameworkBodyBlock()
    value = block.to_python(body(goals=[goal("Vroegsignalering")],
                                 prompts=[prompt("Wat zag je?", START, START, learning_goal="Nazorg")]))

    with pytest.raises(ValidationError, match="Validation error"):
        block.clean(value)


def test_legacy_rich_text_body_is_read_as_one_free_text_section(community):
    page = FrameworkPageFactory(parent=community, body="<h2>Doel</h2><p>Samen leren.</p>")

    page = FrameworkPage.objects.get(pk=page.pk)

    assert [child.block_type for child in page.body] == ["text"]
    assert "Samen leren." in page.body[0].value.source


# -- the same rules, through the admin's edit view -----------------------------------------


def admin_form_data(page, new_body, action="action-publish"):
    """POST data of Wagtail's page edit form for a framework with the given body."""
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    stream = {"count": str(len(new_body))}
    for i, child in enumerate(new_body):
        entry = {"type": child["type"], "deleted": "", "order": str(i), "id": child["id"]}
        value = child["value"]
        if isinstance(value, list):
            items = {"count": str(len(value))}
            for j, item in enumerate(value):
                items[str(j)] = {"value": {k: v or "" for k, v in item["value"].items()}, "deleted": "",
                                 "order": str(j), "id": item["id"]}
            entry["value"] = items
        elif isinstance(value, dict):
            entry["value"] = {k: v or "" for k, v in value.items()}
        else:
            from wagtail.test.utils.form_data import rich_text

            entry["value"] = rich_text(value)
        stream[str(i)] = entry
    data = nested_form_data({
        "title": page.title, "slug": page.slug, "body": stream, "change_note": "",
        "comments": inline_formset([]),
    })
    data[action] = "1"
    return data


def test_admin_shows_the_end_before_start_message_and_publishes_nothing(client, superuser, framework):
    client.force_login(superuser)
    bad = body(prompts=[prompt("Wat zag je?", days(5), days(1))])

    response = client.post(f"/beheer/pages/{framework.pk}/edit/", admin_form_data(framework, bad))

    assert response.status_code == 200
    errors = response.context["form"].errors["body"].as_data()[0]
    prompt_errors = errors.block_errors[1].block_errors[0].block_errors
    assert "ligt vóór de startdatum" in prompt_errors["end_date"].messages[0]
    framework.refresh_from_db()
    assert framework.section("prompts")[0]["question"] == "Welk signaal zag je het eerst?"


def test_admin_shows_the_duplicate_theme_message(client, superuser, framework):
    client.force_login(superuser)
    bad = body(themes=[theme("Vroegsignalering"), theme("Vroegsignalering")])

    response = client.post(f"/beheer/pages/{framework.pk}/edit/", admin_form_data(framework, bad))

    assert response.status_code == 200
    errors = response.context["form"].errors["body"].as_data()[0]
    theme_errors = errors.block_errors[1].block_errors[1].block_errors
    assert "staat al in dit kader" in theme_errors["name"].messages[0]


def test_admin_publishes_a_valid_prompt(client, superuser, framework):
    client.force_login(superuser)
    good = body(prompts=[prompt("Nieuwe prikkel voor deze maand", days(0), days(14))])

    response = client.post(f"/beheer/pages/{framework.pk}/edit/", admin_form_data(framework, good))

    assert response.status_code == 302
    framework.refresh_from_db()
    assert framework.section("prompts")[0]["question"] == "Nieuwe prikkel voor deze maand"
