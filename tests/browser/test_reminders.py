"""Staff follow a round in a real browser: they open it, read the response monitor (counts,
the chart of submissions drawn, rates by group), choose the forces that have not submitted and
remind them in one action, and find the reminders in the Outbox."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.browser.conftest import Server, assert_accessible
from tests.browser.test_journey import sign_in
from tests.factories import STAFF_EMAIL, STAFF_PASSWORD, make_world, submit_random

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"


def test_staff_open_a_round_watch_the_monitor_and_remind_non_responders(server: Server, page: Any) -> None:
    world = server.run(lambda: make_world(SURVEYS, forces=4))
    script_errors: list[str] = []
    page.on("pageerror", lambda exc: script_errors.append(str(exc)))
    base = server.base_url

    sign_in(page, base, STAFF_EMAIL, STAFF_PASSWORD)
    page.get_by_role("link", name="Open a new round").click()
    version = page.get_by_label("Questionnaire version")
    option = version.locator("option", has_text="Drug market management practice").first.get_attribute("value")
    version.select_option(option)
    page.get_by_label("Title of the round").fill("Reminder round")
    for i in range(4):
        page.get_by_label(re.compile(f"^Force {i} ")).check()
    page.get_by_label("Minimum group size").fill("3")
    page.get_by_label("Closing date (optional)").fill("2099-12-31")
    page.get_by_role("button", name="Open the round").click()
    assert "4 personal invitation links" in page.locator(".notice").inner_text()
    round_id = int(page.url.rsplit("/", 1)[1])
    server.run(lambda: submit_random(round_id, world, world.force_ids[:1], seed=5))

    page.get_by_test_id("monitor-link").click()
    assert page.url.endswith(f"/staff/rounds/{round_id}/monitor")
    assert page.get_by_test_id("total-submitted").inner_text() == "1"
    assert page.get_by_test_id("total-not-started").inner_text() == "3"
    page.locator('[data-figure="submissions-figure"][data-drawn="true"]').wait_for()
    assert page.get_by_test_id("group-rates").locator("tbody tr").count() >= 3
    assert_accessible(page, "response monitor")

    # The three non-responders are ticked; leave Force 3 out this time.
    boxes = page.locator('[data-testid="monitor-forces"] input[name="forces"]')
    assert boxes.count() == 3
    page.get_by_label("Remind Force 3").uncheck()
    page.get_by_test_id("remind-now").click()
    assert "2 reminders queued." in page.locator(".notice").inner_text()
    rows = page.locator('[data-testid="monitor-forces"] tbody tr')
    reminded = {rows.nth(i).get_attribute("data-force"): rows.nth(i).locator("td.num").inner_text() for i in range(4)}
    assert reminded["Force 1"].startswith("1") and reminded["Force 3"].startswith("0")

    page.goto(f"{base}/staff/outbox?kind=reminder")
    listed = page.locator("table tbody tr")
    assert listed.count() == 2
    text = listed.all_inner_texts()
    assert any("contact1@force1.example.org" in t for t in text) and any(
        "contact2@force2.example.org" in t for t in text
    )
    assert all("Reminder: your answers to Reminder round" in t for t in text)
    assert page.get_by_role("link", name="Reminder: your answers to Reminder round").count() == 2
    assert not script_errors, script_errors
