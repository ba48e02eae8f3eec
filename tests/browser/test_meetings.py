"""Meetings in a real browser (issue 12): staff create a meeting (first refused with a field
message, what was typed kept) and announce it; a partner finds it under Meetings, registers,
downloads the calendar file (read back with icalendar) and cancels. Every page passes axe-core."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import icalendar

from tests.browser.conftest import Server, assert_accessible, new_page
from tests.browser.test_journey import sign_in
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, make_world

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"


def test_partner_registers_downloads_the_calendar_and_cancels(server: Server, browser: Any) -> None:
    world = server.run(lambda: make_world(SURVEYS, forces=2))
    day = (dt.date.today() + dt.timedelta(days=30)).isoformat()

    staff = new_page(browser)
    sign_in(staff, server.base_url, STAFF_EMAIL, STAFF_PASSWORD)
    staff.goto(f"{server.base_url}/staff/meetings")
    staff.get_by_role("link", name="Create a meeting").click()
    assert_accessible(staff, "the form to create a meeting")
    staff.locator("#title_en").fill("Browser peer exchange")
    staff.locator("#agenda_en").fill("1. **Welcome**\n2. Round table")
    staff.locator("#timezone").fill("America/Bogota")
    staff.locator("#starts_at").fill(f"{day}T10:00")
    staff.locator("#ends_at").fill(f"{day}T09:00")  # before the start: refused
    staff.locator("#place").fill("Bogotá")
    staff.locator("#online_url").fill("https://meet.example.org/browser")
    staff.locator("#capacity").fill("5")
    staff.locator("#save").click()
    assert "end after it starts" in staff.locator("#ends_at-error").inner_text()
    assert staff.locator("#title_en").input_value() == "Browser peer exchange"  # what was typed is kept
    assert_accessible(staff, "the meeting form with an error")
    staff.locator("#ends_at").fill(f"{day}T12:00")
    staff.locator("#save").click()
    staff.wait_for_url("**/meetings/*")
    staff.locator("#announce").click()
    staff.wait_for_url("**/meetings/*")
    assert "partners can register" in staff.content()

    partner = new_page(browser)
    sign_in(partner, server.base_url, world.partner_emails[0], PARTNER_PASSWORD)
    partner.goto(f"{server.base_url}/dashboard")
    partner.get_by_role("link", name="Meetings", exact=True).click()
    assert_accessible(partner, "the list of meetings")
    assert "New meeting:" in partner.locator("#meeting-notices").inner_text()
    partner.locator("#upcoming").get_by_role("link", name="Browser peer exchange").click()
    assert "5 places left of 5" in partner.locator("#places").inner_text()
    assert "shown to registered attendees" in partner.locator("#online").inner_text()
    assert partner.locator("#calendar").count() == 0
    assert_accessible(partner, "a meeting's page before registering")

    partner.locator("#register").click()
    partner.wait_for_url("**/meetings/*")
    assert partner.locator("#my-status").inner_text() == "You are registered."
    assert "4 places left of 5" in partner.locator("#places").inner_text()
    assert partner.locator("#online a").inner_text() == "https://meet.example.org/browser"
    assert_accessible(partner, "a meeting's page, registered")
    with partner.expect_download() as info:
        partner.locator("#calendar").click()
    download = info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = icalendar.Calendar.from_ical(Path(download.path()).read_bytes())
    event = calendar.walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Browser peer exchange"
    assert str(event["DTSTART"].params["TZID"]) == "America/Bogota"
    assert event.decoded("DTSTART").astimezone(dt.UTC).hour == 15  # 10:00 in Bogotá (UTC-5)
    assert str(event["LOCATION"]) == "Bogotá"

    partner.locator("#unregister").click()
    partner.wait_for_url("**/meetings/*")
    assert partner.locator("#my-status").inner_text() == "You are not registered."
    assert "5 places left of 5" in partner.locator("#places").inner_text()
    assert partner.locator("#calendar").count() == 0
    assert partner.locator("#register").count() == 1
