"""The audit trail as CSV (UTF-8 with a byte-order mark), line by line; cells that a
spreadsheet would run as a formula are neutralised."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator

from backend.audit.trail import AuditEntry, AuditFilter, every_entry
from backend.exports.formulas import neutralise

COLUMNS = [
    "id",
    "occurred_at",
    "last_at",
    "occurrences",
    "grouped",
    "actor_id",
    "actor",
    "action",
    "subject",
    "subject_name",
    "details",
]


def _line(cells: list[object]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([neutralise(c) for c in cells])
    return out.getvalue().encode("utf-8")


def _cells(e: AuditEntry) -> list[object]:
    return [
        e.id,
        e.occurred_at.isoformat(timespec="seconds"),
        e.last_at.isoformat(timespec="seconds") if e.last_at else "",
        e.occurrences,
        "yes" if e.grouped else "",
        e.actor_id if e.actor_id is not None else "",
        e.actor_name or e.actor_label,
        e.action,
        e.subject,
        e.subject_name or "",
        json.dumps(e.details, ensure_ascii=False, sort_keys=True),
    ]


async def audit_csv(filters: AuditFilter) -> AsyncIterator[bytes]:
    yield "\ufeff".encode() + _line(list(COLUMNS))
    async for entry in every_entry(filters):
        yield _line(_cells(entry))
