"""A round's life and its reminders, on the real database and a real SMTP server on loopback:
a scheduled round opens on time and its invitations arrive; a later deadline moves the
reminders; the schedule reminds only forces that have not submitted, within the cap, never
someone who switched reminders off; "remind now"; the one-click link that switches reminders
off; the response monitor's figures and CSV; the JSON API's guards and audit records."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from backend.audit.services import recent
from backend.database import fetch, fetchrow
from backend.mail import config as mail_config
from backend.mail.queue import queue_app
from backend.rounds import lifecycle
from backend.rounds.reminders import due_slot, send_due_reminders
from backend.rounds.schedule import tick
from backend.rounds.services import NewRound, closing_time, get_round, open_round, round_invitations
from backend.settings import Settings
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, World, make_world, submit_random
from tests.integration.conftest import SECRET, post_form
from tests.integration.test_api_rounds import api_client
from tests.integration.test_mail import parts, work
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
async def mail_app(app, settings: Settings, smtp: MailServer):  # type: ignore[no-untyped-def]
    """The app, its messages sent to the loopback SMTP server (as tests/integration/test_mail.py)."""
    settings.smtp_host, settings.smtp_port, settings.smtp_timeout = "127.0.0.1", smtp.port, 5
    mail_config.configure(settings)
    return app


def deadline_in(days: int) -> datetime:
    return closing_time(date.today() + timedelta(days=days))


async def a_round(world: World, *, closes_in: int = 20, days: tuple[int, ...] = (7, 2), cap: int = 2, **kw) -> int:  # type: ignore[no-untyped-def]
    data = NewRound(
        "Lifecycle round",
        world.version_id,
        world.force_ids,
        3,
        deadline_in(closes_in),
        reminder_days=days,
        reminder_cap=cap,
        **kw,
    )
    round_id, _ = await open_round(data, SECRET, world.staff)
    return round_id


async def reminders_of(round_id: int) -> list[dict]:  # type: ignore[type-arg]
    return await fetch(
        "SELECT m.slot, m.manual, p.email FROM reminder m JOIN person p ON p.id = m.person "
        "WHERE m.round = $1 ORDER BY m.id",
        round_id,
    )


def test_the_schedule_runs_on_the_mail_queue_every_minute() -> None:
    queue_app.perform_import_paths()
    assert "rounds.schedule" in queue_app.tasks
    [periodic] = [p for p in queue_app.periodic_registry.periodic_tasks.values() if p.task.name == "rounds.schedule"]
    assert periodic.cron == "* * * * *"


def test_the_due_step_is_the_latest_one_after_opening() -> None:
    deadline = datetime(2027, 1, 28, 23, 59, tzinfo=UTC)
    opened = deadline - timedelta(days=10)
    assert due_slot([7, 2], deadline, opened, deadline - timedelta(days=8)) is None
    assert due_slot([7, 2], deadline, opened, deadline - timedelta(days=6)).days == 7  # type: ignore[union-attr]
    assert due_slot([7, 2], deadline, opened, deadline - timedelta(days=1)).days == 2  # type: ignore[union-attr]
    # Opened three days before the deadline: the seven-day step had passed; the invitation is news enough.
    late = deadline - timedelta(days=3)
    assert due_slot([7, 2], deadline, late, deadline - timedelta(days=3) + timedelta(hours=1)) is None


async def test_a_scheduled_round_opens_on_time_and_its_invitations_arrive(
    mail_app, client: httpx.AsyncClient, smtp: MailServer, surveys_dir: Path, database_dsn: str
) -> None:
    world = await make_world(surveys_dir, forces=4)
    opens_at = datetime.now(UTC) + timedelta(hours=2)
    round_id = await a_round(world, opens_at=opens_at)
    found = await get_round(round_id)
    assert found and found.status == "scheduled" and found.opens_at == opens_at
    assert await round_invitations(round_id) == []
    # Not yet: the clock runs, nothing opens.
    assert await lifecycle.open_due_rounds(SECRET) == {}
    assert await tick() == ({}, {})
    await work(database_dsn)
    assert smtp.messages == []

    assert await lifecycle.open_due_rounds(SECRET, now=opens_at + timedelta(seconds=30)) == {round_id: 4}
    assert await lifecycle.open_due_rounds(SECRET, now=opens_at + timedelta(minutes=1)) == {}  # once
    found = await get_round(round_id)
    assert found and found.status == "open"
    await work(database_dsn)
    assert sorted(str(m["To"]).split("<")[1].rstrip(">") for m in smtp.messages) == sorted(world.partner_emails)
    text, _ = parts(smtp.messages[0])
    path = re.search(r"http://test(/r/[A-Za-z0-9_-]+)", text)
    assert path and (await client.get(path.group(1))).status_code == 200
    [event] = [e for e in await recent() if e.action == "round.opened"]
    assert event.actor_label == "system" and event.details == {"invitations": 4, "scheduled": True}


async def test_reminders_go_to_non_submitters_within_the_cap_and_follow_a_new_deadline(
    mail_app, smtp: MailServer, surveys_dir: Path, database_dsn: str
) -> None:
    world = await make_world(surveys_dir, forces=4)
    round_id = await a_round(world, closes_in=10, cap=2)
    found = await get_round(round_id)
    assert found and found.closes_at
    deadline = found.closes_at
    await submit_random(round_id, world, [world.force_ids[0]])
    await work(database_dsn)
    invitations = len(smtp.messages)

    assert await send_due_reminders(deadline - timedelta(days=8)) == {}
    # Seven days before: every force but the one that submitted.
    assert await send_due_reminders(deadline - timedelta(days=6, hours=23)) == {round_id: 3}
    assert await send_due_reminders(deadline - timedelta(days=6)) == {}  # that step is sent once
    sent = await reminders_of(round_id)
    assert {r["email"] for r in sent} == set(world.partner_emails[1:])
    assert {r["slot"] for r in sent} == {f"7d@{deadline.isoformat()}"}

    # The deadline moves ten days later: the two-day step of the old date never comes, the
    # new date's steps do.
    staff = world.staff
    new_deadline = deadline + timedelta(days=10)
    assert await lifecycle.extend_deadline(round_id, new_deadline, staff) is None
    assert await send_due_reminders(deadline - timedelta(days=1)) == {}
    assert await send_due_reminders(new_deadline - timedelta(days=6)) == {round_id: 3}
    # The cap (2 each) is reached: the new two-day step sends nothing.
    assert await send_due_reminders(new_deadline - timedelta(days=1)) == {}
    slots = [r["slot"] for r in await reminders_of(round_id)]
    assert slots.count(f"7d@{new_deadline.isoformat()}") == 3 and len(slots) == 6
    links = await fetch("SELECT DISTINCT expires_at FROM invitation WHERE round = $1", round_id)
    assert [r["expires_at"] for r in links] == [new_deadline + timedelta(days=60)]
    [event] = [e for e in await recent() if e.action == "round.deadline_extended"]
    assert event.details == {"before": deadline.isoformat(), "after": new_deadline.isoformat()}

    await work(database_dsn)
    reminders = smtp.messages[invitations:]
    assert len(reminders) == 6
    first = reminders[0]
    assert first["Subject"] == "Reminder: your answers to Lifecycle round"
    assert first["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(r"<http://test/reminders/off/\d+\.[A-Za-z0-9_-]+>", first["List-Unsubscribe"].strip())
    text, html = parts(first)
    assert "/r/" in text and "/reminders/off/" in text and "/reminders/off/" in html
    assert "PXREMINDERSOFFPX" not in text + html and "PXPERSONALLINKPX" not in text + html


async def test_switching_reminders_off_with_the_link_in_a_reminder(
    mail_app, client: httpx.AsyncClient, smtp: MailServer, surveys_dir: Path, database_dsn: str
) -> None:
    world = await make_world(surveys_dir, forces=3)
    round_id = await a_round(world, closes_in=10, cap=5)
    found = await get_round(round_id)
    assert found and found.closes_at
    await send_due_reminders(found.closes_at - timedelta(days=6))
    await work(database_dsn)
    reminder = smtp.to(world.partner_emails[0])[-1]
    off = reminder["List-Unsubscribe"].strip().strip("<>").removeprefix("http://test")
    # A guessed or altered token: not found, nothing changes.
    assert (await client.get(off[:-2] + "xx")).status_code == 404
    assert (await client.post(off[:-2] + "xx", data={"List-Unsubscribe": "One-Click"})).status_code == 404
    # GET asks; it changes nothing (a mail scanner following links).
    page = await client.get(off)
    assert page.status_code == 200 and "Switch reminders off" in page.text
    assert await fetch("SELECT * FROM reminder_opt_out") == []
    # The mail client's one-click POST (RFC 8058): no session, no CSRF token.
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as mail_client:
        clicked = await mail_client.post(off, data={"List-Unsubscribe": "One-Click"})
    assert clicked.status_code == 200
    [row] = await fetch("SELECT via FROM reminder_opt_out")
    assert row["via"] == "one-click"
    assert (await client.post(off, data={})).status_code == 200  # again: no change, no error
    assert "reminders.switched_off" in [e.action for e in await recent()]
    # The schedule and "remind now" skip that person from now on.
    assert await send_due_reminders(found.closes_at - timedelta(days=1)) == {round_id: 2}
    await post_form_signed_in(client)
    result = await client.post(
        f"/api/rounds/{round_id}/remind", json={"forces": world.force_ids}, headers=await headers_of(client)
    )
    assert result.status_code == 200, result.text
    assert result.json()["reminders"] == 2 and result.json()["opted_out"] == ["Contact 0 (Force 0)"]


async def post_form_signed_in(client: httpx.AsyncClient) -> None:
    await api_client(client, STAFF_EMAIL, STAFF_PASSWORD)


async def headers_of(client: httpx.AsyncClient) -> dict[str, str]:
    return {"x-csrftoken": client.cookies["csrftoken"]}


async def test_remind_now_from_the_monitor_page(
    mail_app, client: httpx.AsyncClient, smtp: MailServer, surveys_dir: Path, database_dsn: str
) -> None:
    world = await make_world(surveys_dir, forces=4)
    round_id = await a_round(world)
    await submit_random(round_id, world, [world.force_ids[0]])
    await api_client(client, STAFF_EMAIL, STAFF_PASSWORD)
    page = await client.get(f"/staff/rounds/{round_id}/monitor")
    assert page.status_code == 200
    # The submitted force has no box to tick; the others are ticked.
    assert f'value="{world.force_ids[0]}"' not in page.text
    chosen = [("forces", str(world.force_ids[1])), ("forces", str(world.force_ids[2]))]
    done = await post_form(client, f"/staff/rounds/{round_id}/monitor", f"/staff/rounds/{round_id}/remind", chosen)
    assert done.status_code == 303 and done.headers["location"] == f"/staff/rounds/{round_id}/monitor"
    assert "2 reminders queued." in (await client.get(done.headers["location"])).text
    sent = await reminders_of(round_id)
    assert [r["email"] for r in sent] == world.partner_emails[1:3] and all(r["manual"] for r in sent)
    # A submitted force chosen anyway gets nothing.
    done = await post_form(
        client,
        f"/staff/rounds/{round_id}/monitor",
        f"/staff/rounds/{round_id}/remind",
        {"forces": [str(world.force_ids[0])]},
    )
    assert len(await reminders_of(round_id)) == 2
    await work(database_dsn)
    assert len([m for m in smtp.messages if m["Subject"].startswith("Reminder")]) == 2
    events = [e for e in await recent() if e.action == "round.reminded"]
    assert {e.details["reminders"] for e in events} == {2, 0}


async def test_the_monitor_counts_states_groups_and_exports_non_responders(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=6)
    round_id = await a_round(world)
    await submit_random(round_id, world, world.force_ids[:2])
    await fetch(
        "INSERT INTO response (round, force, status, revision, answers, language, started_at, updated_at) "
        "VALUES ($1, $2, 'draft', 1, '{}', 'en', now(), now())",
        round_id,
        world.force_ids[2],
    )
    headers = await api_client(client, STAFF_EMAIL, STAFF_PASSWORD)
    monitor = (await client.get(f"/api/rounds/{round_id}/monitor")).json()
    assert (monitor["submitted"], monitor["in_progress"], monitor["not_started"]) == (2, 1, 3)
    assert monitor["non_responders"] == world.force_ids[2:]
    europe = next(g for g in monitor["groups"] if (g["dimension"], g["value"]) == ("region", "europe"))
    # Forces 0-3 are in Europe (tests/factories.py); 0 and 1 submitted, 2 is in progress.
    assert (europe["forces"], europe["submitted"], europe["in_progress"], europe["not_started"]) == (4, 2, 1, 1)
    assert europe["rate"] == 0.5
    trace = monitor["figure"]["data"][0]
    assert trace["type"] == "scatter" and trace["y"] == [0, 1, 2]
    in_progress = next(f for f in monitor["forces"] if f["force_id"] == world.force_ids[2])
    assert in_progress["state"] == "in_progress" and in_progress["last_activity"] is not None

    page = await client.get(f"/staff/rounds/{round_id}/monitor")
    assert page.status_code == 200 and 'data-figure="submissions-figure"' in page.text
    exported = await client.get(f"/staff/rounds/{round_id}/monitor/non-responders.csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["force"] for r in rows] == ["Force 2", "Force 3", "Force 4", "Force 5"]
    assert rows[0]["state"] == "in_progress" and rows[0]["emails"] == "contact2@force2.example.org"
    assert "round.non_responders_exported" in [e.action for e in await recent()]
    assert headers


async def test_lifecycle_through_the_api_guarded_and_audited(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=4)
    round_id = await a_round(world, draft=True, closes_in=30)
    found = await get_round(round_id)
    assert found and found.status == "draft"

    # Partners are refused every route.
    partner_headers = await api_client(client, world.partner_emails[0], PARTNER_PASSWORD)
    for path, body in [
        (f"/api/rounds/{round_id}/open", None),
        (f"/api/rounds/{round_id}/remind", {"forces": world.force_ids}),
        (f"/api/rounds/{round_id}/deadline", {"closes_on": "2099-01-01"}),
    ]:
        assert (await client.post(path, json=body, headers=partner_headers)).status_code == 403
    assert (await client.get(f"/api/rounds/{round_id}/monitor")).status_code == 403
    await client.post("/sign-out", headers=partner_headers)
    client.cookies.clear()

    headers = await api_client(client, STAFF_EMAIL, STAFF_PASSWORD)
    assert (await client.post(f"/api/rounds/{round_id}/open")).status_code == 403  # no CSRF token
    # A draft cannot send reminders (409), a past opening time is a 422 naming its field.
    remind = await client.post(f"/api/rounds/{round_id}/remind", json={"forces": world.force_ids}, headers=headers)
    assert remind.status_code == 409
    past = await client.post(
        f"/api/rounds/{round_id}/schedule", json={"opens_at": "2001-01-01T00:00:00Z"}, headers=headers
    )
    assert past.status_code == 422 and past.json()["extra"][0]["key"] == "opens_at"
    later = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    scheduled = await client.post(
        f"/api/rounds/{round_id}/schedule", json={"opens_at": later.isoformat()}, headers=headers
    )
    assert scheduled.status_code == 200 and scheduled.json()["status"] == "scheduled"

    # Only the first three forces at first; the fourth is added once it is open.
    await fetch("DELETE FROM round_force WHERE round = $1 AND force = $2", round_id, world.force_ids[3])
    opened = await client.post(f"/api/rounds/{round_id}/open", headers=headers)
    assert opened.status_code == 200 and opened.json()["invitations"] == 3
    assert (await client.post(f"/api/rounds/{round_id}/open", headers=headers)).status_code == 409
    added = await client.post(f"/api/rounds/{round_id}/forces", json={"forces": [world.force_ids[3]]}, headers=headers)
    assert added.status_code == 200 and added.json()["invitations"] == 1
    assert len(await round_invitations(round_id)) == 4

    extended = await client.post(f"/api/rounds/{round_id}/deadline", json={"closes_on": "2099-12-31"}, headers=headers)
    assert extended.status_code == 200 and extended.json()["closes_at"].startswith("2099-12-31T23:59")
    earlier = await client.post(f"/api/rounds/{round_id}/deadline", json={"closes_on": "2099-01-01"}, headers=headers)
    assert earlier.status_code == 422
    schedule = await client.post(f"/api/rounds/{round_id}/reminders", json={"days": [3, 14], "cap": 1}, headers=headers)
    assert schedule.status_code == 200 and schedule.json() == {"days": [14, 3], "cap": 1}
    reminded = await client.post(f"/api/rounds/{round_id}/remind", json={"forces": world.force_ids}, headers=headers)
    assert reminded.status_code == 200 and reminded.json()["reminders"] == 4

    # Revoke a link, then reissue it: the old link stops, the new one is sent.
    invitation = (await round_invitations(round_id))[0]
    revoked = await client.post(f"/api/invitations/{invitation.id}/revoke", headers=headers)
    assert revoked.status_code == 200 and revoked.json() == {"invitation_id": invitation.id, "round_id": round_id}
    assert (await client.post(f"/api/invitations/{invitation.id}/revoke", headers=headers)).status_code == 404
    reissued = await client.post(f"/api/invitations/{invitation.id}/replace", headers=headers)
    assert reissued.status_code == 200 and reissued.json()["revoked_at"] is None
    mails = await fetchrow(
        "SELECT count(*) AS n FROM message WHERE kind = 'invitation' AND recipient = $1", invitation.email
    )
    assert mails and mails["n"] == 2

    actions = [e.action for e in await recent()]
    for action in (
        "round.scheduled",
        "round.opened",
        "round.forces_added",
        "round.deadline_extended",
        "round.reminders_set",
        "round.reminded",
        "invitation.revoked",
        "invitation.replaced",
    ):
        assert action in actions, action
    assert "access.refused.staff_only" in actions

    spec = (await client.get("/schema/openapi.json")).json()
    for path in ("open", "schedule", "deadline", "forces", "reminders", "remind", "monitor"):
        assert f"/api/rounds/{{round_id}}/{path}" in spec["paths"], path
    assert "/api/invitations/{invitation_id}/revoke" in spec["paths"]


async def test_a_round_created_scheduled_or_as_a_draft_invites_nobody_yet(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=2)
    headers = await api_client(client, STAFF_EMAIL, STAFF_PASSWORD)
    later = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    body = {"title": "Later", "version": world.version_id, "forces": world.force_ids, "closes_on": "2099-01-31"}
    made = await client.post(
        "/api/rounds",
        json={**body, "opens_at": later.isoformat(), "reminder_days": [10, 3, 1], "reminder_cap": 3},
        headers=headers,
    )
    assert made.status_code == 201, made.text
    assert made.json()["invitations"] == 0 and "scheduled" in made.json()["message"]
    detail = (await client.get(f"/api/rounds/{made.json()['id']}")).json()
    assert (detail["status"], detail["reminder_days"], detail["reminder_cap"]) == ("scheduled", [10, 3, 1], 3)
    past = await client.post("/api/rounds", json={**body, "opens_at": "2001-01-01T00:00:00Z"}, headers=headers)
    assert past.status_code == 422 and past.json()["extra"][0]["key"] == "opens_at"

    # The page: kept as a draft.
    form = {
        "title": "Draft round",
        "version": str(world.version_id),
        "forces": [str(f) for f in world.force_ids],
        "min_group_size": "3",
        "draft": "yes",
        "reminder_days": "7, 2",
        "reminder_cap": "2",
    }
    created = await post_form(client, "/staff/rounds/new", "/staff/rounds", form)
    assert created.status_code == 303, created.text
    page = await client.get(created.headers["location"])
    assert "saved as a draft" in page.text and "Open now and send the invitations" in page.text
    round_id = int(created.headers["location"].rsplit("/", 1)[1])
    assert await round_invitations(round_id) == []
    bad = await post_form(client, "/staff/rounds/new", "/staff/rounds", {**form, "reminder_days": "soon"})
    assert bad.status_code == 400 and "Enter days before the deadline as whole numbers" in bad.text
