"""Read models of the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


class AuditEventRow(msgspec.Struct, frozen=True):
    """Who did what to which object, and when; a counted refusal with its repeats."""

    id: int
    occurred_at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    subject: str
    #: what the action recorded (JSON)
    details: dict[str, Any]
    occurrences: int
    #: the latest repeat of a counted refusal
    last_at: datetime | None
    aggregate_key: str | None
