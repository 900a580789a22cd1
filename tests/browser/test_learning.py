"""Guided learning in the browser: a facilitator adds a prompt in the Wagtail admin and publishes it;
a member sees it on the community page, responds with a question and finds that response on the
prompt page. The member's pages are checked with axe-core (WCAG 2.1 A/AA)."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

COMMUNITY_PATH = "/gemeenschappen/schuldhulp-in-de-wijk/"
QUESTION = "Welke vraag stel jij deze week aan een inwoner met een huurachterstand?"
RESPONSE_TITLE = "Ik vraag eerst wat er deze maand als eerste betaald moet worden"


def framework_id():
    from learning.models import FrameworkPage

    return FrameworkPage.objects.get(url_path__endswith="/schuldhulp-in-de-wijk/kader/").pk


def add_prompt_in_admin(page, *, question, start, end):
    """Add an item to the framework's "Gerichte prikkels" list and fill it in."""
    type_input = page.locator('input[name^="body-"][name$="-type"][value="prompts"]')
    prefix = type_input.get_attribute("name").removesuffix("-type")
    count = int(page.locator(f'input[name="{prefix}-value-count"]').input_value())
    section = page.locator(f'[data-contentpath="{type_input.locator("xpath=..").get_attribute("data-contentpath")}"]')
    section.locator("[data-streamfield-list-add]").first.click()
    item = f"{prefix}-value-{count}-value"
    page.locator(f'textarea[name="{item}-question"]').fill(question)
    for field, day in (("start_date", start), ("end_date", end)):
        date_input = page.locator(f'input[name="{item}-{field}"]')
        date_input.fill(day.isoformat())
        date_input.press("Escape")


def test_facilitator_adds_a_prompt_and_a_member_responds_to_it(page, log_in_as, demo_site, axe):
    today = timezone.localdate()
    end = today + datetime.timedelta(days=14)

    # The facilitator adds a prompt to the framework in the admin and publishes it.
    log_in_as("facilitator")
    page.goto(f"/beheer/pages/{framework_id()}/edit/")
    add_prompt_in_admin(page, question=QUESTION, start=today, end=end)
    page.locator('textarea[name="change_note"], input[name="change_note"]').fill("Nieuwe prikkel voor deze week")
    page.get_by_role("button", name="Meer acties").click()
    page.locator('button[name="action-publish"]').click()
    expect(page.locator(".messages")).to_contain_text("gepubliceerd")

    # The member sees it on the community page, with its end date.
    page.context.clear_cookies()
    log_in_as("member")
    page.goto(COMMUNITY_PATH)
    prompts = page.locator("section.learning-active-prompts")
    expect(prompts).to_contain_text(QUESTION)
    expect(prompts).to_contain_text(f"Loopt tot en met {end.day}")
    axe(page)

    # ... responds to it with a question ...
    prompt_item = prompts.locator("li", has_text=QUESTION)
    prompt_item.get_by_role("link", name="Reageer met een vraag").click()
    expect(page.locator(".learning-responding-to")).to_contain_text(QUESTION)
    axe(page)
    page.locator("input[name=title]").fill(RESPONSE_TITLE)
    page.locator("textarea[name=body]").fill("Dan weet je meteen waar de grootste zorg zit.")
    page.get_by_role("button", name="Plaats je vraag").click()
    page.wait_for_load_state()
    if page.get_by_role("heading", level=1).inner_text().strip() == "Stel een vraag":
        # Similar questions were shown first (community's "have you seen these?" step): post anyway.
        page.get_by_role("button", name="Plaats je vraag").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(RESPONSE_TITLE)

    # ... and finds the response on the prompt page.
    page.goto(COMMUNITY_PATH)
    page.locator("section.learning-active-prompts").get_by_role("link", name=QUESTION).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(QUESTION)
    expect(page.locator("#reacties").locator("xpath=..")).to_contain_text(RESPONSE_TITLE)
    axe(page)


def test_framework_page_and_case_stories_have_no_wcag_21_aa_violations(page, log_in_as, axe):
    log_in_as("member")
    for path in (COMMUNITY_PATH + "kader/", COMMUNITY_PATH + "kader/prikkels/", "/casusverhalen/",
                 "/casusverhalen/spreekuur-in-de-supermarkt/", COMMUNITY_PATH + "verhalen/nieuw/"):
        response = page.goto(path)
        assert response.ok, f"{path} answered {response.status}"
        axe(page)
