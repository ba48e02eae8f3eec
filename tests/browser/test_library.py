"""The reports library in a real browser (issue 12): staff publish a report with its PDF
(first refused with a field message for a file that is not a PDF), a partner finds it by
searching, reads its page and downloads the PDF. Every page passes axe-core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from backend.demo.library import tiny_pdf
from tests.browser.conftest import Server, assert_accessible, new_page
from tests.browser.test_journey import sign_in
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, make_world

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"


def test_staff_publish_and_partner_download(server: Server, browser: Any, tmp_path: Path) -> None:
    world = server.run(lambda: make_world(SURVEYS, forces=3))
    pdf = tmp_path / "market-study.pdf"
    pdf.write_bytes(tiny_pdf("Market study"))
    text = tmp_path / "notes.txt"
    text.write_text("not a pdf")

    staff = new_page(browser)
    sign_in(staff, server.base_url, STAFF_EMAIL, STAFF_PASSWORD)
    staff.goto(f"{server.base_url}/library")
    staff.get_by_role("link", name="Publish a report").click()
    assert_accessible(staff, "the form to publish a report")
    staff.locator("#title_en").fill("Market study")
    staff.locator("#summary_en").fill("What displacement follows a crackdown.")
    staff.locator("#authors").fill("R. Author")
    staff.locator("#published_on").fill("2026-10-01")
    staff.get_by_label("Strategic priorities").check()
    staff.locator("#file").set_input_files(str(text))
    staff.locator("#save").click()
    assert "The file is not a PDF" in staff.locator("#file-error").inner_text()
    assert staff.locator("#title_en").input_value() == "Market study"  # what was typed is kept
    assert_accessible(staff, "the form with an error")
    staff.locator("#file").set_input_files(str(pdf))
    staff.locator("#save").click()
    staff.wait_for_url("**/library/*")
    assert staff.locator("h1").inner_text() == "Market study"
    assert_accessible(staff, "a report's page, staff")

    partner = new_page(browser)
    sign_in(partner, server.base_url, world.partner_emails[0], PARTNER_PASSWORD)
    partner.goto(f"{server.base_url}/dashboard")
    partner.get_by_role("link", name="Reports", exact=True).click()
    partner.get_by_label("Search titles and summaries").fill("displacement")
    partner.get_by_role("button", name="Find reports").click()
    assert_accessible(partner, "the reports library")
    partner.get_by_role("link", name="Market study").click()
    assert "R. Author" in partner.content() and partner.locator("text=Manage this report").count() == 0
    assert_accessible(partner, "a report's page, partner")
    with partner.expect_download() as info:
        partner.locator("#download").click()
    download = info.value
    assert download.suggested_filename == "market-study.pdf"
    assert Path(download.path()).read_bytes() == pdf.read_bytes()
