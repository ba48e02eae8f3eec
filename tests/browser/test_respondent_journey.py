"""The respondent journey as a new user meets it (issue 9): a page's saves reach the server in
order, so nobody is told a colleague saved when it was their own autosave, and a real conflict
says who saved and when; the task list shows progress and goes on where the respondent left
off, with the privacy notice in full; matrix questions fit a 320 px screen; dates are typed in
day, month and year boxes that match their hint; the receipt has a reference number and a
printable copy of the answers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from backend.i18n import language_for
from backend.partners.services import create_person
from backend.responses.services import get_response, receipt_reference, save_answers
from backend.rounds.services import invitation_url, round_invitations
from tests.browser.conftest import SECRET, Server, assert_accessible
from tests.browser.filler import answer_visible_questions
from tests.factories import make_world, open_test_round

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"
COLLEAGUE = "Alex Colleague"


@dataclass
class Setup:
    #: each force's (by its index) first respondent's link
    urls: dict[int, str]
    round_id: int
    force_ids: list[int]
    colleague_id: int


@pytest.fixture(scope="module")
def setup(server: Server) -> Setup:
    """Eight forces invited to one round, each test answering for its own; force 5 has a
    second respondent, a colleague, whose saves the first one sees."""
    world = server.run(lambda: make_world(SURVEYS, forces=8))
    colleague = server.run(
        lambda: create_person(
            "colleague@force5.example.org", COLLEAGUE, "partner", force_id=world.force_ids[5], can_respond=True
        )
    )
    round_id = server.run(lambda: open_test_round(world, SECRET))
    invitations = server.run(lambda: round_invitations(round_id))
    urls = {
        world.force_ids.index(i.force_id): invitation_url(server.base_url, SECRET, i.nonce)
        for i in invitations
        if i.person_name != COLLEAGUE
    }
    return Setup(urls, round_id, world.force_ids, colleague)


def open_page(browser: Any, width: int = 1000, locale: str = "en-GB") -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale)
    page = context.new_page()
    page.js_errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    return page


def start(page: Any, link: str) -> None:
    page.goto(link)
    page.get_by_role("button", name="Start now").click()
    assert page.url.endswith("/respond")


def stored(server: Server, round_id: int, force_id: int) -> Any:
    return server.run(lambda: get_response(round_id, force_id))


def wait_for(page: Any, condition: Any, what: str) -> None:
    for _ in range(100):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"timed out waiting for {what}")


def test_save_and_continue_waits_for_the_pages_own_autosave(server: Server, browser: Any, setup: Setup) -> None:
    urls, round_id, force_ids = setup.urls, setup.round_id, setup.force_ids
    page = open_page(browser)
    start(page, urls[0])
    page.goto(page.url + "/section/barriers")
    answer_visible_questions(page)
    expect(page.locator("[data-autosave-status]")).to_have_text("Saved", timeout=10000)
    # The next autosave reaches the server (which saves it), but its reply is held back: the
    # page does not know the new revision yet when "Save and continue" is pressed.
    held: list[tuple[Any, Any]] = []
    page.route("**/autosave", lambda route: held.append((route, route.fetch())))
    page_posts: list[str] = []
    page.on("request", lambda r: page_posts.append(r.url) if r.method == "POST" and "autosave" not in r.url else None)
    page.locator("#change_wish").fill("Typed just before pressing the button")
    wait_for(page, lambda: bool(held), "the autosave")
    revision_before = page.locator("[data-revision]").input_value()
    assert stored(server, round_id, force_ids[0]).revision == int(revision_before) + 1
    page.get_by_role("button", name="Save and continue").click(no_wait_after=True)
    expect(page.locator("[data-autosave-status]")).to_have_text("Saving…")
    page.wait_for_timeout(500)
    assert page_posts == [], "the page was sent before its own autosave came back"
    route, response = held.pop()
    route.fulfill(response=response)
    page.wait_for_url("**/respond/check")
    assert "Someone else" not in page.locator("main").inner_text()
    answers = stored(server, round_id, force_ids[0]).answers
    assert answers["change_wish"] == "Typed just before pressing the button"
    assert not page.js_errors


def test_an_autosave_whose_reply_was_lost_is_no_conflict(server: Server, browser: Any, setup: Setup) -> None:
    """The server knows the page's own last save: the page's button goes through even when the
    page never heard back from its autosave (a dropped connection)."""
    urls, round_id, force_ids = setup.urls, setup.round_id, setup.force_ids
    page = open_page(browser)
    start(page, urls[1])
    page.goto(page.url + "/section/barriers")

    def lose_reply(route: Any) -> None:
        route.fetch()  # saved on the server…
        route.abort()  # …but the page never hears of it

    page.route("**/autosave", lose_reply)
    page.locator("#change_wish").fill("Saved, but the reply was lost")
    expect(page.locator("[data-autosave-status]")).to_contain_text("no connection", timeout=10000)
    assert page.locator("[data-revision]").input_value() == "0"
    assert stored(server, round_id, force_ids[1]).revision == 1
    page.locator("#change_wish").fill("Typed after the lost reply")
    page.get_by_role("button", name="Save and come back later").click()
    assert page.url.endswith("/respond?saved=1")
    assert stored(server, round_id, force_ids[1]).answers["change_wish"] == "Typed after the lost reply"


def test_a_colleagues_save_is_a_conflict_that_says_who_and_when(server: Server, browser: Any, setup: Setup) -> None:
    urls, round_id, force_ids = setup.urls, setup.round_id, setup.force_ids
    force_id = force_ids[5]
    page = open_page(browser)
    start(page, urls[5])
    page.goto(page.url + "/section/barriers")
    response = stored(server, round_id, force_id)
    server.run(lambda: save_answers(response.id, 0, {"change_wish": "The colleague's words"}, setup.colleague_id))
    when = stored(server, round_id, force_id).updated_at
    page.locator("#change_wish").fill("My words")
    status = page.locator("[data-autosave-status]")
    expect(status).to_contain_text(f"{COLLEAGUE} at your force saved this questionnaire on", timeout=10000)
    assert language_for("en").datetime(when) in status.inner_text()  # e.g. "… 2026, 4:05 PM UTC"
    page.get_by_role("button", name="Save and come back later").click()
    notice = page.get_by_test_id("conflict")
    assert f"{COLLEAGUE} at your force saved this questionnaire on" in notice.inner_text()
    assert "Your entries on this page have not been saved yet" in notice.inner_text()
    assert page.locator("#change_wish").input_value() == "My words"  # nothing typed is lost
    assert_accessible(page, "conflict page")
    # saving again is deliberate, and goes through
    page.get_by_role("button", name="Save and come back later").click()
    assert page.url.endswith("/respond?saved=1")
    assert stored(server, round_id, force_id).answers["change_wish"] == "My words"


def test_task_list_shows_progress_and_continues_where_you_left_off(server: Server, browser: Any, setup: Setup) -> None:
    page = open_page(browser)
    page.goto(setup.urls[2])
    # the privacy notice is on the start page in full, before "Start now"
    notice = page.locator("section.privacy-notice")
    expect(notice).to_be_visible()
    assert "How your answers are used" in notice.locator("h2").inner_text()
    assert "Only the project staff who run Practice Exchange see your answers in full" in notice.inner_text()
    assert page.locator("details").count() == 0
    assert_accessible(page, "start page")
    page.get_by_role("button", name="Start now").click()

    # a fresh start: nothing done, the main button starts the first section
    assert page.get_by_test_id("progress").inner_text() == "0 of 10 sections done"
    main_button = page.locator(".button-group .button").first
    assert main_button.inner_text() == "Start"
    expect(page.get_by_role("link", name="Check your answers")).to_be_visible()
    expect(page.locator("section.privacy-notice")).to_be_visible()
    assert_accessible(page, "task list at the start")
    main_button.click()
    assert page.url.endswith("/respond/section/strategy")
    answer_visible_questions(page)
    page.get_by_role("button", name="Save and come back later").click()

    # one section done: "Continue" goes to the first one not done
    assert page.get_by_test_id("progress").inner_text() == "1 of 10 sections done"
    page.get_by_role("link", name="Continue").click()
    assert page.url.endswith("/respond/section/measurement")
    page.go_back()
    page.get_by_role("link", name="Check your answers").click()
    assert page.url.endswith("/respond/check")


@pytest.mark.parametrize("width", [320, 1200])
def test_matrix_rows_fit_the_screen(server: Server, browser: Any, setup: Setup, width: int) -> None:
    urls, round_id, force_ids = setup.urls, setup.round_id, setup.force_ids
    page = open_page(browser, width=width)
    start(page, urls[3])
    page.goto(page.url + "/section/integrity")
    matrix = page.locator("#question-corruption_risk")
    rows = matrix.locator("fieldset[data-matrix-row]")
    assert rows.count() >= 4
    choices = rows.first.locator("input[type=radio]").count()
    header = matrix.locator(".matrix-head")
    if width == 320:
        # each row its own group of choices, one under another, every choice in sight
        expect(header).to_be_hidden()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        for radio in matrix.locator("input[type=radio]").all():
            box = radio.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        for label in rows.first.locator("label").all():
            expect(label).to_be_visible()
    else:
        # a table: every row's choices under the column headings
        expect(header).to_be_visible()
        headings = header.locator("span").all()[1:]
        assert len(headings) == choices
        for row in rows.all():
            for heading, radio in zip(headings, row.locator("input[type=radio]").all(), strict=True):
                h, r = heading.bounding_box(), radio.bounding_box()
                assert abs((h["x"] + h["width"] / 2) - (r["x"] + r["width"] / 2)) < 4
    assert rows.first.locator("legend").is_visible()
    assert_accessible(page, f"matrix at {width} px")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"matrix-{width}.png"), full_page=True)
    # answered in this layout, saved, and shown checked in the other one
    for row in rows.all():
        row.locator("input[type=radio]").nth(1).check()
    row_count = rows.count()
    page.get_by_role("button", name="Save and come back later").click()
    answer = stored(server, round_id, force_ids[3]).answers["corruption_risk"]
    assert len(answer) == row_count
    page.set_viewport_size({"width": 1520 - width, "height": 900})
    page.goto(page.url.replace("/respond?saved=1", "/respond/section/integrity"))
    assert all(row.locator("input[type=radio]").nth(1).is_checked() for row in rows.all())


def test_dates_in_day_month_and_year_boxes(server: Server, browser: Any, setup: Setup) -> None:
    urls, round_id, force_ids = setup.urls, setup.round_id, setup.force_ids
    # A browser in American English, whose own date control would show month/day/year.
    page = open_page(browser, locale="en-US")
    start(page, urls[4])
    page.goto(page.url + "/section/strategy")
    page.locator("#question-has_drug_strategy").get_by_label("Yes").check()
    date = page.locator("#question-strategy_adopted")
    # the hint shows the boxes' own order, whatever order the browser's language uses
    assert page.locator('[id="strategy_adopted-format"]').inner_text() == "For example, 27 3 2019"
    assert [label.inner_text() for label in date.locator("label").all()] == ["Day", "Month", "Year"]
    for n, select in enumerate(page.locator("#question-priority_ranking select").all()):
        select.select_option(index=n + 1)

    def attempt(day: str, month: str, year: str) -> str:
        for box, value in zip(date.locator("input").all(), (day, month, year), strict=True):
            box.fill(value)
        page.get_by_role("button", name="Save and continue").click()
        page.wait_for_load_state()
        summary = page.locator(".error-summary")
        return summary.inner_text() if summary.count() else ""

    assert "The date must include a month." in attempt("27", "", "2019")
    assert_accessible(page, "date with a missing month")
    page.locator(".error-summary a", has_text="must include a month").click()
    assert page.evaluate("document.activeElement.id") == "strategy_adopted.month"
    assert date.locator("[aria-invalid=true]").count() == 1
    assert "The month must be a number from 1 to 12." in attempt("27", "13", "2019")
    assert "The year must have 4 digits" in attempt("27", "3", "19")
    assert "The date must be a real date" in attempt("31", "2", "2019")
    assert "Enter a date on or after January 1, 1990." in attempt("27", "3", "1989")
    assert attempt("27", "3", "2019") == ""
    assert page.url.endswith("/respond/section/measurement")
    assert stored(server, round_id, force_ids[4]).answers["strategy_adopted"] == "2019-03-27"
    # shown again in the boxes
    page.goto(page.url.replace("measurement", "strategy"))
    assert [box.input_value() for box in date.locator("input").all()] == ["27", "3", "2019"]


def test_receipt_has_a_reference_and_a_printable_copy(server: Server, browser: Any, setup: Setup) -> None:
    urls, round_id, force_ids = setup.urls, setup.round_id, setup.force_ids
    page = open_page(browser)
    start(page, urls[6])
    page.goto(page.url + "/print")
    assert page.url.endswith("/respond")  # nothing to print before submission
    page.get_by_test_id("continue").click()
    while "/respond/section/" in page.url:
        answer_visible_questions(page)
        page.get_by_role("button", name="Save and continue").click()
        page.wait_for_load_state()
        assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()
    page.get_by_role("button", name="Submit answers").click()
    assert page.url.endswith("/respond/done")
    response = stored(server, round_id, force_ids[6])
    reference = receipt_reference(response)
    assert reference and re.fullmatch(r"PX-\d{8}-\d{5}-\d", reference)
    assert page.get_by_test_id("reference").inner_text() == reference
    assert_accessible(page, "receipt")
    page.reload()
    assert page.get_by_test_id("reference").inner_text() == reference  # stable

    page.get_by_role("link", name="Print or save a copy of your answers").click()
    assert page.url.endswith("/respond/print")
    assert page.get_by_test_id("reference").inner_text() == reference
    text = page.locator("main").inner_text()
    assert "Test round" in text and "Force 6" in text
    labels = page.locator(".summary-list dt")
    assert labels.count() >= 30
    assert "When was the current strategy or plan adopted?" in text
    expect(page.locator("[data-print]")).to_be_visible()  # shown by the script
    assert_accessible(page, "printable answers")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".no-print")).to_be_hidden()
    expect(labels.first).to_be_visible()
    assert not page.js_errors


def test_a_number_that_reads_two_ways_is_asked_about(server: Server, browser: Any, setup: Setup) -> None:
    """Issue 9: "1,500" typed in English was stored as 1.5. Now it is 1500, as English writes it;
    "1.500", which an English reader may take for either, is asked about (by the autosave and by
    the page), and nothing is stored for it until the respondent says which."""
    urls, round_id, force_ids = setup.urls, setup.round_id, setup.force_ids
    page = open_page(browser)
    start(page, urls[7])
    page.goto(page.url + "/section/resources")
    page.locator("#question-has_market_analysts").get_by_label("Yes").check()
    count = page.locator('[id="market_analyst_count"]')
    count.fill("1.500")
    question = "Did you mean 1,500 or 1.5? Enter it as 1500 or 1.5."
    expect(page.locator("[data-autosave-status]")).to_have_text(f"Not saved yet: {question}", timeout=10000)
    page.get_by_role("button", name="Save and come back later").click()
    assert question in page.locator(".error-summary").inner_text()
    assert page.locator('[id="market_analyst_count-error"]').inner_text().endswith(question)
    assert count.input_value() == "1.500"  # as typed
    assert_accessible(page, "a number asked about")
    assert "market_analyst_count" not in stored(server, round_id, force_ids[7]).answers
    count.fill("1,500")
    page.get_by_role("button", name="Save and come back later").click()
    assert page.url.endswith("/respond?saved=1")
    assert stored(server, round_id, force_ids[7]).answers["market_analyst_count"] == 1500
    page.goto(page.url.replace("/respond?saved=1", "/respond/section/resources"))
    assert count.input_value() == "1500"  # shown again in a form that reads one way only
