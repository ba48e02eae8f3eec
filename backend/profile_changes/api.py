"""Staff JSON API for force-profile changes: list them (staff), approve or reject (admins).

Like every POST, a decision needs the CSRF token of the session: send the value of the
`csrftoken` cookie (`__Host-csrftoken` with SECURE_COOKIES; set by any GET after signing in)
in the `X-CSRFToken` header.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec
from litestar import Controller, Request, get, post
from litestar.exceptions import HTTPException
from litestar.params import FromQuery

from backend.api_errors import refusals
from backend.params import PathId
from backend.partners.peer_groups import dimension_label, label
from backend.profile_changes.services import DecisionRefused, decide, list_changes
from backend.security.guards import load_viewer, requires_admin, requires_staff


class ProfileChangeOut(msgspec.Struct):
    id: int
    force_id: int
    force_name: str
    #: region | force_type | size_band
    dimension: str
    dimension_label: str
    old_value: str
    old_label: str
    new_value: str
    new_label: str
    #: The round whose force-profile response proposed the change.
    round_id: int | None
    round_title: str | None
    #: pending | approved | rejected
    status: str
    created_at: str
    decided_by: str | None
    decided_at: str | None


def _out(row: dict[str, Any]) -> ProfileChangeOut:
    dim = row["dimension"]
    return ProfileChangeOut(
        id=row["id"],
        force_id=row["force"],
        force_name=row["force_name"],
        dimension=dim,
        dimension_label=dimension_label(dim),
        old_value=row["old_value"],
        old_label=label(dim, row["old_value"]),
        new_value=row["new_value"],
        new_label=label(dim, row["new_value"]),
        round_id=row["round"],
        round_title=row["round_title"],
        status=row["status"],
        created_at=row["created_at"].isoformat(),
        decided_by=row["decided_by_name"],
        decided_at=row["decided_at"].isoformat() if row["decided_at"] else None,
    )


async def _decide(request: Request[Any, Any, Any], change_id: int, approve: bool) -> ProfileChangeOut:
    viewer = await load_viewer(request)
    assert viewer is not None  # the guard let the request through
    try:
        return _out(await decide(change_id, approve, viewer))
    except DecisionRefused as exc:
        raise HTTPException(status_code=exc.status_code, detail=exc.message) from exc


_REFUSALS = refusals(
    401,
    403,
    404,
    409,
    says={
        404: "There is no such change; nothing changed",
        409: "The change was already decided; nothing changed",
    },
)
_HOW = (
    " Administrators only; the decision is written to the audit trail. Like every POST, send the "
    "`csrftoken` cookie's value (`__Host-csrftoken` over HTTPS), as set by a GET after signing in, "
    "in the `X-CSRFToken` header."
)


class ProfileChangeApiController(Controller):
    path = "/api/profile-changes"
    guards = [requires_staff]
    tags = ["profile changes"]

    @get(
        "/",
        summary="Force-profile changes",
        description="Changes to forces' peer groups proposed by force-profile answers (staff only): pending "
        "ones by default, oldest first; `approved` or `rejected` ones latest decision first.",
        responses=refusals(401, 403),
    )
    async def changes(
        self, status: FromQuery[Literal["pending", "approved", "rejected"]] = "pending"
    ) -> list[ProfileChangeOut]:
        return [_out(row) for row in await list_changes(status)]

    @post(
        "/{change_id:int}/approve",
        summary="Approve a force-profile change",
        description="The force's attribute takes the new value for rounds opened from now on; rounds already "
        "opened keep the groups they froze." + _HOW,
        guards=[requires_admin],
        status_code=200,
        responses=_REFUSALS,
    )
    async def approve(self, request: Request[Any, Any, Any], change_id: PathId) -> ProfileChangeOut:
        return await _decide(request, change_id, approve=True)

    @post(
        "/{change_id:int}/reject",
        summary="Reject a force-profile change",
        description="The force keeps its attribute." + _HOW,
        guards=[requires_admin],
        status_code=200,
        responses=_REFUSALS,
    )
    async def reject(self, request: Request[Any, Any, Any], change_id: PathId) -> ProfileChangeOut:
        return await _decide(request, change_id, approve=False)
