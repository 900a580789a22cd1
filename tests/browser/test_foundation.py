"""The newcomer's journey through the demo site, and its accessibility (WCAG 2.1 A/AA, axe-core)."""

import pytest
from playwright.sync_api import expect

COMMUNITY = "Schuldhulp in de wijk"
COMMUNITY_PATH = "/gemeenschappen/schuldhulp-in-de-wijk/"
FRAMEWORK_PATH = COMMUNITY_PATH + "kader/"


def test_member_logs_in_and_opens_a_community_and_its_framework(page, demo_site):
    page.goto("/")
    page.get_by_role("link", name="Inloggen", exact=True).click()
    page.locator("input[name=login]").fill("member")
    page.locator("input[name=password]").fill("demo")
    page.locator("input[name=password]").press("Enter")

    expect(page).to_have_url(demo_site.url + "/")
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()

    page.get_by_role("link", name=COMMUNITY, exact=True).first.click()
    expect(page).to_have_url(demo_site.url + COMMUNITY_PATH)
    expect(page.get_by_role("heading", level=1)).to_have_text(COMMUNITY)

    page.get_by_role("link", name="kader").first.click()
    expect(page).to_have_url(demo_site.url + FRAMEWORK_PATH)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kader: {COMMUNITY}")


@pytest.mark.parametrize(
    ("path", "username"),
    [
        pytest.param("/", None, id="home"),
        pytest.param("/account/login/", None, id="login"),
        pytest.param(COMMUNITY_PATH, "member", id="community"),
        pytest.param(FRAMEWORK_PATH, "member", id="framework"),
    ],
)
def test_page_has_no_wcag_21_aa_violations(page, log_in_as, axe, path, username):
    if username:
        log_in_as(username)

    response = page.goto(path)

    assert response.ok, f"{path} answered {response.status}"
    axe(page)
