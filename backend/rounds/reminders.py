"""Reminders (docs/rounds.md): on each round's schedule (so many days before its deadline, at
most so many per person) and when staff ask ("remind now" for chosen forces). Only to people
whose force has not submitted, whose link still works and who have not switched reminders off
(`mail/opt_out.py`). Each reminder is a `reminder` row and a message queued in the same
transaction (`mail/notices.queue_reminders`).

A step of the schedule is a *slot*: `7d@<deadline>` is due seven days before that deadline. A
slot is sent once per invitation (unique), so the schedule may run any number of times; a later
deadline makes new slots, so the reminders follow it, and the cap still holds. When a run finds
several steps due (the schedule was paused, or the round opened late), it sends only the
latest one; a step due before the round opened is skipped (the invitation is fresher news)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from backend.audit.services import record
from backend.database import fetch, json_value, transaction
from backend.i18n import SOURCE_LANGUAGE, Language, language_for
from backend.mail.notices import queue_reminders
from backend.rounds.schemas import RoundStatus
from backend.rounds.services import RoundInputError, get_round
from backend.security.roles import Viewer

#: Who may be reminded in a round, and is not yet: invitations still working, at forces that
#: have not submitted, to active people who did not switch reminders off, below the cap ($4;
#: counted over every reminder of the round, "remind now" included), at the chosen forces ($5;
#: NULL: all), not yet sent this slot ($2).
_ELIGIBLE = """
FROM invitation i JOIN person p ON p.id = i.person
WHERE i.round = $1 AND i.revoked_at IS NULL AND i.expires_at > now() AND p.active
  AND NOT EXISTS (SELECT 1 FROM response x WHERE x.round = i.round AND x.force = i.force AND x.status = 'submitted')
  AND NOT EXISTS (SELECT 1 FROM reminder_opt_out o WHERE o.person = i.person)
  AND (SELECT count(*) FROM reminder m WHERE m.round = i.round AND m.person = i.person) < $4
  AND ($5::int[] IS NULL OR i.force = ANY($5::int[]))"""
SEND_SLOT = (
    """
INSERT INTO reminder (round, invitation, person, slot, manual, sent_by, created_at)
SELECT i.round, i.id, i.person, $2, $3, $6, now()"""
    + _ELIGIBLE
    + """
ORDER BY i.id
ON CONFLICT (invitation, slot) DO NOTHING
RETURNING id"""
)
OPEN_ROUNDS = """
SELECT id, opens_at, closes_at, reminder_days, reminder_cap FROM round
WHERE status = 'open' AND closes_at IS NOT NULL AND closes_at > $1 AND reminder_cap > 0 ORDER BY id"""
#: "Remind now" has no cap: staff chose to send it. (A large number stands for none.)
NO_CAP = 1_000_000
#: Invitations at chosen forces that "remind now" skipped, and why.
SKIPPED = """
SELECT i.id, p.name AS person_name, f.name AS force_name,
       EXISTS (SELECT 1 FROM reminder_opt_out o WHERE o.person = i.person) AS opted_out,
       EXISTS (SELECT 1 FROM response x WHERE x.round = i.round AND x.force = i.force AND x.status = 'submitted')
         AS submitted
FROM invitation i JOIN person p ON p.id = i.person JOIN force f ON f.id = i.force
WHERE i.round = $1 AND i.force = ANY($2::int[])"""


@dataclass(frozen=True)
class Slot:
    days: int
    deadline: datetime

    @property
    def due(self) -> datetime:
        return self.deadline - timedelta(days=self.days)

    @property
    def name(self) -> str:
        return f"{self.days}d@{self.deadline.isoformat()}"


def schedule_of(days: list[int], deadline: datetime) -> list[Slot]:
    """The steps of a round's schedule for its deadline, earliest first."""
    return sorted((Slot(d, deadline) for d in set(days)), key=lambda s: s.due)


def due_slot(days: list[int], deadline: datetime, opened: datetime | None, now: datetime) -> Slot | None:
    """The step of the schedule to send now: the latest one due, if it came after the round
    opened (None: nothing is due)."""
    due = [s for s in schedule_of(days, deadline) if s.due <= now and (opened is None or s.due >= opened)]
    return due[-1] if due else None


async def send_due_reminders(now: datetime | None = None) -> dict[int, int]:
    """Send each open round's due reminders (the schedule runs this each minute);
    {round id: reminders sent}."""
    now = now or datetime.now(UTC)
    sent: dict[int, int] = {}
    for r in await fetch(OPEN_ROUNDS, now):
        slot = due_slot(json_value(r["reminder_days"]) or [], r["closes_at"], r["opens_at"], now)
        if slot is None:
            continue
        async with transaction():
            ids = [
                int(x["id"]) for x in await fetch(SEND_SLOT, r["id"], slot.name, False, r["reminder_cap"], None, None)
            ]
            if ids:
                await queue_reminders(ids)
                await record(None, "round.reminded", f"round:{r['id']}", slot=slot.name, reminders=len(ids))
        if ids:
            sent[int(r["id"])] = len(ids)
    return sent


@dataclass(frozen=True)
class RemindResult:
    #: reminders queued
    sent: int
    #: people at the chosen forces who switched reminders off
    opted_out: list[str]
    #: the refusal, when nothing could be sent
    problem: RoundInputError | None = None


async def remind_now(
    round_id: int, force_ids: list[int], actor: Viewer, language: Language | None = None
) -> RemindResult:
    """A reminder now to everyone invited at the chosen forces who may be reminded (their force
    has not submitted, they did not switch reminders off); audited. No cap: staff chose."""
    words = language or language_for(SOURCE_LANGUAGE)
    found = await get_round(round_id)
    if found is None or found.status != RoundStatus.OPEN:
        return RemindResult(0, [], RoundInputError("status", words.gettext("Only an open round can send reminders.")))
    if not force_ids:
        return RemindResult(0, [], RoundInputError("forces", words.gettext("Choose at least one force to remind.")))
    slot = f"now:{datetime.now(UTC).isoformat()}:{secrets.token_hex(4)}"
    async with transaction():
        rows = await fetch(SEND_SLOT, round_id, slot, True, NO_CAP, force_ids, actor.person_id)
        ids = [int(x["id"]) for x in rows]
        if ids:
            await queue_reminders(ids)
        await record(actor, "round.reminded", f"round:{round_id}", forces=force_ids, reminders=len(ids))
    skipped = await fetch(SKIPPED, round_id, force_ids)
    opted_out = sorted(f"{s['person_name']} ({s['force_name']})" for s in skipped if s["opted_out"])
    return RemindResult(len(ids), opted_out)
