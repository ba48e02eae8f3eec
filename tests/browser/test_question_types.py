"""Every question type in a real browser, in French, with the error paths; the same pages
without JavaScript; autosave."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from backend.responses.services import get_response
from backend.rounds.services import invitation_url, round_invitations
from tests.browser.conftest import SECRET, Server, assert_accessible
from tests.browser.filler import answer_visible_questions
from tests.factories import make_world, open_test_round

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"


@pytest.fixture(scope="module")
def setup(server: Server) -> tuple[list[str], int, Any]:
    """Three forces invited to one round; each test answers for its own force."""
    world = server.run(lambda: make_world(SURVEYS, forces=3))
    round_id = server.run(lambda: open_test_round(world, SECRET))
    invitations = sorted(server.run(lambda: round_invitations(round_id)), key=lambda i: i.force_id)
    return [invitation_url(server.base_url, SECRET, i.nonce) for i in invitations], round_id, world


def start(page: Any, link: str, language: str | None = None) -> None:
    """Open the link and start (the button, in whatever language the page is), then choose
    `language` with the questionnaire's own language field."""
    page.goto(link)
    page.locator("form[action^='/r/'] button[type=submit]").click()
    if language:
        page.locator(".language-switch select").select_option(language)
        page.locator(".language-switch button").click()


def error_summary(page: Any) -> str:
    summary = page.locator(".error-summary")
    assert summary.count() == 1, "expected an error summary"
    return summary.inner_text()


def fill_date(question: Any, day: str, month: str, year: str) -> None:
    """Type a date into a date question's day, month and year boxes."""
    for box, value in zip(question.locator("input").all(), (day, month, year), strict=True):
        box.fill(value)


def save_and_continue(page: Any, label: str = "Enregistrer et continuer") -> None:
    page.get_by_role("button", name=label).click()
    page.wait_for_load_state()


def test_every_type_in_french_with_errors(server: Server, browser: Any, setup: tuple[list[str], int, Any]) -> None:
    urls, round_id, world = setup
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="fr-FR")
    page = context.new_page()
    js_errors: list[str] = []
    page.on("pageerror", lambda exc: js_errors.append(str(exc)))
    # A French browser, and a respondent who has chosen no language: the start page is French.
    page.goto(urls[0])
    assert page.locator("html").get_attribute("lang") == "fr"
    expect(page.get_by_role("button", name="Commencer maintenant")).to_be_visible()
    start(page, urls[0], "fr")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.locator(".task a").first.click()

    # --- strategy: info, yes/no with live conditions, date, ranking, single choice ---
    page.wait_for_load_state()
    adopted = page.locator("#question-strategy_adopted")
    expect(adopted).to_be_hidden()  # hidden until "Oui"
    page.locator("#question-has_drug_strategy").get_by_label("Oui").check()
    expect(adopted).to_be_visible()
    fill_date(adopted, "30", "6", "1985")  # before the question's min
    ranks = page.locator("#question-priority_ranking select")
    ranks.nth(0).select_option(index=1)
    ranks.nth(1).select_option(index=1)  # the same item twice
    save_and_continue(page)
    summary = error_summary(page)
    assert_accessible(page, "date and ranking errors")
    assert "Saisissez une date égale ou postérieure au 1 janvier 1990." in summary  # as French writes dates
    assert "Chaque élément ne peut avoir qu'un seul rang." in summary
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")  # focus moved to it
    page.locator(".error-summary a", has_text="1 janvier 1990").click()
    assert page.evaluate("document.activeElement.id") == "strategy_adopted.day"
    # what was typed is still there
    assert [i.input_value() for i in adopted.locator("input").all()] == ["30", "6", "1985"]
    fill_date(adopted, "27", "3", "2019")
    ranks.nth(1).select_option(index=2)
    ranks.nth(2).select_option(index=3)
    save_and_continue(page)
    assert "/respond/section/measurement" in page.url, page.locator("main").inner_text()[:500]

    # --- measurement: multiple choice with an exclusive option and "other" ---
    boxes = page.locator("#question-indicators_used input[type=checkbox]")
    boxes.first.check()
    boxes.nth(1).check()
    page.locator("#question-indicators_used input[data-exclusive]").check()
    assert not boxes.first.is_checked() and not boxes.nth(1).is_checked()  # cleared by "none of these"
    boxes.first.check()
    assert not page.locator("#question-indicators_used input[data-exclusive]").is_checked()
    other = page.locator('#question-indicators_used input[value="other"]')
    other.check()
    save_and_continue(page)
    assert "Précisez l'autre réponse." in error_summary(page)
    page.locator('[id="indicators_used.other"]').fill("Confiance de la population")
    answer_visible_questions(page)  # the rest of the page
    page.locator('[id="indicators_used.other"]').fill("Confiance de la population")
    save_and_continue(page)
    assert "/respond/section/targeting" in page.url

    # --- targeting, harm reduction (scales, number with range) ---
    answer_visible_questions(page)
    save_and_continue(page)
    assert "/respond/section/harm_reduction" in page.url
    answer_visible_questions(page)
    page.locator("#question-naloxone_carried").get_by_label("Oui").check()
    page.locator("#naloxone_trained_pct").fill("250")
    save_and_continue(page)
    assert "100" in error_summary(page)
    assert page.locator("#naloxone_trained_pct").get_attribute("aria-invalid") == "true"
    page.locator("#naloxone_trained_pct").fill("45,5")  # a decimal comma for a whole-number question
    save_and_continue(page)
    assert "Saisissez un nombre entier, sans décimales" in error_summary(page)
    page.locator("#naloxone_trained_pct").fill("45,000")  # thousands, or a decimal comma? Asked, not guessed
    save_and_continue(page)
    asked = error_summary(page).replace("\u202f", " ").replace("\u00a0", " ")
    assert "Vouliez-vous dire 45 000 ou 45 ? Saisissez 45000 ou 45." in asked
    assert page.locator("#naloxone_trained_pct").input_value() == "45,000"  # kept as typed
    page.locator("#naloxone_trained_pct").fill("45")
    save_and_continue(page)
    assert "/respond/section/alternatives" in page.url

    # --- alternatives (dropdown), financial, integrity (matrix) ---
    answer_visible_questions(page)
    assert page.locator("#possession_outcome").evaluate("e => e.tagName") == "SELECT"
    save_and_continue(page)
    answer_visible_questions(page)
    save_and_continue(page)
    assert "/respond/section/integrity" in page.url
    page.locator("#question-corruption_risk [data-matrix-row]").first.locator("input").first.check()
    save_and_continue(page)
    assert "Répondez pour chaque ligne." in error_summary(page)
    assert_accessible(page, "matrix with an error")
    answer_visible_questions(page)
    save_and_continue(page)

    # --- partnerships (matrix, long text), resources (allocation), barriers (short text) ---
    answer_visible_questions(page)
    save_and_continue(page)
    assert "/respond/section/resources" in page.url
    inputs = page.locator("#question-effort_allocation input")
    inputs.nth(0).fill("50")
    inputs.nth(1).fill("40")
    total = page.locator("#question-effort_allocation [data-total]")
    assert re.fullmatch(r"90\s%", total.inner_text())  # as French writes a percentage
    save_and_continue(page)
    assert "Les parts doivent totaliser 100." in error_summary(page)
    assert_accessible(page, "allocation with an error")
    inputs.nth(1).fill("50")
    assert re.fullmatch(r"100\s%", total.inner_text())
    save_and_continue(page)
    assert "/respond/section/barriers" in page.url
    answer_visible_questions(page)
    page.locator("#change_wish").fill("Plus de coopération avec la santé")
    save_and_continue(page)

    # --- check your answers (in French), change link, submit ---
    assert page.url.endswith("/respond/check")
    check = page.locator("main").inner_text()
    assert "Vérifiez vos réponses" in check
    assert_accessible(page, "check your answers in French")
    assert "Confiance de la population" in check and "Plus de coopération avec la santé" in check
    assert "27 mars 2019" in check  # a date answer as French writes dates
    page.locator('#check-change_wish a[href*="/respond/section/"]').click()  # "Modifier", not "History"
    assert "/respond/section/barriers" in page.url
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.get_by_role("button", name="Envoyer les réponses").click()
    assert page.url.endswith("/respond/done")
    stored = server.run(lambda: get_response(round_id, world.force_ids[0]))
    assert stored.status == "submitted"
    assert stored.answers["naloxone_trained_pct"] == 45
    assert stored.answers["effort_allocation"][page_first_item(stored)] == 50
    assert stored.answers["indicators_used.other"] == "Confiance de la population"
    assert not js_errors, js_errors
    context.close()


