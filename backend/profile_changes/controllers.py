"""Staff page for reviewing force-profile changes: staff see them, administrators decide."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from backend.i18n import Language
from backend.partners.peer_groups import dimension_name, group_name
from backend.profile_changes.schemas import ProfileChangeStatus
from backend.profile_changes.services import DecisionRefused, decide, list_changes, recent_decisions
from backend.security.guards import requires_admin, requires_staff
from backend.security.roles import Viewer
from backend.web.params import Injected, PathId
from backend.web.render import redirect, render

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
            pending=await list_changes(ProfileChangeStatus.PENDING),
            decided=await recent_decisions(),
        )

    @post("/{change_id:int}/approve", guards=[requires_admin])
    async def approve(
        self, request: Request[Any, Any, Any], change_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> Redirect:
        """Apply the change to the force, for rounds opened from now on."""
        return await _decide(request, viewer, language, change_id, approve=True)

    @post("/{change_id:int}/reject", guards=[requires_admin])
    async def reject(
        self, request: Request[Any, Any, Any], change_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> Redirect:
        """Leave the force as it is."""
        return await _decide(request, viewer, language, change_id, approve=False)


async def _decide(
    request: Request[Any, Any, Any], viewer: Viewer, language: Language, change_id: int, approve: bool
) -> Redirect:
    try:
        change = await decide(change_id, approve, viewer, language)
    except DecisionRefused as exc:
        flash(request, exc.message, "error")
        return redirect(PAGE)
    force, what = change.force_name, dimension_name(language, change.dimension).lower()
    if approve:
        message = language.gettext(
            "Approved. %(force)s: %(what)s is now %(value)s; "
            "rounds opened from now on use it, rounds already opened keep their groups.",
            force=force,
            what=what,
            value=group_name(language, change.dimension, change.new_value),
        )
    else:
        message = language.gettext("Rejected. %(force)s: %(what)s is unchanged.", force=force, what=what)
    flash(request, message, "success")
    return redirect(PAGE)
