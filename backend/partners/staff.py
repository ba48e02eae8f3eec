"""Staff pages for partner forces and people."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from backend.i18n import Language
from backend.partners.forms import NewForce, NewPerson
from backend.partners.peer_groups import DIMENSIONS, VALUES
from backend.partners.schemas import PartnerRole
from backend.partners.services import (
    add_force,
    add_person,
    list_forces,
    list_people,
    new_force_problems,
    new_person_problems,
)
from backend.profile_changes.services import count_pending
from backend.security.guards import requires_admin, requires_staff
from backend.security.roles import Viewer
from backend.web.forms import FORM
from backend.web.params import Injected
from backend.web.render import redirect, render


class PartnersController(Controller):
    path = "/staff/forces"
    guards = [requires_staff]
    tags = ["pages: staff"]
    include_in_schema = False

    async def _page(
        self,
        request: Request[Any, Any, Any],
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        return await render(
            request,
            "staff/forces.html",
            status_code=status_code,
            forces=await list_forces(),
            all_forces=await list_forces(include_inactive=True),
            people=await list_people(),
            partner_roles=[r.value for r in PartnerRole],
            values=values or {},
            errors=errors or {},
            dimensions=DIMENSIONS,
            dimension_values=VALUES,
            pending_profile_changes=await count_pending(),
        )

    @get("/")
    async def index(self, request: Request[Any, Any, Any]) -> Template:
        """Forces with their peer-group attributes, and everyone who can sign in."""
        return await self._page(request)

    @post("/", guards=[requires_admin])
    async def add_force(
        self,
        request: Request[Any, Any, Any],
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[NewForce, FORM],
    ) -> Template | Redirect:
        """Add a force; on any problem, the page again with every message and what was typed."""
        errors = await new_force_problems(data, language)
        if errors:
            return await self._page(request, errors, data.values(), status_code=400)
        await add_force(data, viewer)
        flash(request, language.gettext("Added %(name)s.", name=data.name), "success")
        return redirect("/staff/forces")

    @post("/people", guards=[requires_admin])
    async def add_person(
        self,
        request: Request[Any, Any, Any],
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[NewPerson, FORM],
    ) -> Template | Redirect:
        """Add a staff member or a partner contact; on any problem, the page again with every message."""
        errors = await new_person_problems(data, language)
        if errors:
            return await self._page(request, errors, data.values(), status_code=400)
        await add_person(data, viewer)
        command = f"practice-exchange staff link {data.email}"
        message = language.gettext(
            "Added %(name)s. Give them a sign-in link with `%(command)s`, or invite them to a round.",
            name=data.person_name,
            command=command,
        )
        flash(request, message, "success")
        return redirect("/staff/forces")
