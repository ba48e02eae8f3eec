"""Colleagues at one force in a real browser: the lead respondent invites a colleague from the
respondent pages; the colleague opens their own link (in French); both edit the force's one
response at once; the late save is refused with the lead's name, keeps what was typed on the
page, and appears in the answer's history as not saved; the pages pass axe-core's checks."""

from __future__ import annotations

from typing import Any

from backend.rounds.services import invitation_url, round_invitations
from tests.browser.conftest import Server, assert_accessible, new_page
from tests.browser.test_newcomer import SECRET, SURVEYS, mailing_server  # noqa: F401
from tests.factories import make_world, open_test_round

#: "Save and come back later" (nothing required yet), in either language
DRAFT = 'button[name="action"][value="draft"]'


def _link(server: Server, round_id: int, email: str) -> str:
    invitations = server.run(lambda: round_invitations(round_id))
    nonce = next(i.nonce for i in invitations if i.email == email)
    return invitation_url(server.base_url, SECRET, nonce)


def test_lead_invites_a_colleague_and_both_edit(mailing_server: Server, browser: Any) -> None:  # noqa: F811
    server = mailing_server
    world = server.run(lambda: make_world(SURVEYS, forces=1, survey="force-profile.yaml"))
    round_id = server.run(lambda: open_test_round(world, SECRET))

    lead = new_page(browser)
    lead.goto(_link(server, round_id, world.partner_emails[0]))
    lead.locator("button.button-start").click()
    lead.get_by_test_id("colleagues-link").click()
    assert lead.url.endswith("/respond/colleagues")
    # Bad input first: both problems named, nothing sent.
    lead.get_by_label("E-mail address").fill("camille-at-force0")
    lead.get_by_test_id("invite").click()
    summary = lead.locator(".error-summary").inner_text()
    assert "Enter your colleague's name." in summary and "in the right format" in summary
    assert_accessible(lead, "colleagues, with errors")
    lead.get_by_label("Name").fill("Camille Durand")
    lead.get_by_label("E-mail address").fill("camille@force0.example.org")
    lead.get_by_label("Language of their messages").select_option("fr")
    lead.get_by_test_id("invite").click()
    assert "Camille Durand is invited" in lead.locator(".notice").inner_text()
    assert "Camille Durand" in lead.get_by_test_id("team").inner_text()
    assert_accessible(lead, "colleagues")

    colleague = new_page(browser)
    colleague.goto(_link(server, round_id, "camille@force0.example.org"))
    colleague.locator("button.button-start").click()
    assert colleague.locator("html").get_attribute("lang") == "fr", colleague.url  # their language
    # A colleague sees who helps, without the form.
    colleague.get_by_test_id("colleagues-link").click()
    assert colleague.get_by_test_id("invite").count() == 0

    # Both open the page; the lead saves first.
    lead.goto(f"{server.base_url}/respond/section/profile")
    colleague.goto(f"{server.base_url}/respond/section/profile")
    lead.locator('#question-force_type input[value="city"]').check()
    lead.locator(DRAFT).click()
    lead.wait_for_url("**/respond?saved=1")
    colleague.locator('#question-force_type input[value="customs"]').check()
    colleague.locator(DRAFT).click()
    conflict = colleague.get_by_test_id("conflict")
    conflict.wait_for()
    assert "Contact 0" in conflict.inner_text()
    assert colleague.locator('#question-force_type input[value="customs"]').is_checked()  # nothing lost
    assert_accessible(colleague, "a refused save")

    # The history, on the lead's pages: the lead's save, and the colleague's, kept as not saved.
    lead.goto(f"{server.base_url}/respond/history?question=force_type")
    rows = lead.get_by_test_id("history").locator("tbody tr")
    assert rows.count() == 2
    assert "Camille Durand" in rows.nth(0).inner_text() and "not saved" in rows.nth(0).inner_text().lower()
    assert "Contact 0" in rows.nth(1).inner_text() and "City or municipal police" in rows.nth(1).inner_text()
    assert_accessible(lead, "an answer's history")
    lead.context.close()
    colleague.context.close()
