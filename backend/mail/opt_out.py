"""Switching reminders off: each reminder carries a link of its own person's (`links.opt_out_token`:
their id and an HMAC of it), whose page asks to confirm (GET changes nothing) and whose POST,
from that page or from the mail client's one-click button (RFC 8058), records the choice. The
reminder schedule and "remind now" skip whoever chose (`rounds/reminders.py`)."""

from __future__ import annotations

from backend.audit.services import record
from backend.database import execute, fetch, fetchrow, transaction
from backend.mail.links import opt_out_person

SWITCH_OFF = """
INSERT INTO reminder_opt_out (person, via, created_at) VALUES ($1, $2, now())
ON CONFLICT (person) DO NOTHING"""
OPTED_OUT = "SELECT person FROM reminder_opt_out WHERE person = ANY($1::int[])"
PERSON = "SELECT id, name FROM person WHERE id = $1"
IS_OFF = "SELECT 1 FROM reminder_opt_out WHERE person = $1"


async def person_of(secret_key: str, token: str) -> tuple[int, str, bool] | None:
    """(person id, name, already switched off) of an opt-out link; None for a link that is
    not one (or whose person no longer exists)."""
    person_id = opt_out_person(secret_key, token)
    if person_id is None:
        return None
    row = await fetchrow(PERSON, person_id)
    if row is None:
        return None
    return person_id, row["name"], await fetchrow(IS_OFF, person_id) is not None


async def switch_off(person_id: int, via: str) -> bool:
    """No more reminders to this person (idempotent: a second click changes nothing); the first
    goes to the audit trail. Returns whether this switched them off."""
    async with transaction():
        done = await execute(SWITCH_OFF, person_id, via) == "INSERT 0 1"
        if done:
            await record(None, "reminders.switched_off", f"person:{person_id}", via=via)
    return done


async def opted_out(person_ids: list[int]) -> set[int]:
    """Who among these people switched reminders off."""
    return {int(r["person"]) for r in await fetch(OPTED_OUT, person_ids)}
