"""Staff pages for partner forces and people; everyone's own account page."""

from __future__ import annotations

import re
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from piccolo.columns import Varchar

from backend.audit.services import record
from backend.partners.forms import ChangePassword, NewForce, NewPerson
from backend.partners.peer_groups import DIMENSIONS, VALUES
from backend.partners.services import (
    create_force,
    create_person,
    current_password_ok,
    find_person,
    force_code_taken,
    force_exists,
    is_email,
    list_forces,
    list_people,
    set_password,
)
from backend.partners.tables import Force, Person
from backend.profile_changes.services import count_pending
from backend.security.guards import requires_admin, requires_sign_in, requires_staff
from backend.security.passwords import password_problem
from backend.security.roles import Role, Viewer
from backend.web.forms import FORM
from backend.web.params import Injected, form_int
from backend.web.render import redirect, render


def _too_long(values: dict[str, str], columns: dict[str, Varchar]) -> dict[str, str]:
    """An error for each field longer than the column it is stored in (the database would
    refuse it with an error page instead of a message)."""
    return {
        field: f"Use {column.length} characters or fewer."
        for field, column in columns.items()
        if column.length is not None and len(values[field]) > column.length
    }


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
            people=await list_people(),
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
        self, request: Request[Any, Any, Any], viewer: Injected[Viewer], data: Annotated[NewForce, FORM]
    ) -> Template | Redirect:
        """Add a force; on any problem, the page again with every message and what was typed."""
        errors: dict[str, str] = {}
        if not data.name:
            errors["name"] = "Enter the force's name."
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,58}", data.code):
            errors["code"] = "Enter a short code of lower-case letters, digits and hyphens, like met-police."
        elif await force_code_taken(data.code):
            errors["code"] = "Another force already uses this code."
        if not data.country:
            errors["country"] = "Enter the country."
        for dim in DIMENSIONS:
            if getattr(data, dim) not in VALUES[dim]:
                errors[dim] = f"Choose the {DIMENSIONS[dim].lower()}."
        for field, message in _too_long(data.values(), {"name": Force.name, "country": Force.country}).items():
            errors.setdefault(field, message)
        if errors:
            return await self._page(request, errors, data.values(), status_code=400)
        force_id = await create_force(**data.values())
        await record(viewer, "force.created", f"force:{force_id}", name=data.name)
        flash(request, f"Added {data.name}.", "success")
        return redirect("/staff/forces")

    @post("/people", guards=[requires_admin])
    async def add_person(
        self, request: Request[Any, Any, Any], viewer: Injected[Viewer], data: Annotated[NewPerson, FORM]
    ) -> Template | Redirect:
        """Add a staff member or a partner contact; on any problem, the page again with every message."""
        errors: dict[str, str] = {}
        if not data.person_name:
            errors["person_name"] = "Enter the person's name."
        if not is_email(data.email):
            errors["email"] = "Enter an e-mail address like name@example.org."
        elif await find_person(data.email):
            errors["email"] = "Someone already has this e-mail address."
        if data.role not in set(Role):
            errors["role"] = "Choose a role."
        force_id = form_int(data.force)
        if data.role == Role.PARTNER and (force_id is None or not await force_exists(force_id)):
            errors["force"] = "Choose the force this contact belongs to."
        for field, message in _too_long(data.values(), {"person_name": Person.name}).items():
            errors.setdefault(field, message)
        if errors:
            return await self._page(request, errors, data.values(), status_code=400)
        person_id = await create_person(
            data.email,
            data.person_name,
            Role(data.role),
            force_id=force_id if data.role == Role.PARTNER else None,
            can_respond=data.can_respond == "yes" and data.role == Role.PARTNER,
        )
        await record(viewer, "person.created", f"person:{person_id}", role=data.role)
        flash(
            request,
            f"Added {data.person_name}. Give them a sign-in link with "
            f"`practice-exchange staff link {data.email}`, or invite them to a round.",
            "success",
        )
        return redirect("/staff/forces")


class AccountController(Controller):
    path = "/account"
    guards = [requires_sign_in]
    tags = ["pages: account"]
    include_in_schema = False

    @get("/")
    async def account(self, request: Request[Any, Any, Any]) -> Template:
        return await render(request, "account.html", errors={})

    @post("/password")
    async def change_password(
        self, request: Request[Any, Any, Any], viewer: Injected[Viewer], data: Annotated[ChangePassword, FORM]
    ) -> Template | Redirect:
        """Change one's own password (the current one is asked for when there is one)."""
        current, new, repeat = data.current, data.new, data.repeat
        errors: dict[str, str] = {}
        if not await current_password_ok(viewer.person_id, current):
            errors["current"] = "Your current password is not right."
        problem = password_problem(new)
        if problem:
            errors["new"] = problem
        elif new != repeat:
            errors["repeat"] = "The two new passwords are not the same."
        if errors:
            return await render(request, "account.html", status_code=400, errors=errors)
        await set_password(viewer.person_id, new)
        await record(viewer, "password.changed", f"person:{viewer.person_id}")
        flash(request, "Your password has been changed.", "success")
        return redirect("/account")