def page_first_item(stored: dict) -> str:  # type: ignore[type-arg]
    return next(iter(stored.answers["effort_allocation"]))


def test_pages_work_without_javascript(server: Server, browser: Any, setup: tuple[list[str], int, Any]) -> None:
    urls, round_id, world = setup
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1000, "height": 900})
    page = context.new_page()
    start(page, urls[1])
    page.locator(".task a").first.click()
    # without JavaScript, a conditional question is on the page with when to answer it
    adopted = page.locator("#question-strategy_adopted")
    assert adopted.is_visible()
    assert "Answer only if" in adopted.inner_text() and "Yes" in adopted.inner_text()
    page.locator("#question-has_drug_strategy").get_by_label("No").check()
    fill_date(adopted, "1", "1", "2018")  # answered although hidden by the condition
    for n, select in enumerate(page.locator("#question-priority_ranking select").all()):
        select.select_option(index=n + 1)
    page.get_by_role("button", name="Save and continue").click()
    assert "/respond/section/measurement" in page.url
    stored = server.run(lambda: get_response(round_id, world.force_ids[1]))
    assert stored.answers["has_drug_strategy"] == "no"
    # "Save and come back later" keeps a half-done page without requiring anything
    page.get_by_role("button", name="Save and come back later").click()
    assert page.url.endswith("/respond?saved=1")
    context.close()


def test_autosave_as_you_type(server: Server, browser: Any, setup: tuple[list[str], int, Any]) -> None:
    urls, round_id, world = setup
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    start(page, urls[2])
    page.goto(page.url.replace("/respond", "/respond/section/barriers"))
    page.locator("#change_wish").fill("Typed, never submitted")
    expect(page.locator("[data-revision]")).not_to_have_value("0", timeout=10000)
    expect(page.locator("[data-autosave-status]")).to_have_text("Saved")
    stored = server.run(lambda: get_response(round_id, world.force_ids[2]))
    assert stored.answers["change_wish"] == "Typed, never submitted"
    assert stored.status == "draft"
    context.close()
