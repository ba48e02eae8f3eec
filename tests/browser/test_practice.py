"""The practice bank in a real browser (issue 12): a partner writes a note (first refused with
a field message, what was typed kept) and sends it for review; staff publish it from the review
queue; another partner finds it by searching and sees it beside the chart it is tagged with on
the round's dashboard. The pages pass axe-core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from backend.publication.services import close_round, publish
from backend.settings import Settings
from tests.browser.conftest import Server, assert_accessible, new_page
from tests.browser.test_journey import sign_in
from tests.factories import (
    PARTNER_PASSWORD,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    World,
    make_world,
    open_test_round,
    submit_random,
)

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"


async def _published_world() -> tuple[World, int]:
    world = await make_world(SURVEYS, forces=6)
    round_id = await open_test_round(world, Settings().secret_key)
    await submit_random(round_id, world, world.force_ids)
    await close_round(round_id, world.staff)
    await publish(round_id, world.staff)
    return world, round_id


def test_write_publish_find_and_see_beside_the_chart(server: Server, browser: Any) -> None:
    world, round_id = server.run(_published_world)
    base = server.base_url

    author = new_page(browser)
    sign_in(author, base, world.partner_emails[0], PARTNER_PASSWORD)
    author.goto(f"{base}/dashboard")
    author.get_by_role("link", name="Practice bank", exact=True).click()
    author.get_by_role("link", name="Write a practice note").click()
    assert_accessible(author, "the form to write a practice note")
    author.locator("#approach").fill("Call-ins with sellers, prosecutors and outreach workers.")
    author.locator("#save").click()
    assert "Give the note a title." in author.locator("#title-error").inner_text()
    assert "Call-ins with sellers" in author.locator("#approach").input_value()  # kept
    assert_accessible(author, "the form with errors")
    author.locator("#title").fill("Focused deterrence call-ins")
    author.locator("#problem-market_violence").check()
    author.locator("#outcome").fill("Shootings fell by a third.")
    author.locator("#status-promising").check()
    author.locator("#attribution-anonymous").check()
    author.locator("details:has(#question-focused_deterrence) > summary").click()
    author.locator("#question-focused_deterrence").check()
    author.locator("#save").click()
    author.wait_for_url("**/practice/*")
    author.locator("#submit").click()
    author.wait_for_selector("text=Your note is sent for review")
    assert_accessible(author, "the author's note page")

    staff = new_page(browser)
    sign_in(staff, base, STAFF_EMAIL, STAFF_PASSWORD)
    staff.goto(f"{base}/staff/practice")
    assert "Contact 0" in staff.locator("#waiting").inner_text()  # staff see the author
    assert_accessible(staff, "the review queue")
    staff.locator("#waiting button", has_text="Publish").first.click()
    staff.wait_for_selector("text=The note is published")

    reader = new_page(browser)
    sign_in(reader, base, world.partner_emails[1], PARTNER_PASSWORD)
    reader.goto(f"{base}/practice")
    reader.get_by_label("Search the notes (in English, French or Spanish)").fill("shooting")
    reader.locator("#find").click()
    reader.wait_for_url("**/practice?q=shooting*")
    assert_accessible(reader, "the practice bank's search")
    reader.get_by_role("link", name="Focused deterrence call-ins").click()
    page = reader.content()
    assert "An anonymous force" in page and "Contact 0" not in page and "Force 0" not in page
    assert_accessible(reader, "a practice note, partner")

    reader.goto(f"{base}/dashboard/rounds/{round_id}")
    beside = reader.locator('[data-practice="focused_deterrence"]')
    assert "Practice notes on this topic (1)" in beside.inner_text()
    beside.locator("summary").click()
    beside.get_by_role("link", name="Focused deterrence call-ins").click()
    reader.wait_for_url("**/practice/*")
    assert reader.locator("h1").inner_text() == "Focused deterrence call-ins"
