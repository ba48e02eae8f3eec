"""The newcomer's path (issue 11, docs/newcomer.md) in a real browser, on the real server with
its mail worker in process and no SMTP server (the demo's local mailbox): staff import the
example force list, open a round, see the invitations arrive on the Outbox page, open the
personal link in one, answer and submit, watch the monitor change, and remind the rest. Then
the Outbox page itself: filter, read a message, and send a failed one again."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backend.database import execute, fetchrow
from tests.browser.conftest import Server, assert_accessible, new_page
from tests.browser.filler import answer_visible_questions
from tests.browser.test_journey import sign_in
from tests.conftest import truncate_all
from tests.factories import STAFF_EMAIL, STAFF_PASSWORD, make_world
from tests.served import run_async, served

ROOT = Path(__file__).resolve().parents[2]
SURVEYS = ROOT / "surveys"
EXAMPLES = ROOT / "docs" / "examples"
SECRET = "newcomer-test-secret-key-0123456789"


@pytest.fixture(scope="module")
def mailing_server(database_dsn: str) -> Iterator[Server]:
    """The server as the demo runs it: the mail worker in its process, no SMTP server."""
    run_async(lambda: truncate_all(database_dsn))
    with served(database_dsn, SECRET, log_name="newcomer-server", MAIL_WORKER_IN_PROCESS="true", SMTP_HOST="") as base:
        yield Server(base, database_dsn)


def _until(page: Any, url: str, done: Any, tries: int = 60) -> None:
    """Reload `url` until `done(page)`: the worker sends in the background."""
    for _ in range(tries):
        page.goto(url)
        if done(page):
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"{url} never showed what was awaited: {page.locator('main').inner_text()[:500]}")


def _import(staff: Any, base: str, path: Path, expected: str) -> None:
    staff.goto(f"{base}/staff/forces/import")
    staff.get_by_label("File (CSV or XLSX)").set_input_files(str(path))
    staff.get_by_role("button", name="Check the file").click()
    assert staff.locator("h2", has_text="Ready to import").count() == 1
    staff.get_by_role("button", name="Import", exact=True).click()
    assert expected in staff.locator("body").inner_text()


def test_newcomer_path_from_import_to_reminder(mailing_server: Server, browser: Any) -> None:
    server, base = mailing_server, mailing_server.base_url
    server.run(lambda: make_world(SURVEYS, forces=0, survey="force-profile.yaml"))
    staff = new_page(browser)
    sign_in(staff, base, STAFF_EMAIL, STAFF_PASSWORD)

    # 1. The force list: forces, then their lead respondents.
    _import(staff, base, EXAMPLES / "newcomer-forces.csv", "Forces: 3 added")
    _import(staff, base, EXAMPLES / "newcomer-people.csv", "People: 3 added")

    # 2. A round for the three forces, opened at once.
    staff.goto(f"{base}/staff/rounds/new")
    version = staff.get_by_label("Questionnaire version")
    version.select_option(version.locator("option", has_text="Force profile").first.get_attribute("value"))
    staff.get_by_label("Title of the round").fill("First round")
    for name in ("Harbour City Police", "Northern Region Police", "River Valley Constabulary"):
        staff.get_by_label(re.compile(f"^{name} ")).check()
    staff.get_by_label("Minimum group size").fill("3")
    staff.get_by_label("Closing date (optional)").fill("2099-12-31")
    staff.get_by_role("button", name="Open the round").click()
    assert "3 personal invitation links" in staff.locator(".notice").inner_text()
    round_id = int(staff.url.rsplit("/", 1)[1])

    # 3. The invitations arrive in the mailbox (the Outbox page), each in its person's language.
    invitations = f"{base}/staff/outbox?kind=invitation&state=sent"
    _until(staff, invitations, lambda p: p.locator('[data-testid="outbox"] tbody tr').count() == 3)
    assert_accessible(staff, "outbox")
    rows = staff.locator('[data-testid="outbox"] tbody tr').all_inner_texts()
    assert any("claire.martin@northern-region.example.org" in r and "First round" in r for r in rows)
    staff.get_by_role("row", name=re.compile("robin.hale@harbour-city")).get_by_role("link").click()
    assert "robin.hale@harbour-city.example.org" in staff.locator("main").inner_text()
    link = staff.locator('[data-testid="body-text"] a[href*="/r/"]').first.get_attribute("href")
    assert link and link.startswith(f"{base}/r/")

    # 4. Robin opens the link from the mail, answers and submits.
    robin = new_page(browser)
    robin.goto(link)
    robin.get_by_role("button", name="Start now").click()
    robin.get_by_test_id("continue").click()
    while "/respond/section/" in robin.url:
        assert answer_visible_questions(robin)
        robin.get_by_role("button", name="Save and continue").click()
    assert robin.url.endswith("/respond/check")
    robin.get_by_role("button", name="Submit answers").click()
    assert robin.url.endswith("/respond/done")
    robin.context.close()

    # 5. The monitor has changed; the two others are ticked to be reminded.
    staff.goto(f"{base}/staff/rounds/{round_id}")
    staff.get_by_test_id("monitor-link").click()
    assert staff.get_by_test_id("total-submitted").inner_text() == "1"
    assert staff.get_by_test_id("total-not-started").inner_text() == "2"
    boxes = staff.locator('[data-testid="monitor-forces"] input[name="forces"]')
    assert boxes.count() == 2
    staff.get_by_test_id("remind-now").click()
    assert "2 reminders queued." in staff.locator(".notice").inner_text()

    # 6. The reminders reach the rest: the receipt went to Robin, reminders to Claire and Diego.
    reminders = f"{base}/staff/outbox?kind=reminder&state=sent"
    _until(staff, reminders, lambda p: p.locator('[data-testid="outbox"] tbody tr').count() == 2)
    text = " ".join(staff.locator('[data-testid="outbox"] tbody tr').all_inner_texts())
    assert "claire.martin@" in text and "diego.ramos@" in text and "robin.hale@" not in text
    _until(staff, f"{base}/staff/outbox?kind=receipt", lambda p: "robin.hale@" in p.locator("main").inner_text())
    staff.context.close()


def test_outbox_filter_read_and_resend(mailing_server: Server, browser: Any) -> None:
    server, base = mailing_server, mailing_server.base_url
    staff = new_page(browser)
    sign_in(staff, base, STAFF_EMAIL, STAFF_PASSWORD)
    staff.goto(f"{base}/staff/outbox")
    # Filter with the form: invitations only.
    staff.get_by_label("Kind").select_option("invitation")
    staff.get_by_role("button", name="Show").click()
    assert "kind=invitation" in staff.url
    rows = staff.locator('[data-testid="outbox"] tbody tr')
    assert rows.count() == 3 and all("Invitation" in r for r in rows.all_inner_texts())

    # A message the server refused (as an SMTP server would have): staff send it again.
    diego = server.run(
        lambda: fetchrow("SELECT id FROM message WHERE kind = 'reminder' AND recipient LIKE 'diego.ramos@%'")
    )
    assert diego is not None
    server.run(
        lambda: execute(
            "UPDATE message SET state = 'failed', reason = '554 5.7.1 rejected by policy' WHERE id = $1", diego["id"]
        )
    )
    staff.get_by_label("State").select_option("failed")
    staff.get_by_label("Kind").select_option("")
    staff.get_by_role("button", name="Show").click()
    assert staff.locator('[data-testid="outbox"] tbody tr').count() == 1
    staff.locator('[data-testid="outbox"] tbody tr a').click()
    assert staff.get_by_test_id("reason").inner_text() == "554 5.7.1 rejected by policy"
    assert_accessible(staff, "a failed message")
    staff.get_by_test_id("resend").click()
    assert "back in the queue" in staff.locator(".notice").inner_text()
    message = f"{base}/staff/outbox/{diego['id']}"
    _until(
        staff,
        message,
        lambda p: p.get_by_test_id("resend").count() == 0 and "sent" in p.locator("dl").inner_text().lower(),
    )
    staff.context.close()
