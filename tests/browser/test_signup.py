"""Public pages and sign-up in a real browser (issue 12, item 6): an anonymous visitor goes from
the start page to the page about the initiative, signs up (first refused for a malformed e-mail
address, with what was typed kept), confirms with the link from the message, and staff approve
the sign-up as a partner contact of a force. Every page passes axe-core."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from backend.database import fetch
from backend.mail.links import fill
from backend.partners.services import find_person
from tests.browser.conftest import SECRET, Server, assert_accessible, new_page
from tests.browser.test_journey import sign_in
from tests.factories import STAFF_EMAIL, STAFF_PASSWORD, make_world

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"


def _confirmation_link(server: Server, email: str) -> str:
    """The link in the confirmation message, as the worker fills it in when sending."""

    async def latest() -> list[dict[str, Any]]:
        return await fetch(
            "SELECT body_text, link_ref FROM message WHERE kind = 'signup_confirm' AND recipient = $1 ORDER BY id DESC",
            email,
        )

    [message, *_] = server.run(latest)
    text = fill(message["body_text"], message["link_ref"], server.base_url, SECRET)
    found = re.search(rf"{re.escape(server.base_url)}/signup/confirm/[A-Za-z0-9_-]+", text)
    assert found, text
    return found.group(0)


def test_sign_up_confirm_and_staff_approve(server: Server, browser: Any) -> None:
    world = server.run(lambda: make_world(SURVEYS, forces=2))
    base = server.base_url

    visitor = new_page(browser)
    visitor.goto(base)
    visitor.get_by_role("link", name="About the initiative").click()
    visitor.wait_for_url("**/about")
    assert visitor.locator("h1").inner_text() == "About the initiative"
    assert "Chatham House Rule" in visitor.content()
    assert_accessible(visitor, "the page about the initiative")
    visitor.get_by_role("link", name="Sign up").first.click()
    visitor.wait_for_url("**/signup")
    assert_accessible(visitor, "the sign-up form")
    # The honeypot: clipped to a pixel, hidden from assistive tech, out of the tab order.
    trap = visitor.locator('[aria-hidden="true"]:has(#website)')
    assert trap.bounding_box()["width"] <= 1 and visitor.locator("#website").get_attribute("tabindex") == "-1"
    visitor.get_by_label("Your name").fill("Ana Lima")
    visitor.get_by_label("Your role").fill("Chief Superintendent")
    visitor.get_by_label("Organisation").fill("Polícia Civil")
    visitor.get_by_label("Country").select_option("BR")
    visitor.get_by_label("E-mail address").fill("ana.lima@example")
    visitor.get_by_label("Language of our messages").select_option("es")
    visitor.get_by_label("Police support for harm reduction").check()
    visitor.get_by_label("I agree that my data is kept").check()
    visitor.locator("#sign-up").click()
    assert "Enter an e-mail address like name@example.org." in visitor.locator("#email-error").inner_text()
    assert visitor.get_by_label("Your name").input_value() == "Ana Lima"  # what was typed is kept
    assert visitor.get_by_label("Police support for harm reduction").is_checked()
    assert_accessible(visitor, "the sign-up form with an error")
    visitor.get_by_label("E-mail address").fill("ana.lima@example.org")
    visitor.locator("#sign-up").click()
    assert visitor.locator('[data-testid="signup-sent"]').is_visible()
    assert_accessible(visitor, "look in your mailbox")

    visitor.goto(_confirmation_link(server, "ana.lima@example.org"))
    assert_accessible(visitor, "the confirmation page")
    visitor.get_by_role("button", name="Confirm my sign-up").click()
    assert visitor.locator('[data-testid="signup-confirmed"]').is_visible()

    staff = new_page(browser)
    sign_in(staff, base, STAFF_EMAIL, STAFF_PASSWORD)
    staff.get_by_role("link", name="Sign-ups").click()
    staff.wait_for_url("**/staff/signups")
    card = staff.locator('[data-testid="signup"]')
    assert card.count() == 1 and "Polícia Civil" in card.inner_text() and "Brazil" in card.inner_text()
    assert_accessible(staff, "the sign-ups to review")
    card.get_by_label("Force (to approve as a partner contact)").select_option(label="Force 1 (Country)")
    card.get_by_role("button", name="Approve as a partner contact").click()
    assert "is now a partner contact" in staff.locator(".notice-success").inner_text()
    assert staff.locator('[data-testid="signup"]').count() == 0

    person = server.run(lambda: find_person("ana.lima@example.org"))
    assert person is not None and person.force_id == world.force_ids[1] and person.language == "es"
