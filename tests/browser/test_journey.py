"""The whole journey in a real browser: staff sign in, open a round of the shipped
questionnaire, the respondent answers every page and submits, staff see the counts and the
summary, close the round, check the preview and the suppression report and publish with
confirmation; a partner sees the chart of the peer distribution with their force marked and
small groups withheld."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.browser.conftest import Server, assert_accessible, new_page
from tests.browser.filler import answer_visible_questions
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, make_world, submit_random

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def sign_in(page: Any, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_whole_journey(server: Server, browser: Any, page: Any) -> None:
    world = server.run(lambda: make_world(SURVEYS, forces=8))
    base = server.base_url

    # staff open a round of the drug market questionnaire for every force
    sign_in(page, base, STAFF_EMAIL, STAFF_PASSWORD)
    page.get_by_role("link", name="Open a new round").click()
    version = page.get_by_label("Questionnaire version")
    option = version.locator("option", has_text="Drug market management practice").first.get_attribute("value")
    version.select_option(option)
    page.get_by_label("Title of the round").fill("Journey round")
    for i in range(8):
        page.get_by_label(re.compile(f"^Force {i} ")).check()
    page.get_by_label("Minimum group size").fill("3")
    page.get_by_role("button", name="Open the round").click()
    assert "8 personal invitation links" in page.locator(".notice").inner_text()
    round_url = page.url
    round_id = int(round_url.rsplit("/", 1)[1])
    links = page.locator("input[data-invitation-link]")
    assert links.count() == 8
    link_for_force0 = page.locator('input[data-invitation-link="contact0@force0.example.org"]').input_value()

    # four other forces have already answered (inserted as submitted responses)
    server.run(lambda: submit_random(round_id, world, world.force_ids[4:8], seed=11))

    # the respondent of force 0 opens their personal link and answers every page
    respondent = new_page(browser)
    respondent.goto(link_for_force0)
    respondent.get_by_role("button", name="Start now").click()
    assert respondent.url.endswith("/respond")
    assert_accessible(respondent, "task list")
    respondent.locator(".task a").first.click()
    pages = 0
    while "/respond/section/" in respondent.url:
        pages += 1
        if pages == 1:
            assert_accessible(respondent, "first question page")
        answer_visible_questions(respondent)
        respondent.get_by_role("button", name="Save and continue").click()
        respondent.wait_for_load_state()
        assert respondent.locator(".error-summary").count() == 0, respondent.locator(".error-summary").inner_text()
        assert pages < 20
    assert pages >= 8 and respondent.url.endswith("/respond/check")
    assert_accessible(respondent, "check your answers")
    respondent.get_by_role("button", name="Submit answers").click()
    assert respondent.url.endswith("/respond/done")
    assert "Answers submitted" in respondent.locator("h1").inner_text()

    # staff see five submitted responses and the per-question summary, then publish
    page.goto(round_url)
    assert page.get_by_test_id("submitted-count").inner_text() == "5"
    assert page.locator("#summary-has_drug_strategy").is_visible()
    # an open round cannot be published: close it, then preview what partners will see
    assert page.get_by_role("link", name="Preview and publish results").count() == 0
    page.get_by_role("button", name="Close the round").click()
    page.get_by_role("link", name="Preview and publish results").click()
    assert page.get_by_test_id("preview-submitted").inner_text() == "5"
    assert page.locator("article.result .chart").first.is_visible()
    report = page.get_by_test_id("suppression-report")
    assert report.locator("tr[data-reason]").count() > 0
    assert "Fewer than 3 forces answered" in report.inner_text()
    assert_accessible(page, "publication preview")
    # publishing without the confirmation is refused with a message naming the checkbox
    page.get_by_role("button", name="Publish results").click()
    summary = page.locator(".error-summary")
    assert "Confirm that you have checked the preview" in summary.inner_text()
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "confirm"
    page.get_by_label(re.compile("I have checked this preview")).check()
    page.get_by_role("button", name="Publish results").click()
    assert "Results published" in page.locator(".notice").first.inner_text()
    assert page.get_by_test_id("versions").is_visible()

    # the partner at force 0 sees a chart with their force marked
    partner = new_page(browser)
    sign_in(partner, base, world.partner_emails[0], PARTNER_PASSWORD)
    partner.get_by_role("link", name="Journey round").click()
    marked = partner.locator("article.result", has=partner.locator(".chart")).filter(has_text="Your force answered")
    chart = marked.first.locator(".chart")
    chart.locator(".main-svg").first.wait_for()
    assert chart.get_attribute("data-drawn") == "true"
    assert re.search(r"your force|\(you: ", chart.inner_text())  # bars say "your force"; rankings "you: 1st"
    assert not partner.js_errors if hasattr(partner, "js_errors") else True
    SCREENSHOTS.mkdir(exist_ok=True)
    partner.screenshot(path=str(SCREENSHOTS / "partner-dashboard.png"))
    assert_accessible(partner, "partner dashboard")

    # a region with too few forces is withheld, marked like any withheld figure
    picker = partner.get_by_label("Compare with")
    picker.select_option(picker.locator("option", has_text="My region").get_attribute("value"))
    partner.get_by_role("button", name="Show").click()
    withheld = partner.locator("[data-withheld]")
    assert withheld.count() > 0
    assert {withheld.nth(i).inner_text() for i in range(withheld.count())} == {
        "Withheld: shown only where enough forces answered and no force's answer could be worked out."
    }
