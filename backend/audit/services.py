"""Recording and reading the audit trail."""

from __future__ import annotations

from typing import Any

from backend.audit.tables import AuditEvent
from backend.security.roles import Viewer


async def record(actor: Viewer | None, action: str, subject: str, **details: Any) -> None:
    await AuditEvent.insert(
        AuditEvent(
            actor_id=actor.person_id if actor else None,
            actor_label=f"{actor.name} <{actor.email}>" if actor else "system",
            action=action,
            subject=subject,
            details=details,
        )
    )


async def recent(limit: int = 100) -> list[dict[str, Any]]:
    return await AuditEvent.select().order_by(AuditEvent.id, ascending=False).limit(limit)
