"""The analysis workspace in a real browser: staff open it from the round page, read the
unpublished charts (drawn), filter by a group, cross-tabulate two questions, and code a few
free-text answers; every page passes axe-core's checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import Server, assert_accessible, new_page
from tests.browser.test_journey import sign_in
from tests.conftest import truncate_all
from tests.factories import STAFF_EMAIL, STAFF_PASSWORD, make_world, open_test_round, submit_random

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"
SECRET = "browser-test-secret-key-0123456789"


def test_explore_and_code_a_round(server: Server, browser: Any) -> None:
    server.run(lambda: truncate_all(server.dsn))
    world = server.run(lambda: make_world(SURVEYS, forces=8))
    round_id = server.run(lambda: open_test_round(world, SECRET))
    answers = server.run(lambda: submit_random(round_id, world, world.force_ids[:7], seed=7))
    europe = sum(1 for i in range(7) if i % 8 < 4)  # tests.factories.REGIONS: the first four are European

    staff = new_page(browser)
    sign_in(staff, server.base_url, STAFF_EMAIL, STAFF_PASSWORD)
    staff.goto(f"{server.base_url}/staff/rounds/{round_id}")
    staff.get_by_role("link", name="Analysis workspace").click()
    assert staff.locator("h1").inner_text() == "Analysis workspace"
    assert "Not published." in staff.get_by_test_id("not-published").inner_text()
    assert staff.get_by_test_id("records").inner_text() == "7"
    staff.wait_for_selector('#q-has_drug_strategy [data-drawn="true"]')
    title = staff.locator("#q-has_drug_strategy .gtitle").text_content() or ""
    assert title.startswith("Not published") and "(n = 7)" in title
    assert_accessible(staff, "analysis workspace")

    # a filter applies to every chart and to the cross-tab
    staff.get_by_label("Only forces in").select_option("region:europe")
    staff.get_by_role("button", name="Apply").click()
    assert staff.get_by_test_id("kept").inner_text() == str(europe)
    staff.get_by_label("Rows").select_option("has_drug_strategy")
    staff.get_by_label("Columns").select_option("naloxone_carried")
    staff.get_by_role("button", name="Cross-tabulate").click()
    table = staff.get_by_test_id("crosstab")
    assert table.count() == 1
    both = [
        a
        for f, a in answers.items()
        if world.force_ids.index(f) < 4 and a.get("has_drug_strategy") and a.get("naloxone_carried")
    ]
    assert staff.get_by_test_id("crosstab-total").inner_text() == str(len(both))
    assert staff.get_by_label("Only forces in").input_value() == "region:europe"  # the filter stays
    assert_accessible(staff, "cross-tab")

    # free-text coding: add two themes, tag two answers, read the counts
    staff.goto(f"{server.base_url}/staff/rounds/{round_id}/analysis")
    staff.locator("#q-targeting_example").get_by_role("link", name="Read and code the answers").click()
    assert staff.get_by_test_id("force-name").count() == 0  # names hidden while coding
    for name in ("Violence", "Health"):
        staff.get_by_label("New theme").fill(name)
        staff.get_by_role("button", name="Add the theme").click()
    first, second = staff.get_by_test_id("answer").nth(0), staff.get_by_test_id("answer").nth(1)
    first.get_by_label("Violence").check()
    first.get_by_label("Health").check()
    first.get_by_role("button", name="Save the themes").click()
    staff.get_by_test_id("answer").nth(1).get_by_label("Health").check()
    staff.get_by_test_id("answer").nth(1).get_by_role("button", name="Save the themes").click()
    rows = staff.get_by_test_id("themes").locator("tbody tr")
    assert rows.nth(0).get_attribute("data-theme") == "Health"
    assert rows.nth(0).get_by_test_id("count").inner_text() == "2"
    assert rows.nth(1).get_by_test_id("count").inner_text() == "1"
    assert second.get_by_label("Health").is_checked()
    assert_accessible(staff, "coding")
    staff.get_by_label("New theme").fill("violence")
    staff.get_by_role("button", name="Add the theme").click()
    assert "already has a theme of that name" in staff.locator(".error-summary").inner_text()
    assert_accessible(staff, "coding error")
