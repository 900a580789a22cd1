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
