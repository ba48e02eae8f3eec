"""Mail through the queue, against a real SMTP server on loopback (aiosmtpd) and the real
database: every kind of message, idempotency, an SMTP outage, 5xx refusals, the outbox."""

from __future__ import annotations

import asyncio
import json
import random
import re
from collections.abc import Iterator
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest

from backend.database import fetch, fetchrow, transaction
from backend.demo.answers import random_answers
from backend.mail import config as mail_config
from backend.mail.compose import Draft, draft, sample_values
from backend.mail.notices import queue_sign_in_link
from backend.mail.queue import defer_sending, queue_app, run_worker, sweep_once
from backend.mail.schemas import MessageKind
from backend.mail.services import queue
from backend.partners.services import find_person, set_language
from backend.piccolo_conf import DB
from backend.publication.services import close_round, publish
from backend.responses.services import submit
from backend.responses.tables import Response
from backend.rounds.services import NewRound, closing_time, open_round
from backend.settings import Settings
from backend.surveys.services import load_version
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, make_world, open_test_round, submit_random
from tests.integration.conftest import SECRET, sign_in
from tests.mail_server import MailServer


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    server = MailServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mail_settings(settings: Settings, smtp: MailServer) -> Settings:
    settings.smtp_host = "127.0.0.1"
    settings.smtp_port = smtp.port
    settings.smtp_timeout = 5
    # Short waits, so that an outage and its retries fit in a test.
    settings.mail_retry_base = 0.2
    settings.mail_retry_cap = 1.0
    settings.mail_max_attempts = 100
    return settings


@pytest.fixture
async def mail_app(app, mail_settings: Settings):  # type: ignore[no-untyped-def]
    mail_config.configure(mail_settings)
    return app


async def work(dsn: str) -> None:
    """Run a worker until the queue has nothing to do right now."""
    await run_worker(dsn, 4, wait=False, signals=False)


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def link_in(text: str, path: str) -> str:
    match = re.search(rf"http://test({re.escape(path)}[A-Za-z0-9_-]+)", text)
    assert match, text
    return match.group(1)


def notice(address: str, key: str | None = None) -> Draft:
    """A "results are published" message to `address` (made-up values)."""
    values = sample_values(MessageKind.PUBLISHED, "http://test")
    return draft(MessageKind.PUBLISHED, key or address, recipient=address, language_code="en", **values)


async def states() -> dict[str, int]:
    return {r["state"]: r["n"] for r in await fetch("SELECT state, count(*) AS n FROM message GROUP BY state")}


async def test_every_kind_reaches_its_recipient_in_their_language(
    mail_app, client: httpx.AsyncClient, smtp: MailServer, surveys_dir: Path, database_dsn: str
) -> None:
    world = await make_world(surveys_dir, forces=6)
    french = await find_person(world.partner_emails[0])
    spanish = await find_person(world.partner_emails[1])
    assert french and spanish
    await set_language(french.id, "fr")
    await set_language(spanish.id, "es")
    deadline = closing_time(date.today() + timedelta(days=30))
    round_id, _ = await open_round(NewRound("Mail round", world.version_id, world.force_ids, 3, deadline), SECRET, None)
    await work(database_dsn)

    # Invitations: one each, in the person's language, text and HTML, a working personal link.
    assert len(smtp.messages) == 6
    invitation = smtp.to(world.partner_emails[0])[0]
    assert invitation["Content-Language"] == "fr"
    assert invitation["Subject"].startswith("Votre invitation")
    assert invitation["From"] and invitation["Message-ID"] and invitation["Date"]
    text, html = parts(invitation)
    path = link_in(text, "/r/")
    assert f'href="http://test{path}"' in html
    assert re.search(r"\d{4}, 23:59 UTC", text)  # the deadline, with its time zone
    start = await client.get(path)
    assert start.status_code == 200
    assert "PXPERSONALLINKPX" not in text + html
    # The database holds no link: the row has the mark and the nonce's reference only.
    stored = await fetchrow("SELECT body_text, link_ref FROM message WHERE recipient = $1", world.partner_emails[0])
    assert stored and path not in stored["body_text"] and stored["link_ref"].startswith("invitation:")

    # Receipt: the Spanish contact submits in Spanish; reference number and a copy of the answers.
    survey = await load_version(world.version_id)
    answers = random_answers(survey, random.Random(3))
    rows = await Response.insert(
        Response(round=round_id, force=world.force_ids[1], status="draft", revision=1, answers=json.dumps(answers))
    ).returning(Response.id)
    result = await submit(rows[0]["id"], 1, survey, "es", spanish.id, world.force_ids[1])
    assert result.submitted, result
    await work(database_dsn)
    receipt = [m for m in smtp.to(world.partner_emails[1]) if "PX-" in m["Subject"]]
    assert len(receipt) == 1 and receipt[0]["Content-Language"] == "es"
    text, html = parts(receipt[0])
    reference = re.search(r"PX-\d{8}-\d{5}-\d", receipt[0]["Subject"])
    assert reference and reference.group(0) in text and reference.group(0) in html
    first = next(q for q in survey.questions() if q.collects_answer and q.id in answers)
    assert first.label.get("es", first.label["en"]) in text

    # Results published: every partner contact at the round's forces.
    await submit_random(round_id, world, world.force_ids[:1] + world.force_ids[2:])
    await close_round(round_id, world.staff)
    await publish(round_id, world.staff)
    await work(database_dsn)
    published = [m for m in smtp.messages if f"/dashboard/rounds/{round_id}" in parts(m)[0]]
    assert len(published) == 6
    assert {m["Content-Language"] for m in published} == {"en", "fr", "es"}

    # A one-time sign-in link by mail: it signs the person in.
    async with transaction():
        await queue_sign_in_link(french.id, french.email, french.name, "fr")
    await work(database_dsn)
    sign_in_mail = [m for m in smtp.to(french.email) if "/sign-in/link/" in parts(m)[0]]
    assert len(sign_in_mail) == 1
    path = link_in(parts(sign_in_mail[0])[0], "/sign-in/link/")
    assert (await client.get(path)).status_code == 200
    assert await states() == {"sent": 6 + 1 + 6 + 1}


