"""Follow and notify in a real browser: a member follows a question, a colleague answers, the member
sees the badge and the notification; the notifications page passes axe-core."""

import re

from playwright.sync_api import expect

COMMUNITY_SLUG = "schuldhulp-in-de-wijk"


def _question_url():
    from community.models import Post

    question = (
        Post.objects.filter(community__slug=COMMUNITY_SLUG, kind=Post.Kind.QUESTION, is_hidden=False)
        .filter(author__username="lotte")
        .select_related("community")
        .first()
    )
    return question.get_url(), question.title


def test_member_follows_a_question_and_hears_about_a_new_answer(browser, demo_site, page, log_in_as, axe):
    url, title = _question_url()
    log_in_as("member")
    page.goto("/meldingen/")  # start from a clean slate: the demo content already notified the member
    if page.get_by_role("button", name="Markeer alles als gelezen").count():
        page.get_by_role("button", name="Markeer alles als gelezen").click()
    page.goto(url)
    page.get_by_role("button", name=re.compile(rf"^Volgen\s*:\s*{re.escape(title)}$")).click()
    expect(page.get_by_role("button", name=re.compile(rf"^Niet meer volgen\s*:\s*{re.escape(title)}$"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^Meldingen\s*\d+\s*ongelezen$"))).to_have_count(0)

    # A colleague answers, in a browser of her own.
    colleague = browser.new_context(base_url=demo_site.url, locale="nl-NL")
    log_in_as("facilitator", context=colleague)
    other = colleague.new_page()
    other.goto(url)
    other.get_by_label("Je antwoord").fill("Wij nodigen de buurtcoach uit bij het eerste gesprek.")
    other.get_by_role("button", name="Plaats antwoord").click()
    expect(other.locator(".answers")).to_contain_text("Wij nodigen de buurtcoach uit")
    colleague.close()

    # The member sees the badge, opens the notifications and finds what happened.
    page.goto("/")
    badge = page.get_by_role("link", name=re.compile(r"^Meldingen\s*1\s*ongelezen$"))
    expect(badge).to_be_visible()
    badge.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meldingen")
    notification = page.get_by_role("link", name=re.compile(f"antwoordde bij ‘{re.escape(title)}’"))
    expect(notification).to_be_visible()
    axe(page)

    notification.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("link", name=re.compile(r"^Meldingen\s*\d+\s*ongelezen$"))).to_have_count(0)


def test_notification_settings_page_has_no_wcag_21_aa_violations(page, log_in_as, axe):
    log_in_as("facilitator")
    response = page.goto("/meldingen/instellingen/")
    assert response.ok
    axe(page)


def test_notifications_page_with_notifications_has_no_wcag_21_aa_violations(page, log_in_as, axe):
    log_in_as("member")  # the demo content already notified the member
    response = page.goto("/meldingen/")
    assert response.ok
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.locator(".koffietafel-activity__item").first).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Markeer als gelezen\s*:")).first).to_be_visible()
    axe(page)


def test_api_tokens_page_has_no_wcag_21_aa_violations_empty_with_an_error_and_with_a_key(page, log_in_as, axe):
    log_in_as("member")
    response = page.goto("/profiel/api-sleutels/")
    assert response.ok
    expect(page.get_by_role("heading", level=1)).to_have_text("API-sleutels")
    axe(page)

    # An empty name: the error is announced, linked from the summary and tied to the field.
    page.get_by_role("button", name="Maak een sleutel").click()
    field = page.get_by_label("Waarvoor gebruik je deze sleutel?")
    expect(field).to_have_attribute("aria-invalid", "true")
    described_by = field.get_attribute("aria-describedby") or ""
    error_id = next(part for part in described_by.split() if part.endswith("_error"))
    expect(page.locator(f"#{error_id}")).to_contain_text("Geef de sleutel een naam")
    expect(page.get_by_role("alert")).to_contain_text("Geef de sleutel een naam")
    axe(page)

    # A key made: shown once, listed with a revoke button that names it.
    field.fill("Dashboard van ons team")
    page.get_by_role("button", name="Maak een sleutel").click()
    expect(page.get_by_role("status").filter(has_text="Je nieuwe sleutel")).to_contain_text("wagtail_")
    expect(page.get_by_role("button", name=re.compile(r"^Intrekken\s*:\s*Dashboard van ons team$"))).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    axe(page)
