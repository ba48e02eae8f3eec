"""The audit trail as staff read it: filtered (actor, action, round, dates), paged, with names
instead of ids (the actor's current name; the subject as "round: its title", "person: their
name", …), and routine sign-ins grouped per person and day ("12 sign-ins by X")."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import msgspec

from backend.database import fetch, json_value

#: The action of a routine sign-in, grouped unless asked for one by one.
SIGN_IN = "signed_in"
PAGE_SIZE = 50
#: Rows read at a time by the CSV export.
CHUNK = 500


@dataclass(frozen=True)
class AuditFilter:
    actor_id: int | None = None
    #: an action (`round.opened`) or a family of them (`round`, `access.refused`)
    action: str | None = None
    round_id: int | None = None
    #: from this day (inclusive) to this day (inclusive), UTC
    since: dt.date | None = None
    until: dt.date | None = None
    group_sign_ins: bool = True

    def query_args(self) -> list[Any]:
        since = dt.datetime.combine(self.since, dt.time(), dt.UTC) if self.since else None
        until = dt.datetime.combine(self.until + dt.timedelta(days=1), dt.time(), dt.UTC) if self.until else None
        return [self.actor_id, self.action or None, self.round_id, since, until, self.group_sign_ins]


class AuditEntry(msgspec.Struct, frozen=True):
    """An event with names: who (their current name), what it was done to, in words."""

    id: int
    occurred_at: dt.datetime
    actor_id: int | None
    actor_label: str
    #: the actor's current name (None: the system, anonymous, or a person no longer on record)
    actor_name: str | None
    action: str
    subject: str
    #: `round`, `person`, `force`, … (None: a subject that is no object, like a refused route)
    subject_kind: str | None
    subject_id: int | None
    #: the object's name (a round's title, a person's or force's name) when it is on record
    subject_name: str | None
    details: dict[str, Any]
    occurrences: int
    last_at: dt.datetime | None
    #: several sign-ins of one person on one day, shown as one line
    grouped: bool


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    total: int
    page: int
    pages: int


# The events that pass the filters; sign-ins grouped per person and UTC day when asked; a counted
# refusal stands where it last happened.
SEARCH = """
WITH events AS (
    SELECT e.* FROM audit_event e
    WHERE ($1::int IS NULL OR e.actor_id = $1)
      AND ($2::text IS NULL OR e.action = $2 OR starts_with(e.action, $2 || '.'))
      AND ($3::int IS NULL OR e.subject = 'round:' || $3::int
           OR (starts_with(e.subject, 'invitation:')
               AND EXISTS (SELECT 1 FROM invitation i WHERE i.round = $3 AND e.subject = 'invitation:' || i.id)))
      AND ($4::timestamptz IS NULL OR coalesce(e.last_at, e.occurred_at) >= $4)
      AND ($5::timestamptz IS NULL OR e.occurred_at < $5)
), shown AS (
    SELECT id, occurred_at, actor_id, actor_label, action, subject, details, occurrences, last_at, false AS grouped
    FROM events WHERE NOT ($6::bool AND action = 'signed_in')
    UNION ALL
    SELECT max(id), min(occurred_at), actor_id, max(actor_label), 'signed_in', max(subject), '{}'::jsonb,
           count(*)::int, CASE WHEN count(*) > 1 THEN max(occurred_at) END, count(*) > 1
    FROM events WHERE $6::bool AND action = 'signed_in'
    GROUP BY actor_id, (occurred_at AT TIME ZONE 'UTC')::date
)
SELECT s.*, count(*) OVER () AS total FROM shown s
ORDER BY coalesce(s.last_at, s.occurred_at) DESC, s.id DESC
LIMIT $7 OFFSET $8"""

_NAMES = {
    "person": "SELECT id, name FROM person WHERE id = ANY($1::int[])",
    "force": "SELECT id, name FROM force WHERE id = ANY($1::int[])",
    "round": "SELECT id, title AS name FROM round WHERE id = ANY($1::int[])",
    "invitation": """SELECT i.id, p.name || ' (' || f.name || ')' AS name
        FROM invitation i JOIN person p ON p.id = i.person JOIN force f ON f.id = i.force
        WHERE i.id = ANY($1::int[])""",
    "api_token": "SELECT id, name FROM api_token WHERE id = ANY($1::int[])",
}

ACTORS = """
SELECT DISTINCT e.actor_id AS id, p.name FROM audit_event e JOIN person p ON p.id = e.actor_id ORDER BY p.name"""
ACTIONS = "SELECT DISTINCT action FROM audit_event ORDER BY action"


def _subject(subject: str) -> tuple[str | None, int | None]:
    kind, _, rest = subject.partition(":")
    if rest.isascii() and rest.isdigit() and kind.replace("_", "").isalpha() and len(rest) < 10:
        return kind, int(rest)
    return None, None


async def _names(rows: list[dict[str, Any]]) -> tuple[dict[int, str], dict[tuple[str, int], str]]:
    wanted: dict[str, set[int]] = {}
    for row in rows:
        kind, ident = _subject(row["subject"])
        if kind in _NAMES and ident is not None:
            wanted.setdefault(kind, set()).add(ident)
        if row["actor_id"] is not None:
            wanted.setdefault("person", set()).add(row["actor_id"])
    found: dict[tuple[str, int], str] = {}
    for kind, ids in wanted.items():
        for r in await fetch(_NAMES[kind], sorted(ids)):
            found[(kind, r["id"])] = r["name"]
    actors = {ident: name for (kind, ident), name in found.items() if kind == "person"}
    return actors, found


async def _entries(rows: list[dict[str, Any]]) -> list[AuditEntry]:
    actors, names = await _names(rows)
    out = []
    for row in rows:
        kind, ident = _subject(row["subject"])
        out.append(
            AuditEntry(
                id=row["id"],
                occurred_at=row["occurred_at"],
                actor_id=row["actor_id"],
                actor_label=row["actor_label"],
                actor_name=actors.get(row["actor_id"]) if row["actor_id"] is not None else None,
                action=row["action"],
                subject=row["subject"],
                subject_kind=kind,
                subject_id=ident,
                subject_name=names.get((kind, ident)) if kind and ident is not None else None,
                details=json_value(row["details"]) or {},
                occurrences=row["occurrences"],
                last_at=row["last_at"],
                grouped=row["grouped"],
            )
        )
    return out


async def search(filters: AuditFilter, page: int = 1, per_page: int = PAGE_SIZE) -> AuditPage:
    """One page of the events that pass `filters`, the latest first."""
    rows = await fetch(SEARCH, *filters.query_args(), per_page, (page - 1) * per_page)
    total = int(rows[0]["total"]) if rows else 0
    if not rows and page > 1:
        # Past the last page: say how many there are all the same.
        counted = await fetch(SEARCH, *filters.query_args(), 1, 0)
        total = int(counted[0]["total"]) if counted else 0
    return AuditPage(await _entries(rows), total, page, max(1, -(-total // per_page)))


async def every_entry(filters: AuditFilter) -> AsyncIterator[AuditEntry]:
    """Every event that passes `filters`, the latest first, read a chunk at a time."""
    offset = 0
    while True:
        rows = await fetch(SEARCH, *filters.query_args(), CHUNK, offset)
        for entry in await _entries(rows):
            yield entry
        if len(rows) < CHUNK:
            return
        offset += CHUNK


@dataclass(frozen=True)
class FilterChoices:
    """What the filter form offers: the people who appear in the trail, the actions recorded."""

    actors: list[tuple[int, str]]
    actions: list[str]


async def filter_choices() -> FilterChoices:
    actors = [(r["id"], r["name"]) for r in await fetch(ACTORS)]
    actions = [r["action"] for r in await fetch(ACTIONS)]
    families = sorted({a.split(".")[0] for a in actions if "." in a} - set(actions))
    return FilterChoices(actors, sorted(set(actions) | set(families)))