async def test_the_same_message_is_sent_once(mail_app, smtp: MailServer, database_dsn: str) -> None:
    message = notice("once@example.org", "once:1")
    first = await queue([message])
    again = await queue([message])  # the same action twice: one row, one job
    assert len(first) == 1 and again == []
    async with transaction():  # and a second job for the same message
        current = DB.current_transaction.get()
        assert current is not None
        await defer_sending(first, current.connection)
    await work(database_dsn)
    await work(database_dsn)
    assert len(smtp.to("once@example.org")) == 1
    row = await fetchrow("SELECT state, attempts FROM message WHERE id = $1", first[0])
    assert row == {"state": "sent", "attempts": 1}


async def test_a_rolled_back_action_sends_nothing(mail_app, smtp: MailServer, database_dsn: str) -> None:
    message = notice("r@example.org")
    with pytest.raises(RuntimeError):
        async with transaction():
            await queue([message])
            raise RuntimeError("the action failed")
    assert await fetch("SELECT id FROM message") == []
    assert await fetch("SELECT id FROM procrastinate_jobs") == []


async def test_an_outage_loses_nothing_and_duplicates_nothing(
    mail_app, smtp: MailServer, surveys_dir: Path, database_dsn: str
) -> None:
    world = await make_world(surveys_dir, forces=8)
    smtp.stop()
    await open_test_round(world, SECRET)  # 8 invitations queued while the server is down
    worker = asyncio.create_task(run_worker(database_dsn, 4, signals=False))
    try:
        # Tried, refused, tried again later and later (0.2 s, 0.4 s, 0.8 s, then every 1 s).
        for _ in range(100):
            await asyncio.sleep(0.1)
            rows = await fetch("SELECT attempts FROM message")
            if all(r["attempts"] >= 3 for r in rows):
                break
        rows = await fetch("SELECT state, attempts, reason FROM message")
        assert len(rows) == 8
        assert all(r["state"] == "queued" and r["attempts"] >= 3 for r in rows), rows
        assert all("unavailable" in r["reason"] for r in rows)
        waiting = await fetch("SELECT scheduled_at FROM procrastinate_jobs WHERE status = 'todo'")
        assert len(waiting) == 8 and all(w["scheduled_at"] is not None for w in waiting)
        assert smtp.messages == []

        smtp.start()  # the server is back, on the same port
        for _ in range(150):
            await asyncio.sleep(0.1)
            if (await states()).get("sent") == 8:
                break
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
    assert await states() == {"sent": 8}
    received = sorted(str(m["To"]) for m in smtp.messages)
    assert len(received) == 8 and len(set(received)) == 8  # every message, exactly once
    for email_address in world.partner_emails:
        assert len(smtp.to(email_address)) == 1


async def test_backoff_doubles_up_to_the_cap() -> None:
    from backend.mail.queue import backoff

    assert [backoff(n, 10, 3600) for n in range(10)] == [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600]


async def test_refusals_are_recorded_with_the_server_reason(mail_app, smtp: MailServer, database_dsn: str) -> None:
    await queue([notice("bounce@example.org"), notice("reject@example.org"), notice("fine@example.org")])
    await work(database_dsn)
    rows = {r["recipient"]: r for r in await fetch("SELECT recipient, state, reason, attempts FROM message")}
    assert rows["bounce@example.org"]["state"] == "bounced"
    assert rows["bounce@example.org"]["reason"].startswith("550 5.1.1")
    assert rows["reject@example.org"]["state"] == "failed"
    assert rows["reject@example.org"]["reason"].startswith("554 5.7.1")
    assert rows["fine@example.org"]["state"] == "sent"
    assert all(r["attempts"] == 1 for r in rows.values())  # a 5xx is not tried again
    assert await fetch("SELECT id FROM procrastinate_jobs WHERE status = 'todo'") == []


