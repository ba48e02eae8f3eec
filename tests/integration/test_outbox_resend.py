"""The Outbox's resend (page and API: a failed or bounced message back in the queue, to the
person's current address, audited, idempotent), and messages that name the round in the
recipient's language."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import httpx

from backend.database import fetch, fetchrow
from backend.mail.services import queue
from backend.partners.services import find_person, set_language
from backend.rounds.reminders import remind_now
from backend.rounds.services import NewRound, open_round
from tests.factories import STAFF_EMAIL, STAFF_PASSWORD, make_world
from tests.integration.conftest import SECRET, csrf_token
from tests.integration.test_api_rounds import api_client
from tests.integration.test_mail import mail_app, mail_settings, notice, smtp, states, work  # noqa: F401
from tests.mail_server import MailServer


async def test_staff_resend_a_bounced_message_once(  # type: ignore[no-untyped-def]
    mail_app,  # noqa: F811
    client: httpx.AsyncClient,
    smtp: MailServer,  # noqa: F811
    surveys_dir: Path,
    database_dsn: str,
) -> None:
    world = await make_world(surveys_dir, forces=1)
    person = await find_person(world.partner_emails[0])
    assert person is not None
    # A message to a person whose address bounces, and one refused by policy.
    bounced = dataclasses.replace(notice("bounce@example.org"), person_id=person.id)
    await queue([bounced, notice("reject@example.org"), notice("fine@example.org")])
    await work(database_dsn)
    assert await states() == {"bounced": 1, "failed": 1, "sent": 1}
    ids = {r["recipient"]: r["id"] for r in await fetch("SELECT id, recipient FROM message")}

    headers = await api_client(client, STAFF_EMAIL, STAFF_PASSWORD)
    # A sent message cannot be sent again: nothing changes.
    same = await client.post(f"/api/outbox/{ids['fine@example.org']}/resend", headers=headers)
    assert same.status_code == 200 and same.json() == {
        "message_id": ids["fine@example.org"],
        "requeued": False,
        "state": "sent",
    }
    assert (await client.post("/api/outbox/999999/resend", headers=headers)).status_code == 404
    # The refused one goes back in the queue, once however often it is asked.
    again = await client.post(f"/api/outbox/{ids['reject@example.org']}/resend", headers=headers)
    assert again.json()["requeued"] is True and again.json()["state"] == "queued"
    twice = await client.post(f"/api/outbox/{ids['reject@example.org']}/resend", headers=headers)
    assert twice.json()["requeued"] is False  # already queued: one job, one message
    audit = await fetch("SELECT subject, details FROM audit_event WHERE action = 'message.resent'")
    assert [a["subject"] for a in audit] == [f"message:{ids['reject@example.org']}"]

    # The page: the bounced message offers "Send again" and, resent, goes to the corrected address.
    page = await client.get(f"/staff/outbox/{ids['bounce@example.org']}")
    assert page.status_code == 200 and 'data-testid="resend"' in page.text
    assert 'data-testid="resend"' not in (await client.get(f"/staff/outbox/{ids['fine@example.org']}")).text
    done = await client.post(
        f"/staff/outbox/{ids['bounce@example.org']}/resend", data={"_csrf_token": csrf_token(page.text)}
    )
    assert done.status_code == 303 and done.headers["location"] == f"/staff/outbox/{ids['bounce@example.org']}"
    row = await fetchrow(
        "SELECT state, recipient, attempts, reason FROM message WHERE id = $1", ids["bounce@example.org"]
    )
    assert row is not None and row["state"] == "queued" and row["attempts"] == 0 and row["reason"] == ""
    assert row["recipient"] == world.partner_emails[0]  # the person's current address
    await work(database_dsn)
    # Sent again: the bounced one reached the corrected address; the refused one was tried
    # once more (the server's policy still refuses it) and says so.
    assert await states() == {"sent": 2, "failed": 1}
    assert len(smtp.to(world.partner_emails[0])) == 1
    refused = await fetchrow("SELECT attempts, reason FROM message WHERE id = $1", ids["reject@example.org"])
    assert refused is not None and refused["attempts"] == 1 and refused["reason"].startswith("554")


async def test_messages_name_the_round_in_the_recipients_language(  # type: ignore[no-untyped-def]
    mail_app,  # noqa: F811
    smtp: MailServer,  # noqa: F811
    surveys_dir: Path,
    database_dsn: str,
) -> None:
    world = await make_world(surveys_dir, forces=3)
    french = await find_person(world.partner_emails[0])
    spanish = await find_person(world.partner_emails[1])
    assert french and spanish
    await set_language(french.id, "fr")
    await set_language(spanish.id, "es")  # no Spanish title: the default language's
    data = NewRound("Practice round", world.version_id, world.force_ids, 3, None, titles={"fr": "Tour de pratique"})
    round_id, _ = await open_round(data, SECRET, world.staff)
    await remind_now(round_id, world.force_ids, world.staff)
    await work(database_dsn)
    subjects = {e: [str(m["Subject"]) for m in smtp.to(e)] for e in world.partner_emails}
    assert len(subjects[french.email]) == 2 and all("Tour de pratique" in x for x in subjects[french.email])
    assert all("Practice round" in x for x in subjects[spanish.email])
    assert all("Practice round" in x for x in subjects[world.partner_emails[2]])
    body = await fetchrow("SELECT body_text FROM message WHERE recipient = $1 AND kind = 'reminder'", french.email)
    assert body is not None and "Tour de pratique" in body["body_text"] and "Practice round" not in body["body_text"]
