"""A round's life after it is created (docs/rounds.md): draft → scheduled or open → closed →
published. Opening now or at a set time (the schedule opens due rounds: `schedule.py`), with
the invitations going out by mail when it opens; a later deadline (the links last longer and
the reminders follow it); more forces for a round not yet closed; a link revoked. Each step is
checked here, so that the page and the JSON API refuse alike, and written to the audit trail.
Reissuing a link is `services.renew_link`; closing and publishing are publication's."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from backend.audit.services import record
from backend.database import execute, fetch, fetchrow, transaction
from backend.i18n import SOURCE_LANGUAGE, Language, language_for
from backend.partners.services import list_forces
from backend.rounds.schemas import RoundStatus
from backend.rounds.services import (
    LINK_GRACE,
    LONGEST_ROUND,
    RoundInputError,
    _freeze_groups,
    get_round,
    invite_forces,
    schedule_problems,
)
from backend.security.roles import Viewer

#: Not yet open: staff may open them now or (again) schedule them.
NOT_YET_OPEN = {RoundStatus.DRAFT, RoundStatus.SCHEDULED}
#: Forces may be added and the deadline extended until the round closes.
NOT_CLOSED = {RoundStatus.DRAFT, RoundStatus.SCHEDULED, RoundStatus.OPEN}

#: Taken at most once at a time: a schedule run and "Open now" never open a round twice.
MARK_OPEN = """
UPDATE round SET status = 'open', opens_at = $2 WHERE id = $1 AND status IN ('draft', 'scheduled')
RETURNING closes_at"""
DUE_ROUNDS = """
SELECT id FROM round WHERE status = 'scheduled' AND opens_at <= $1 ORDER BY opens_at, id
FOR UPDATE SKIP LOCKED"""
#: When a scheduled round opens, its forces' peer groups are taken again as they are then.
REFREEZE = """
UPDATE round_force rf SET region = f.region, force_type = f.force_type, size_band = f.size_band
FROM force f WHERE f.id = rf.force AND rf.round = $1"""
ROUND_FORCES = "SELECT force FROM round_force WHERE round = $1 ORDER BY force"
SET_SCHEDULE = "UPDATE round SET status = 'scheduled', opens_at = $2 WHERE id = $1 AND status IN ('draft', 'scheduled')"
EXTEND = "UPDATE round SET closes_at = $2 WHERE id = $1"
EXTEND_LINKS = "UPDATE invitation SET expires_at = $2 WHERE round = $1 AND expires_at < $2"
REVOKE = "UPDATE invitation SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING round"
SET_REMINDERS = "UPDATE round SET reminder_days = $2::jsonb, reminder_cap = $3 WHERE id = $1"


def _words(language: Language | None) -> Language:
    return language or language_for(SOURCE_LANGUAGE)


async def _open(round_id: int, secret_key: str, now: datetime) -> int | None:
    """Open a draft or scheduled round in the caller's transaction: its forces' groups taken
    again, an invitation for each of their respondents, queued by mail. None: it was not
    waiting to open (already open, or opened by someone else just now)."""
    row = await fetchrow(MARK_OPEN, round_id, now)
    if row is None:
        return None
    await execute(REFREEZE, round_id)
    forces = [int(r["force"]) for r in await fetch(ROUND_FORCES, round_id)]
    return await invite_forces(round_id, forces, row["closes_at"], secret_key)


async def open_now(
    round_id: int, secret_key: str, actor: Viewer, language: Language | None = None
) -> tuple[int, RoundInputError | None]:
    """Open a draft or scheduled round at once; (invitations made, the refusal if any)."""
    found = await get_round(round_id)
    if found is None or found.status not in NOT_YET_OPEN:
        return 0, RoundInputError("status", _words(language).gettext("Only a draft or scheduled round can be opened."))
    now = datetime.now(UTC)
    if found.closes_at is not None and found.closes_at <= now:
        return 0, RoundInputError(
            "closes_on", _words(language).gettext("The closing date has passed: extend the deadline first.")
        )
    invited: int | None = None
    async with transaction():
        invited = await _open(round_id, secret_key, now)
        if invited is not None:
            await record(actor, "round.opened", f"round:{round_id}", invitations=invited)
    if invited is None:
        return 0, RoundInputError("status", _words(language).gettext("Only a draft or scheduled round can be opened."))
    return invited, None


async def open_due_rounds(secret_key: str, now: datetime | None = None) -> dict[int, int]:
    """Open every scheduled round whose time has come (the schedule runs this each minute);
    {round id: invitations made}. Each round opens in its own transaction."""
    now = now or datetime.now(UTC)
    opened: dict[int, int] = {}
    while True:
        async with transaction():
            rows = await fetch(DUE_ROUNDS + " LIMIT 1", now)
            if not rows:
                return opened
            round_id = int(rows[0]["id"])
            invited = await _open(round_id, secret_key, now) or 0
            await record(None, "round.opened", f"round:{round_id}", invitations=invited, scheduled=True)
            opened[round_id] = invited


async def schedule(
    round_id: int, opens_at: datetime, actor: Viewer, language: Language | None = None
) -> RoundInputError | None:
    """Open a draft or scheduled round at `opens_at` (in the future, before its deadline)."""
    words = _words(language)
    found = await get_round(round_id)
    if found is None or found.status not in NOT_YET_OPEN:
        return RoundInputError("status", words.gettext("Only a draft or scheduled round can be scheduled."))
    if opens_at <= datetime.now(UTC):
        return RoundInputError("opens_at", words.gettext("The opening time must be in the future."))
    if found.closes_at is not None and opens_at >= found.closes_at:
        return RoundInputError("opens_at", words.gettext("The round must open before its closing date."))
    async with transaction():
        await execute(SET_SCHEDULE, round_id, opens_at)
        await record(actor, "round.scheduled", f"round:{round_id}", opens_at=opens_at.isoformat())
    return None


async def extend_deadline(
    round_id: int, closes_at: datetime, actor: Viewer, language: Language | None = None
) -> RoundInputError | None:
    """A later closing date for a round not yet closed: its links last until the new date (plus
    the usual grace), and the reminder schedule counts from it (`reminders.py`)."""
    words = _words(language)
    found = await get_round(round_id)
    if found is None or found.status not in NOT_CLOSED:
        return RoundInputError("status", words.gettext("Only a round that is not closed can get a new deadline."))
    now = datetime.now(UTC)
    if closes_at <= now or (found.closes_at is not None and closes_at <= found.closes_at):
        return RoundInputError("closes_on", words.gettext("The new closing date must be later than the current one."))
    if closes_at > now + LONGEST_ROUND:
        return RoundInputError("closes_on", words.gettext("The closing date must be within the next hundred years."))
    async with transaction():
        await execute(EXTEND, round_id, closes_at)
        await execute(EXTEND_LINKS, round_id, closes_at + LINK_GRACE)
        before = found.closes_at.isoformat() if found.closes_at else None
        await record(actor, "round.deadline_extended", f"round:{round_id}", before=before, after=closes_at.isoformat())
    return None


async def add_forces(
    round_id: int, force_ids: list[int], secret_key: str, actor: Viewer, language: Language | None = None
) -> tuple[int, RoundInputError | None]:
    """More forces for a round not yet closed: their peer groups frozen for it and, if it is
    open, an invitation for each of their respondents, sent at once. (invitations, refusal)."""
    words = _words(language)
    found = await get_round(round_id)
    if found is None or found.status not in NOT_CLOSED:
        return 0, RoundInputError("status", words.gettext("Forces can only be added to a round that is not closed."))
    if not force_ids:
        return 0, RoundInputError("forces", words.gettext("Choose at least one force to invite."))
    if not set(force_ids) <= {f.id for f in await list_forces()}:
        return 0, RoundInputError("forces", words.gettext("One of the chosen forces does not exist."))
    async with transaction():
        await _freeze_groups(round_id, force_ids)
        invited = 0
        if found.status == RoundStatus.OPEN:
            invited = await invite_forces(round_id, force_ids, found.closes_at, secret_key)
        await record(actor, "round.forces_added", f"round:{round_id}", forces=force_ids, invitations=invited)
    return invited, None


async def set_reminders(
    round_id: int, days: list[int], cap: int, actor: Viewer, language: Language | None = None
) -> RoundInputError | None:
    """A round's reminder schedule: days before the deadline, at most `cap` per person."""
    words = _words(language)
    found = await get_round(round_id)
    if found is None or found.status not in NOT_CLOSED:
        return RoundInputError("status", words.gettext("Only a round that is not closed can change its reminders."))
    problems = schedule_problems(days, cap, words)
    if problems:
        return problems[0]
    ordered = sorted(set(days), reverse=True)
    async with transaction():
        await execute(SET_REMINDERS, round_id, json.dumps(ordered), cap)
        await record(actor, "round.reminders_set", f"round:{round_id}", days=ordered, cap=cap)
    return None


async def revoke(invitation_id: int, actor: Viewer) -> int | None:
    """Stop an invitation's link at once (sessions opened with it end); "New link" reissues
    it. Returns its round (None: no such invitation, or already revoked)."""
    round_id: int | None = None
    async with transaction():
        row = await fetchrow(REVOKE, invitation_id)
        if row is not None:
            round_id = int(row["round"])
            await record(actor, "invitation.revoked", f"invitation:{invitation_id}")
    return round_id
