"""Staff JSON API for the audit trail: what the staff audit page lists."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, get
from litestar.datastructures import CacheControlHeader
from litestar.params import QueryParameter

from backend.audit.schemas import AuditEventRow
from backend.audit.services import recent
from backend.security.guards import requires_staff
from backend.web.errors import refusals

#: How many events the staff page shows; the API's default.
PAGE_EVENTS = 200


class AuditEventOut(msgspec.Struct):
    id: int
    occurred_at: datetime
    #: the person who acted; null for the system and for anonymous refusals
    actor_id: int | None
    #: their name and e-mail address, `system` or `anonymous`
    actor_label: str
    #: like `round.opened`, `invitation.replaced`, `access.refused.staff_only`
    action: str
    #: what it was done to, like `round:3`, or the route of a refused request
    subject: str
    #: what the action recorded
    details: dict[str, Any]
    #: a counted refusal: how many times it happened in its hour
    occurrences: int
    #: a counted refusal: its latest repeat
    last_at: datetime | None


def _event(e: AuditEventRow) -> AuditEventOut:
    return AuditEventOut(
        e.id, e.occurred_at, e.actor_id, e.actor_label, e.action, e.subject, e.details, e.occurrences, e.last_at
    )


class AuditApiController(Controller):
    path = "/api/audit"
    guards = [requires_staff]
    tags = ["audit"]
    cache_control = CacheControlHeader(no_store=True)

    @get(
        "/",
        summary="The audit trail",
        description="The latest events first, as the staff audit page lists them; a counted refusal stands "
        "where it last happened (staff only).",
        responses=refusals(401, 403),
    )
    async def events(
        self, limit: Annotated[int, QueryParameter(ge=1, le=1000, description="How many events")] = PAGE_EVENTS
    ) -> list[AuditEventOut]:
        return [_event(e) for e in await recent(limit)]