async def test_the_last_attempt_marks_a_message_failed(
    mail_app, mail_settings: Settings, smtp: MailServer, database_dsn: str
) -> None:
    mail_settings.mail_max_attempts = 2
    mail_config.configure(mail_settings)
    await queue([notice("busy@example.org")])
    for _ in range(30):
        await work(database_dsn)
        row = await fetchrow("SELECT state, reason, attempts FROM message")
        if row and row["state"] != "queued":
            break
        await asyncio.sleep(0.2)
    assert row and row["state"] == "failed" and row["attempts"] == 2
    assert "gave up after 2 attempts" in row["reason"] and "451 4.3.0" in row["reason"]


async def test_the_sweep_gives_a_lost_message_a_job(mail_app, smtp: MailServer, database_dsn: str) -> None:
    await queue([notice("lost@example.org")])
    await fetch("DELETE FROM procrastinate_jobs RETURNING id")  # its job lost
    await fetch("UPDATE message SET created_at = now() - interval '5 minutes' RETURNING id")
    async with queue_app.open_async(await _pool(database_dsn)):
        assert await sweep_once(queue_app) == 1
    await work(database_dsn)
    assert len(smtp.to("lost@example.org")) == 1


async def _pool(dsn: str):  # type: ignore[no-untyped-def]
    from psycopg_pool import AsyncConnectionPool

    pool = AsyncConnectionPool(conninfo=dsn, min_size=1, max_size=2, open=False)
    await pool.open(wait=True)
    return pool


async def test_staff_read_the_outbox(mail_app, client: httpx.AsyncClient, surveys_dir: Path, database_dsn: str) -> None:
    world = await make_world(surveys_dir, forces=3)
    await open_test_round(world, SECRET)
    await work(database_dsn)
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    page = await client.get("/staff/outbox")
    assert page.status_code == 200
    assert world.partner_emails[0] in page.text
    assert (await client.get("/staff/outbox?state=failed")).text.count("/staff/outbox/") <= 2  # previews link only
    listing = (await client.get("/api/outbox", params={"state": "sent", "kind": "invitation"})).json()
    assert listing["counts"]["sent"] == 3 and len(listing["messages"]) == 3
    message_id = listing["messages"][0]["id"]
    detail = (await client.get(f"/api/outbox/{message_id}")).json()
    # Sent through SMTP: the link is only its recipient's.
    assert "/r/" not in detail["body_text"] and "sent only to the recipient" in detail["body_text"]
    html = await client.get(f"/staff/outbox/{message_id}/html")
    assert "sandbox" in html.headers["content-security-policy"]
    shown = await client.get(f"/staff/outbox/{message_id}")
    assert shown.status_code == 200 and "&lt;html" in shown.text  # the HTML source, escaped
    audit = await fetch("SELECT action FROM audit_event WHERE action = 'message.read'")
    assert len(audit) == 3
    for kind in ("invitation", "receipt", "published", "sign_in"):
        for language in ("en", "fr", "es"):
            got = await client.get(f"/api/mail/previews/{kind}", params={"language": language})
            assert got.status_code == 200, got.text
            assert got.json()["language"] == language
        assert (await client.get("/staff/outbox/previews", params={"kind": kind, "lang": "fr"})).status_code == 200
    assert (await client.get("/api/mail/previews/nonsense")).status_code == 404


async def test_the_local_mailbox_shows_the_link(
    app, client: httpx.AsyncClient, surveys_dir: Path, database_dsn: str
) -> None:
    settings: Settings = app.state.settings
    assert settings.smtp_host == ""  # no SMTP server: the demo's local mailbox
    mail_config.configure(settings)
    world = await make_world(surveys_dir, forces=3)
    await open_test_round(world, SECRET)
    await work(database_dsn)
    assert await states() == {"sent": 3}
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    listing = (await client.get("/api/outbox")).json()
    detail = (await client.get(f"/api/outbox/{listing['messages'][0]['id']}")).json()
    assert detail["delivered_to"] == "mailbox"
    path = link_in(detail["body_text"], "/r/")
    assert (await client.get(path)).status_code == 200


async def test_partners_cannot_read_the_outbox(mail_app, client: httpx.AsyncClient, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=1)
    await sign_in(client, world.partner_emails[0], PARTNER_PASSWORD)
    assert (await client.get("/api/outbox")).status_code == 403
    assert (await client.get("/api/mail/previews/invitation")).status_code == 403
    assert (await client.get("/staff/outbox")).status_code in {302, 303, 403}
