"""Staff JSON API for force-profile changes: list them (staff), approve or reject (admins).

Like every POST, a decision needs the CSRF token of the session: send the value of the
`csrftoken` cookie (`__Host-csrftoken` with SECURE_COOKIES; set by any GET after signing in)
in the `X-CSRFToken` header.
"""

from __future__ import annotations

from typing import Literal

import msgspec
from litestar import Controller, get, post
from litestar.exceptions import HTTPException
from litestar.params import FromQuery

from backend.partners.peer_groups import dimension_label, label
from backend.profile_changes.schemas import ProfileChangeRow, ProfileChangeStatus
from backend.profile_changes.services import DecisionRefused, decide, list_changes
from backend.security.guards import requires_admin, requires_staff
from backend.security.roles import Viewer
from backend.web.errors import refusals
from backend.web.params import Injected, PathId


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


def _out(change: ProfileChangeRow) -> ProfileChangeOut:
    dim = change.dimension
    return ProfileChangeOut(
        id=change.id,
        force_id=change.force_id,
        force_name=change.force_name,
        dimension=dim,
        dimension_label=dimension_label(dim),
        old_value=change.old_value,
        old_label=label(dim, change.old_value),
        new_value=change.new_value,
        new_label=label(dim, change.new_value),
        round_id=change.round_id,
        round_title=change.round_title,
        status=change.status,
        created_at=change.created_at.isoformat(),
        decided_by=change.decided_by_name,
        decided_at=change.decided_at.isoformat() if change.decided_at else None,
    )


async def _decide(viewer: Viewer, change_id: int, approve: bool) -> ProfileChangeOut:
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
        return [_out(change) for change in await list_changes(ProfileChangeStatus(status))]

    @post(
        "/{change_id:int}/approve",
        summary="Approve a force-profile change",
        description="The force's attribute takes the new value for rounds opened from now on; rounds already "
        "opened keep the groups they froze." + _HOW,
        guards=[requires_admin],
        status_code=200,
        responses=_REFUSALS,
    )
    async def approve(self, change_id: PathId, viewer: Injected[Viewer]) -> ProfileChangeOut:
        return await _decide(viewer, change_id, approve=True)

    @post(
        "/{change_id:int}/reject",
        summary="Reject a force-profile change",
        description="The force keeps its attribute." + _HOW,
        guards=[requires_admin],
        status_code=200,
        responses=_REFUSALS,
    )
    async def reject(self, change_id: PathId, viewer: Injected[Viewer]) -> ProfileChangeOut:
        return await _decide(viewer, change_id, approve=False)
