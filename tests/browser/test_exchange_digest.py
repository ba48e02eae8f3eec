"""A partner chooses an e-mail digest of new posts in a real browser: from the account page to
the digest page, a refused choice shown beside its field, a saved one; both pages accessible."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import Server, assert_accessible
from tests.browser.test_journey import sign_in
from tests.factories import PARTNER_PASSWORD, make_world

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"


def test_a_partner_chooses_a_weekly_digest(server: Server, page: Any) -> None:
    world = server.run(lambda: make_world(SURVEYS, forces=3))
    script_errors: list[str] = []
    page.on("pageerror", lambda exc: script_errors.append(str(exc)))
    base = server.base_url

    sign_in(page, base, world.partner_emails[0], PARTNER_PASSWORD)
    page.goto(f"{base}/account")
    page.get_by_role("link", name="Receive the new posts in the discussions you follow by e-mail").click()
    assert page.url.endswith("/account/digest/")
    assert page.get_by_label("No digest").is_checked()
    assert_accessible(page, "digest page")

    # A value the form does not offer (as a tampered request would send): refused by field.
    page.get_by_label("Weekly").evaluate("e => e.value = 'monthly'")
    page.get_by_label("Weekly").check()
    page.get_by_role("button", name="Save").click()
    assert "daily, weekly or none" in page.locator("#frequency-error").inner_text()
    assert page.get_by_label("No digest").is_checked()
    assert_accessible(page, "digest page with an error")

    page.get_by_label("Weekly").check()
    page.get_by_role("button", name="Save").click()
    assert "weekly digest" in page.locator(".notice").inner_text()
    assert page.get_by_label("Weekly").is_checked()
    assert not script_errors, script_errors
