"""Staff JSON API for the audit trail: what the staff audit page lists, with the same filters
(who, what, round, dates), pages, names instead of ids, and the filtered trail as CSV."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Response, get
from litestar.datastructures import CacheControlHeader
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import QueryParameter
from litestar.response import Stream

from backend.audit.csv_export import audit_csv
from backend.audit.services import record
from backend.audit.trail import AuditEntry, AuditFilter, search
from backend.security.guards import requires_staff
from backend.security.roles import Viewer
from backend.web.errors import invalid, refusals
from backend.web.params import INT4_MAX, Injected

#: How many events a page holds by default.
PAGE_EVENTS = 200


class AuditEventOut(msgspec.Struct):
    id: int
    occurred_at: datetime
    #: the person who acted; null for the system and for anonymous refusals
    actor_id: int | None
    #: their name and e-mail address (as when they acted), `system` or `anonymous`
    actor_label: str
    #: the actor's current name (null: the system, anonymous, or nobody on record)
    actor_name: str | None
    #: like `round.opened`, `invitation.replaced`, `access.refused.staff_only`, `signed_in`
    action: str
    #: what it was done to, like `round:3`, or the route of a refused request
    subject: str
    #: `round`, `person`, `force`, `invitation`, … (null when the subject is no object)
    subject_kind: str | None
    subject_id: int | None
    #: the object's name: a round's title, a person's or a force's name (null: not on record)
    subject_name: str | None
    #: what the action recorded
    details: dict[str, Any]
    #: a counted refusal: how many times it happened in its hour; grouped sign-ins: how many
    occurrences: int
    #: a counted refusal or grouped sign-ins: the latest one
    last_at: datetime | None
    #: several sign-ins of one person on one day, as one event (`sign_ins=grouped`)
    grouped: bool


def _event(e: AuditEntry) -> AuditEventOut:
    return AuditEventOut(**msgspec.structs.asdict(e))


Actor = Annotated[int | None, QueryParameter(ge=1, le=INT4_MAX, description="Only what this person did")]
Action = Annotated[
    str | None,
    QueryParameter(
        max_length=80, pattern=r"^[a-z0-9_.]+$", description="Only this action (`round.opened`) or family (`round`)"
    ),
]
RoundId = Annotated[
    int | None, QueryParameter(name="round", ge=1, le=INT4_MAX, description="Only events about this round")
]
Since = Annotated[date | None, QueryParameter(name="from", description="From this day (UTC), inclusive")]
Until = Annotated[date | None, QueryParameter(name="to", description="To this day (UTC), inclusive")]
SignIns = Annotated[
    Literal["each", "grouped"], QueryParameter(description="Sign-ins one by one, or grouped per person and day")
]


def _filters(
    actor: int | None, action: str | None, round_id: int | None, since: date | None, until: date | None, sign_ins: str
) -> AuditFilter:
    if since and until and since > until:
        raise invalid({"to": "to: give a date on or after `from`."})
    return AuditFilter(actor, action, round_id, since, until, sign_ins == "grouped")


class AuditApiController(Controller):
    path = "/api/audit"
    guards = [requires_staff]
    tags = ["audit"]
    cache_control = CacheControlHeader(no_store=True)

    @get(
        "/",
        summary="The audit trail",
        description="The latest events first, as the staff audit page lists them, with names instead of ids; a "
        "counted refusal stands where it last happened. Filters as on the page; `page` and `limit` page "
        "through it, and the `X-Total-Count` header says how many events match (staff only).",
        responses=refusals(401, 403, 422),
    )
    async def events(
        self,
        actor: Actor = None,
        action: Action = None,
        round_id: RoundId = None,
        since: Since = None,
        until: Until = None,
        sign_ins: SignIns = "each",
        page: Annotated[int, QueryParameter(ge=1, le=1_000_000, description="Which page")] = 1,
        limit: Annotated[int, QueryParameter(ge=1, le=1000, description="How many events a page")] = PAGE_EVENTS,
    ) -> Response[list[AuditEventOut]]:
        found = await search(_filters(actor, action, round_id, since, until, sign_ins), page, limit)
        return Response(
            [_event(e) for e in found.entries],
            headers={"x-total-count": str(found.total), "cache-control": "no-store"},
        )

    @get(
        "/csv",
        summary="The audit trail as CSV",
        description="Every event that passes the filters (all pages), as CSV in UTF-8; cells that a spreadsheet "
        "would run as a formula are neutralised. The export is recorded in the trail (staff only).",
        responses={
            **refusals(401, 403, 422),
            200: ResponseSpec(
                data_container=str, media_type="text/csv", description="The CSV file", generate_examples=False
            ),
        },
    )
    async def csv(
        self,
        viewer: Injected[Viewer],
        actor: Actor = None,
        action: Action = None,
        round_id: RoundId = None,
        since: Since = None,
        until: Until = None,
        sign_ins: SignIns = "grouped",
    ) -> Stream:
        filters = _filters(actor, action, round_id, since, until, sign_ins)
        shown = {"actor": actor, "action": action, "round": round_id, "from": since, "to": until, "sign_ins": sign_ins}
        await record(viewer, "audit.exported", "audit", filters={k: str(v) for k, v in shown.items() if v})
        return Stream(
            audit_csv(filters),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="audit-trail.csv"', "cache-control": "no-store"},
        )
