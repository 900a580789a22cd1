"""Train je Collega in a real browser: the last seat, the waiting list, a promotion; axe-core clean
on the session page and the benchmark dashboards."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from learning.events.models import Session, SessionIndexPage


def _one_seat_session() -> Session:
    facilitator = get_user_model().objects.get(username="facilitator")
    edition = SessionIndexPage.objects.get(slug="train-je-collega-editie").edition
    return Session.objects.create(
        edition=edition, title="Laatste plek: lastige gesprekken aan de keukentafel",
        description="Een sessie met precies één plaats.", host=facilitator,
        organisation=facilitator.profile.organisation, location="Stadskantoor Rivierstad, zaal 1",
        starts_at=timezone.now() + datetime.timedelta(days=7), duration_minutes=60, capacity=1,
    )


def test_last_seat_waiting_list_and_promotion(browser, demo_site, page, log_in_as, axe):
    session = _one_seat_session()
    url = f"/train-je-collega/sessies/{session.pk}/"

    log_in_as("member")
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(session.title)
    expect(page.locator("main")).to_contain_text("Nog 1 plaats vrij.")
    axe(page)
    page.get_by_role("button", name="Meld je aan").click()
    expect(page.locator("#signup-state")).to_have_text("Je bent aangemeld.")

    # A second member, in a browser of her own, finds the session full.
    colleague = browser.new_context(base_url=demo_site.url, locale="nl-NL")
    log_in_as("lotte", context=colleague)
    other = colleague.new_page()
    other.goto(url)
    other.get_by_role("button", name="Zet me op de wachtlijst").click()
    expect(other.locator("#signup-state")).to_contain_text("Je staat op de wachtlijst (plaats 1).")
    axe(other)

    # The first cancels; the second gets the seat.
    page.reload()
    page.get_by_role("button", name="Afmelden").click()
    expect(page.locator(".koffietafel-messages")).to_contain_text("Je bent afgemeld.")
    expect(page.get_by_role("button", name="Meld je aan")).to_have_count(0)  # the seat went to the waiting list
    other.reload()
    expect(other.locator("#signup-state")).to_have_text("Je bent aangemeld.")
    colleague.close()
    assert list(session.signups.values_list("user__username", "status").order_by("position")) == [
        ("member", "cancelled"), ("lotte", "confirmed")]


def test_benchmark_dashboards_pass_axe(page, log_in_as, axe):
    log_in_as("facilitator")
    page.goto("/benchmark/gemeenschappen/schuldhulp-in-de-wijk/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hoe gaat het met Schuldhulp in de wijk?")
    expect(page.get_by_role("img", name="Vragen, praktijkverhalen en antwoorden per week")).to_be_visible()
    axe(page)
    page.goto("/benchmark/organisaties/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisaties naast elkaar")
    axe(page)


def test_member_gets_404_on_the_dashboard(page, log_in_as):
    log_in_as("member")
    assert page.goto("/benchmark/gemeenschappen/schuldhulp-in-de-wijk/").status == 404
