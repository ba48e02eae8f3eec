"""Recording and reading the audit trail."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import msgspec

from backend.audit.schemas import AuditEventRow
from backend.audit.tables import AuditEvent
from backend.database import execute, fetch, json_value
from backend.security.roles import Viewer

#: Refused requests are counted, not listed: one row per actor, refusal and target in each
#: window, whose `occurrences` grows with every repeat (so a retrying script or a stale
#: bookmark costs one row an hour, not one row a request).
REFUSAL_WINDOW = timedelta(hours=1)
#: Distinct targets one actor may add in a window. Beyond it, further targets are counted
#: together on one row, so that walking through ids cannot flood the trail either.
REFUSAL_TARGETS_PER_WINDOW = 20
OTHER_TARGETS = "(further targets)"
#: The actor of a refusal without a signed-in person (no address is kept: see security/logs.py).
ANONYMOUS = "anonymous"
REFUSED = "access.refused."

RECENT = """
SELECT id, occurred_at, actor_id, actor_label, action, subject, details, occurrences, last_at, aggregate_key
FROM audit_event ORDER BY coalesce(last_at, occurred_at) DESC, id DESC LIMIT $1"""


def _label(actor: Viewer | None, default: str) -> str:
    return f"{actor.name} <{actor.email}>" if actor else default


async def record(actor: Viewer | None, action: str, subject: str, **details: Any) -> None:
    await AuditEvent.insert(
        AuditEvent(
            actor_id=actor.person_id if actor else None,
            actor_label=_label(actor, "system"),
            action=action,
            subject=subject,
            details=details,
        )
    )


# One statement, so that every worker process counts on the same row: the window and the key
# are computed by PostgreSQL, and a repeat meets the unique key and adds one.
RECORD_REFUSAL = """
WITH win AS (
    SELECT floor(extract(epoch FROM now()) / $1::int)::bigint AS n
), keys AS (
    SELECT win.n::text || ':' || $2::text || ':' AS mine,
           win.n::text || ':' || $2::text || ':' || md5($3::text || chr(10) || $4::text) AS own,
           win.n::text || ':' || $2::text || ':' || md5($3::text || chr(10) || $5::text) AS other,
           to_timestamp(win.n * $1::int) AS since
    FROM win
), seen AS (
    SELECT e.aggregate_key FROM audit_event e, keys
    WHERE e.occurred_at >= keys.since AND starts_with(e.aggregate_key, keys.mine)
), chosen AS (
    SELECT keys.*, (EXISTS (SELECT 1 FROM seen WHERE seen.aggregate_key = keys.own)
                    OR (SELECT count(*) FROM seen) < $6::int) AS own_row
    FROM keys
)
INSERT INTO audit_event (occurred_at, actor_id, actor_label, action, subject, details, occurrences, last_at,
                         aggregate_key)
SELECT now(), $7::int, $8::text, $3::text, CASE WHEN own_row THEN $4::text ELSE $5::text END, $9::jsonb, 1, now(),
       CASE WHEN own_row THEN chosen.own ELSE chosen.other END
FROM chosen
ON CONFLICT (aggregate_key) DO UPDATE
    SET occurrences = audit_event.occurrences + 1, last_at = EXCLUDED.last_at
"""


async def record_refusal(actor: Viewer | None, refusal: str, subject: str, **details: Any) -> None:
    """A refused request (`access.refused.<refusal>`) by `actor` (None: nobody signed in) for
    `subject`, counted with its repeats. `subject` must hold no secret: the path template
    for links, never the link."""
    await execute(
        RECORD_REFUSAL,
        int(REFUSAL_WINDOW.total_seconds()),
        str(actor.person_id) if actor else ANONYMOUS,
        REFUSED + refusal,
        subject[:200],
        OTHER_TARGETS,
        REFUSAL_TARGETS_PER_WINDOW,
        actor.person_id if actor else None,
        _label(actor, ANONYMOUS),
        json.dumps(details),
    )


async def recent(limit: int = 100) -> list[AuditEventRow]:
    """The latest events first; a counted refusal stands where it last happened."""
    rows = await fetch(RECENT, limit)
    return msgspec.convert([{**row, "details": json_value(row["details"])} for row in rows], list[AuditEventRow])
