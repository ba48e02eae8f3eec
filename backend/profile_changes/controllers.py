"""Staff page for reviewing force-profile changes: staff see them, administrators decide."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from backend.pages import flash, redirect, render
from backend.params import PathId
from backend.partners.peer_groups import dimension_label, label
from backend.profile_changes.services import DecisionRefused, decide, list_changes, recent_decisions
from backend.security.guards import load_viewer, requires_admin, requires_staff

PAGE = "/staff/profile-changes"


class ProfileChangeController(Controller):
    path = PAGE
    guards = [requires_staff]
    tags = ["pages: staff"]
    include_in_schema = False

    @get("/")
    async def index(self, request: Request[Any, Any, Any]) -> Template:
        """Pending changes to forces' peer groups, oldest first, and the latest decisions."""
        return await render(
            request,
            "staff/profile_changes.html",
            pending=await list_changes("pending"),
            decided=await recent_decisions(),
        )

    @post("/{change_id:int}/approve", guards=[requires_admin])
    async def approve(self, request: Request[Any, Any, Any], change_id: PathId) -> Redirect:
        return await _decide(request, change_id, approve=True)

    @post("/{change_id:int}/reject", guards=[requires_admin])
    async def reject(self, request: Request[Any, Any, Any], change_id: PathId) -> Redirect:
        return await _decide(request, change_id, approve=False)


async def _decide(request: Request[Any, Any, Any], change_id: int, approve: bool) -> Redirect:
    viewer = await load_viewer(request)
    assert viewer is not None  # the guard let the request through
    try:
        change = await decide(change_id, approve, viewer)
    except DecisionRefused as exc:
        flash(request, exc.message, "error")
        return redirect(PAGE)
    what = f"{change['force_name']}: {dimension_label(change['dimension']).lower()}"
    if approve:
        flash(
            request,
            f"Approved. {what} is now {label(change['dimension'], change['new_value'])}; "
            "rounds opened from now on use it, rounds already opened keep their groups.",
        )
    else:
        flash(request, f"Rejected. {what} is unchanged.")
    return redirect(PAGE)
