"""Exports and the audit trail in a real browser: staff download a round as SPSS with French
labels from the round page, open its codebook, then find the export in the audit trail by its
filters; every page passes axe-core's checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyreadstat

from tests.browser.conftest import Server, assert_accessible, new_page
from tests.browser.test_journey import sign_in
from tests.conftest import truncate_all
from tests.factories import STAFF_EMAIL, STAFF_PASSWORD, make_world, open_test_round, submit_random

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"
SECRET = "browser-test-secret-key-0123456789"


def test_export_a_round_and_find_it_in_the_audit_trail(server: Server, browser: Any, tmp_path: Path) -> None:
    server.run(lambda: truncate_all(server.dsn))
    world = server.run(lambda: make_world(SURVEYS, forces=4))
    round_id = server.run(lambda: open_test_round(world, SECRET))
    server.run(lambda: submit_random(round_id, world, world.force_ids[:3], seed=5))

    staff = new_page(browser)
    sign_in(staff, server.base_url, STAFF_EMAIL, STAFF_PASSWORD)
    staff.goto(f"{server.base_url}/staff/rounds/{round_id}")
    assert_accessible(staff, "round page with its export section")
    staff.get_by_label("Format").select_option("sav")
    staff.get_by_label("Labels in").select_option("fr")
    with staff.expect_download() as download:
        staff.get_by_role("button", name="Download the responses").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".sav" and saved.name.endswith("-fr.sav")
    data, meta = pyreadstat.read_sav(str(saved))
    assert len(data) == 3 and meta.variable_value_labels["has_drug_strategy"] == {1.0: "Oui", 2.0: "Non"}

    staff.get_by_role("link", name="HTML").click()
    assert staff.locator("h1").inner_text().startswith("Codebook")
    assert staff.locator("#var-has_drug_strategy").count() == 1
    assert_accessible(staff, "codebook")

    staff.goto(f"{server.base_url}/staff/audit/")
    assert_accessible(staff, "audit trail")
    staff.get_by_label("What").select_option("round.exported")
    staff.get_by_role("button", name="Filter").click()
    rows = staff.locator("tbody tr")
    assert rows.count() == 2  # the file and the codebook
    assert "round: Test round" in rows.nth(0).inner_text() and "Sam Staff" in rows.nth(0).inner_text()
    staff.get_by_label("Round number").fill("abc")
    staff.get_by_role("button", name="Filter").click()
    assert "Round: give a round number" in staff.locator(".error-summary").inner_text()
    assert_accessible(staff, "audit trail with an error")
