"""Trends in a real browser: two published rounds of one questionnaire; a partner opens the
trends page from the dashboard, every chart is drawn, the figures are in tables, and the page
passes axe-core's checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from backend.publication.services import close_round, publish
from tests.browser.conftest import Server, assert_accessible, new_page
from tests.browser.test_journey import sign_in
from tests.conftest import truncate_all
from tests.factories import PARTNER_PASSWORD, World, make_world, open_test_round, submit_random

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"


async def two_published_rounds(secret: str) -> World:
    world = await make_world(SURVEYS, forces=12)
    for seed in (1, 2):
        round_id = await open_test_round(world, secret)
        await submit_random(round_id, world, world.force_ids, seed=seed)
        await close_round(round_id, world.staff)
        await publish(round_id, world.staff)
    return world


def test_trends_page(server: Server, browser: Any) -> None:
    world = server.run(lambda: two_published_rounds("browser-test-secret-key-0123456789"))
    partner = new_page(browser)
    sign_in(partner, server.base_url, world.partner_emails[0], PARTNER_PASSWORD)
    partner.goto(f"{server.base_url}/dashboard")
    partner.get_by_role("link", name="how figures moved").click()
    assert partner.locator("h1").inner_text() == "Trends across rounds"
    charts = partner.locator("article.result .chart")
    assert charts.count() > 0
    charts.first.locator(".main-svg").first.wait_for()
    drawn = partner.locator('article.result .chart[data-drawn="true"]')
    assert drawn.count() == charts.count()
    table = partner.locator("article.result table").first
    assert "Forces" in table.inner_text()
    assert_accessible(partner, "trends")
    picker = partner.get_by_label("Group")
    picker.select_option(picker.locator("option", has_text="My region").get_attribute("value"))
    partner.get_by_role("button", name="Show").click()
    assert "group=region" in partner.url
    assert partner.locator("article.result").count() > 0


def test_trends_and_results_in_french(server: Server, browser: Any) -> None:
    """Switched to French, the trends and a round's results are French: the page, the charts'
    titles and axes as plotly.js draws them, its toolbar; and they pass axe-core's checks."""
    server.run(lambda: truncate_all(server.dsn))  # the module's server: this test's own data
    world = server.run(lambda: two_published_rounds("browser-test-secret-key-0123456789"))
    partner = new_page(browser)
    sign_in(partner, server.base_url, world.partner_emails[0], PARTNER_PASSWORD)
    partner.goto(f"{server.base_url}/dashboard")
    partner.get_by_role("button", name="Français").click()
    assert partner.locator("h1").inner_text() == "Résultats publiés"
    partner.get_by_role("link", name="l'évolution des chiffres").click()
    assert partner.locator("h1").inner_text() == "Tendances d'une campagne à l'autre"
    charts = partner.locator("article.result .chart")
    charts.first.locator(".main-svg").first.wait_for()
    drawn = charts.first.inner_text()
    assert "Toutes les organisations partenaires" in drawn and "All partner forces" not in drawn
    assert "Organisations" in partner.locator("article.result table").first.inner_text()
    assert_accessible(partner, "trends in French")
    partner.goto(f"{server.base_url}/dashboard")
    partner.locator("ul.link-list a").first.click()
    chart = partner.locator("article.result .chart").first
    chart.locator(".main-svg").first.wait_for()
    assert "% des organisations" in chart.inner_text()
    # plotly.js's own toolbar speaks French too (charts.js registers the page's words)
    chart.hover()
    button = chart.locator(".modebar-btn").first
    assert button.get_attribute("data-title") == "Télécharger le graphique en image PNG"
    assert_accessible(partner, "results in French")
