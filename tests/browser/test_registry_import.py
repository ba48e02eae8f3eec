"""The registry import in a real browser: staff choose a CSV file with bad rows, read every
problem by row and column, choose the corrected file, read what will happen, import it, and
find the new forces and people in the registry; the pages pass axe-core's checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Server, assert_accessible, new_page
from tests.browser.test_journey import sign_in
from tests.conftest import truncate_all
from tests.factories import STAFF_EMAIL, STAFF_PASSWORD, make_world

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"

GOOD = (
    "\ufeffcode,name,country,region,force_type,size_band,officers,population_served\n"
    "north-city,North City Police,Utopia,europe,city,1000_4999,2400,850000\n"
)
BAD = GOOD + "north-city,Again,Utopia,mars,city,1000_4999,,\n"


def test_import_preview_then_import(server: Server, browser: Any, tmp_path: Path) -> None:
    server.run(lambda: truncate_all(server.dsn))
    server.run(lambda: make_world(SURVEYS, forces=1))
    bad, good = tmp_path / "bad.csv", tmp_path / "forces.csv"
    bad.write_text(BAD, encoding="utf-8")
    good.write_text(GOOD, encoding="utf-8")
    staff = new_page(browser)
    sign_in(staff, server.base_url, STAFF_EMAIL, STAFF_PASSWORD)
    staff.goto(f"{server.base_url}/staff/forces")
    staff.get_by_role("link", name="Import forces and people from a file").click()
    assert staff.locator("h1").inner_text() == "Import forces and people"
    staff.get_by_label("File (CSV or XLSX)").set_input_files(str(bad))
    staff.get_by_role("button", name="Check the file").click()
    assert "The file has 2 problems. Nothing was imported." in staff.locator(".error-summary").inner_text()
    problems = staff.locator("#problems tbody tr")
    assert problems.count() == 2
    assert "This code is also on row 2." in problems.nth(0).inner_text() + problems.nth(1).inner_text()
    assert staff.get_by_role("button", name="Import", exact=True).count() == 0
    assert_accessible(staff, "import problems")

    staff.get_by_label("File (CSV or XLSX)").set_input_files(str(good))
    staff.get_by_role("button", name="Check the file").click()
    # waits for the page the click brings (count() alone would read the page before it)
    expect(staff.locator("h2", has_text="Ready to import")).to_have_count(1)
    assert "North City Police" in staff.locator("#plan").inner_text()
    assert_accessible(staff, "import preview")
    staff.get_by_role("button", name="Import", exact=True).click()
    assert "Forces: 1 added" in staff.locator("body").inner_text()
    assert staff.get_by_role("link", name="North City Police").count() == 1
