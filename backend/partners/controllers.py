"""Staff pages for partner forces and people; everyone's own account page."""

from __future__ import annotations

import re
from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from piccolo.columns import Varchar

from backend.audit.services import record
from backend.pages import flash, one, read_form, redirect, render
from backend.params import form_int
from backend.partners.peer_groups import DIMENSIONS, VALUES
from backend.partners.services import create_force, create_person, find_person, is_email, list_forces, set_password
from backend.partners.tables import Force, Person
from backend.profile_changes.services import count_pending
from backend.security.guards import load_viewer, requires_admin, requires_sign_in, requires_staff
from backend.security.passwords import password_problem, verify_password


def _too_long(values: dict[str, str], columns: dict[str, Varchar]) -> dict[str, str]:
    """An error for each field longer than the column it is stored in (the database would
    refuse it with an error page instead of a message)."""
    return {
        field: f"Use {column.length} characters or fewer."
        for field, column in columns.items()
        if len(values[field]) > column.length
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
        people = await Person.select(
            Person.id,
            Person.name,
            Person.email,
            Person.role,
            Person.can_respond,
            Person.force.name,
            Person.last_sign_in_at,
        ).order_by(Person.name)
        return await render(
            request,
            "staff/forces.html",
            status_code=status_code,
            forces=await list_forces(),
            people=people,
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
    async def add_force(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await read_form(request)
        values = {k: one(form, k) for k in ("name", "code", "country", "region", "force_type", "size_band")}
        errors: dict[str, str] = {}
        if not values["name"]:
            errors["name"] = "Enter the force's name."
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,58}", values["code"]):
            errors["code"] = "Enter a short code of lower-case letters, digits and hyphens, like met-police."
        elif await Force.exists().where(Force.code == values["code"]):
            errors["code"] = "Another force already uses this code."
        if not values["country"]:
            errors["country"] = "Enter the country."
        for dim in DIMENSIONS:
            if values[dim] not in VALUES[dim]:
                errors[dim] = f"Choose the {DIMENSIONS[dim].lower()}."
        for field, message in _too_long(values, {"name": Force.name, "country": Force.country}).items():
            errors.setdefault(field, message)
        if errors:
            return await self._page(request, errors, values, status_code=400)
        force_id = await create_force(**values)
        await record(await load_viewer(request), "force.created", f"force:{force_id}", name=values["name"])
        flash(request, f"Added {values['name']}.")
        return redirect("/staff/forces")

    @post("/people", guards=[requires_admin])
    async def add_person(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await read_form(request)
        values = {k: one(form, k) for k in ("person_name", "email", "role", "force", "can_respond")}
        errors: dict[str, str] = {}
        if not values["person_name"]:
            errors["person_name"] = "Enter the person's name."
        if not is_email(values["email"]):
            errors["email"] = "Enter an e-mail address like name@example.org."
        elif await find_person(values["email"]):
            errors["email"] = "Someone already has this e-mail address."
        if values["role"] not in ("admin", "analyst", "partner"):
            errors["role"] = "Choose a role."
        force_id = form_int(values["force"])
        if values["role"] == "partner" and (force_id is None or not await Force.exists().where(Force.id == force_id)):
            errors["force"] = "Choose the force this contact belongs to."
        for field, message in _too_long(values, {"person_name": Person.name}).items():
            errors.setdefault(field, message)
        if errors:
            return await self._page(request, errors, values, status_code=400)
        person_id = await create_person(
            values["email"],
            values["person_name"],
            values["role"],
            force_id=force_id if values["role"] == "partner" else None,
            can_respond=values["can_respond"] == "yes" and values["role"] == "partner",
        )
        await record(await load_viewer(request), "person.created", f"person:{person_id}", role=values["role"])
        flash(
            request,
            f"Added {values['person_name']}. Give them a sign-in link with "
            f"`practice-exchange staff link {values['email']}`, or invite them to a round.",
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
    async def change_password(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        viewer = await load_viewer(request)
        assert viewer is not None
        form = await read_form(request)
        current, new, repeat = one(form, "current"), (form.get("new") or [""])[0], (form.get("repeat") or [""])[0]
        person = await Person.select(Person.password_hash).where(Person.id == viewer.person_id).first()
        errors: dict[str, str] = {}
        if person and person["password_hash"] and not verify_password(person["password_hash"], current):
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
        flash(request, "Your password has been changed.")
        return redirect("/account")
