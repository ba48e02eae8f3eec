"""Sign-ups never confirmed are not kept for ever (docs/signup.md, data minimisation): the
hourly `signup.purge` task deletes the pending ones whose confirmation link expired more than
SIGNUP_PURGE_DAYS days ago, with their consent history and messages, as "delete my data" does;
fresh pending and confirmed sign-ups stay. Against the real database."""

from __future__ import annotations

import json

import httpx
import pytest

from backend.database import DB, execute, fetch, transaction
from backend.mail.queue import queue_app, run_worker
from backend.signup import schedule
from tests.integration.test_signup import api_form, audit, link, messages, public_headers, rows


async def _sign_up(client: httpx.AsyncClient, h: dict[str, str], email: str) -> int:
    assert (await client.post("/api/signup", json=api_form(email=email), headers=h)).status_code == 200
    [row] = [r for r in await rows() if r["email"] == email]
    return int(row["id"])


async def _expired(signup_id: int, days_ago: float) -> None:
    await execute(
        "UPDATE signup SET confirm_expires_at = now() - make_interval(secs => $2::float8 * 86400),"
        " created_at = now() - interval '60 days' WHERE id = $1",
        signup_id,
        days_ago,
    )


def test_the_purge_runs_hourly_on_the_mail_queue() -> None:
    queue_app.perform_import_paths()
    assert "signup.purge" in queue_app.tasks
    [periodic] = [p for p in queue_app.periodic_registry.periodic_tasks.values() if p.task.name == "signup.purge"]
    assert periodic.cron == "17 * * * *"


async def test_expired_unconfirmed_sign_ups_are_purged_fresh_and_confirmed_ones_kept(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGNUP_PURGE_DAYS", "7")
    h = await public_headers(client)
    old = await _sign_up(client, h, "old@example.org")
    recent = await _sign_up(client, h, "recent@example.org")
    fresh = await _sign_up(client, h, "fresh@example.org")
    withdrawn = await _sign_up(client, h, "withdrawn@example.org")
    confirmed = await _sign_up(client, h, "confirmed@example.org")
    message = [m for m in await messages("signup_confirm") if m["recipient"] == "confirmed@example.org"][-1]
    token = link(message, "/signup/confirm/").rsplit("/", 1)[1]
    assert (await client.post("/api/signup/confirm", json={"token": token}, headers=h)).status_code == 200
    # Unsubscribing before confirming kills the link: the withdrawal's time counts instead.
    off = link([m for m in await messages() if m["recipient"] == "withdrawn@example.org"][-1], "/signup/unsubscribe/")
    assert (await client.post("/api/signup/unsubscribe", json={"token": off.rsplit("/", 1)[1]}, headers=h)).json() == {
        "changed": True
    }
    await _expired(old, 8)  # expired eight days ago: gone
    await _expired(recent, 6)  # six days ago: within SIGNUP_PURGE_DAYS, kept
    await execute("UPDATE signup SET created_at = now() - interval '60 days' WHERE id = $1", confirmed)
    await execute("UPDATE signup_consent SET at = now() - interval '9 days' WHERE signup = $1", withdrawn)
    assert [r["confirm_expires_at"] for r in await rows() if r["id"] == withdrawn] == [None]

    assert sorted(await schedule.purge()) == [old, withdrawn]

    assert {r["id"]: r["status"] for r in await rows()} == {
        recent: "pending",
        fresh: "pending",
        confirmed: "confirmed",
    }
    assert {c["signup"] for c in await fetch("SELECT signup FROM signup_consent")} == {recent, fresh, confirmed}
    recipients = {m["recipient"] for m in await messages()}
    assert recipients == {"recent@example.org", "fresh@example.org", "confirmed@example.org"}
    purged = [a for a in await audit() if a["action"] == "signup.purged"]
    assert sorted(a["subject"] for a in purged) == sorted([f"signup:{old}", f"signup:{withdrawn}"])
    trail = json.dumps([dict(a) for a in purged], default=str)
    assert "example.org" not in trail and "Ana Lima" not in trail
    assert all(a["actor_label"] == "system" for a in purged)
    # Safe to repeat: nothing more to do.
    assert await schedule.purge() == []


async def test_the_number_of_days_is_a_setting(client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> None:
    h = await public_headers(client)
    signup_id = await _sign_up(client, h, "old@example.org")
    await _expired(signup_id, 8)
    monkeypatch.setenv("SIGNUP_PURGE_DAYS", "10")
    assert await schedule.purge() == []
    monkeypatch.setenv("SIGNUP_PURGE_DAYS", "")  # unset: the default, 7 days
    assert await schedule.purge() == [signup_id]
    assert await rows() == []


async def test_a_worker_of_the_mail_queue_runs_the_purge(client: httpx.AsyncClient, database_dsn: str) -> None:
    h = await public_headers(client)
    signup_id = await _sign_up(client, h, "old@example.org")
    await _expired(signup_id, 8)
    async with transaction():
        connection = DB.current_transaction.get()
        assert connection is not None
        await schedule.run_purge.configure(connection=connection.connection).defer_async(timestamp=0)
    await run_worker(database_dsn, 2, wait=False, signals=False)
    assert await rows() == []
    assert [a["subject"] for a in await audit() if a["action"] == "signup.purged"] == [f"signup:{signup_id}"]
