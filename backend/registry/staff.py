"""Staff pages of the registry: a force's and a person's page (edit, deactivate, merge) and the
import (upload → preview of every problem or of what would change → import)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from backend.i18n import LANGUAGES, Language
from backend.partners.peer_groups import DIMENSIONS, VALUES
from backend.partners.schemas import PartnerRole
from backend.partners.services import get_force, list_forces, list_people
from backend.registry import imports
from backend.registry.forms import ForceEdit, MergeInto, PersonEdit
from backend.registry.services import (
    RegistryRefused,
    edit_force,
    edit_person,
    force_edit_problems,
    force_people,
    merge_forces,
    merge_people,
    person,
    person_edit_problems,
    set_force_active,
    set_person_active,
)
from backend.security.guards import requires_admin, requires_staff
from backend.security.roles import Role, Viewer
from backend.web.forms import FORM
from backend.web.params import Injected, PathId
from backend.web.render import redirect, render

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _force_values(f: Any) -> dict[str, str]:
    return {
        "name": f.name,
        "code": f.code,
        "country": f.country,
        "region": f.region,
        "force_type": f.force_type,
        "size_band": f.size_band,
        "officers": "" if f.officers is None else str(f.officers),
        "population_served": "" if f.population_served is None else str(f.population_served),
    }


def _merge_target(data: MergeInto) -> int | None:
    return int(data.into) if data.into.isdigit() and len(data.into) < 10 else None


class RegistryController(Controller):
    path = "/staff/forces"
    guards = [requires_staff]
    tags = ["pages: staff"]
    include_in_schema = False

    # A force

    async def _force_page(
        self,
        request: Request[Any, Any, Any],
        force_id: int,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        force = await get_force(force_id)
        if force is None:
            raise NotFoundException("There is no such force.")
        others = [f for f in await list_forces() if f.id != force_id]
        return await render(
            request,
            "staff/force.html",
            status_code=status_code,
            force=force,
            people=await force_people(force_id),
            others=others,
            values=values or _force_values(force),
            errors=errors or {},
            dimensions=DIMENSIONS,
            dimension_values=VALUES,
        )

    @get("/{force_id:int}")
    async def force(self, request: Request[Any, Any, Any], force_id: PathId) -> Template:
        """A force: its details (administrators edit them), its people, deactivation and merging."""
        return await self._force_page(request, force_id)

    @post("/{force_id:int}", guards=[requires_admin])
    async def edit_force(
        self,
        request: Request[Any, Any, Any],
        force_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[ForceEdit, FORM],
    ) -> Template | Redirect:
        if await get_force(force_id) is None:
            raise NotFoundException("There is no such force.")
        errors = await force_edit_problems(force_id, data, language)
        if errors:
            return await self._force_page(request, force_id, errors, data.values(), status_code=400)
        changed = await edit_force(force_id, data, viewer)
        message = (
            language.gettext("Saved %(name)s.", name=data.name) if changed else language.gettext("Nothing changed.")
        )
        flash(request, message, "success")
        return redirect(f"/staff/forces/{force_id}")

    @post("/{force_id:int}/deactivate", guards=[requires_admin])
    async def deactivate_force(
        self, request: Request[Any, Any, Any], force_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> Redirect:
        if await self._act(request, language, set_force_active(force_id, False, viewer, language)):
            flash(request, language.gettext("The force is deactivated: it is offered to no new round."), "success")
        return redirect(f"/staff/forces/{force_id}")

    @post("/{force_id:int}/reactivate", guards=[requires_admin])
    async def reactivate_force(
        self, request: Request[Any, Any, Any], force_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> Redirect:
        if await self._act(request, language, set_force_active(force_id, True, viewer, language)):
            flash(request, language.gettext("The force is active again."), "success")
        return redirect(f"/staff/forces/{force_id}")

    @post("/{force_id:int}/merge", guards=[requires_admin])
    async def merge_force(
        self,
        request: Request[Any, Any, Any],
        force_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[MergeInto, FORM],
    ) -> Template | Redirect:
        target = _merge_target(data)
        if target is None or await get_force(target) is None:
            errors = {"into": language.gettext("Choose the force to merge into.")}
            return await self._force_page(request, force_id, errors, status_code=400)
        if await self._act(request, language, merge_forces(force_id, target, viewer, language)):
            flash(
                request, language.gettext("Merged: everything of this force now belongs to the force below."), "success"
            )
            return redirect(f"/staff/forces/{target}")
        return redirect(f"/staff/forces/{force_id}")

    async def _act(self, request: Request[Any, Any, Any], language: Language, action: Any) -> bool:
        try:
            await action
        except RegistryRefused as refused:
            if refused.status_code == 404:
                raise NotFoundException(refused.message) from refused
            flash(request, refused.message, "error")
            return False
        return True

    # A person

    async def _person_page(
        self,
        request: Request[Any, Any, Any],
        person_id: int,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        found = await person(person_id)
        if found is None:
            raise NotFoundException("There is no such person.")
        everyone = await list_people()
        if found.role == Role.PARTNER:
            others = [p for p in everyone if p.id != person_id and p.force_id == found.force_id and p.active]
        else:
            others = [p for p in everyone if p.id != person_id and p.force_id is None and p.active]
        shown = values or {
            "person_name": found.name,
            "email": found.email,
            "partner_role": found.partner_role or "",
            "language": found.language or "",
            "force": "" if found.force_id is None else str(found.force_id),
        }
        return await render(
            request,
            "staff/person.html",
            status_code=status_code,
            person=found,
            force=None if found.force_id is None else await get_force(found.force_id),
            forces=await list_forces(),
            others=others,
            values=shown,
            errors=errors or {},
            partner_roles=[r.value for r in PartnerRole],
            languages=LANGUAGES,
        )

    @get("/people/{person_id:int}")
    async def person(self, request: Request[Any, Any, Any], person_id: PathId) -> Template:
        """A person: their details (administrators edit them), deactivation and merging."""
        return await self._person_page(request, person_id)

    @post("/people/{person_id:int}", guards=[requires_admin])
    async def edit_person(
        self,
        request: Request[Any, Any, Any],
        person_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[PersonEdit, FORM],
    ) -> Template | Redirect:
        if await person(person_id) is None:
            raise NotFoundException("There is no such person.")
        errors = await person_edit_problems(person_id, data, language)
        if errors:
            return await self._person_page(request, person_id, errors, data.values(), status_code=400)
        changed = await edit_person(person_id, data, viewer)
        message = (
            language.gettext("Saved %(name)s.", name=data.person_name)
            if changed
            else language.gettext("Nothing changed.")
        )
        flash(request, message, "success")
        return redirect(f"/staff/forces/people/{person_id}")

    @post("/people/{person_id:int}/deactivate", guards=[requires_admin])
    async def deactivate_person(
        self, request: Request[Any, Any, Any], person_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> Redirect:
        if await self._act(request, language, set_person_active(person_id, False, viewer, language)):
            flash(request, language.gettext("Deactivated: they cannot sign in and get no mail."), "success")
        return redirect(f"/staff/forces/people/{person_id}")

    @post("/people/{person_id:int}/reactivate", guards=[requires_admin])
    async def reactivate_person(
        self, request: Request[Any, Any, Any], person_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> Redirect:
        if await self._act(request, language, set_person_active(person_id, True, viewer, language)):
            flash(request, language.gettext("They are active again."), "success")
        return redirect(f"/staff/forces/people/{person_id}")

    @post("/people/{person_id:int}/merge", guards=[requires_admin])
    async def merge_person(
        self,
        request: Request[Any, Any, Any],
        person_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[MergeInto, FORM],
    ) -> Template | Redirect:
        target = _merge_target(data)
        if target is None or await person(target) is None:
            errors = {"into": language.gettext("Choose the person to merge into.")}
            return await self._person_page(request, person_id, errors, status_code=400)
        if await self._act(request, language, merge_people(person_id, target, viewer, language)):
            flash(
                request,
                language.gettext("Merged: everything of this person now belongs to the person below."),
                "success",
            )
            return redirect(f"/staff/forces/people/{target}")
        return redirect(f"/staff/forces/people/{person_id}")

    # Import

    @get("/import")
    async def import_page(self, request: Request[Any, Any, Any]) -> Template:
        """Upload a CSV or XLSX file of forces and people; the templates to fill in."""
        return await render(request, "staff/registry_import.html", checked=None, columns=imports.COLUMNS)

    @post("/import", guards=[requires_admin])
    async def preview(self, request: Request[Any, Any, Any], language: Injected[Language]) -> Template:
        """Every problem of the file by row and column, or what importing it would do."""
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            error = {"file": language.gettext("Choose a CSV or XLSX file.")}
            return await render(
                request,
                "staff/registry_import.html",
                status_code=400,
                checked=None,
                errors=error,
                columns=imports.COLUMNS,
            )
        content = await upload.read()
        sheets, problems = imports.read_file(upload.filename, content, language)
        checked = imports.Checked(problems, [], []) if problems else await imports.check(sheets, language)
        return await render(
            request,
            "staff/registry_import.html",
            status_code=200 if checked.clean else 400,
            checked=checked,
            filename=upload.filename,
            payload=base64.b64encode(content).decode() if checked.clean else "",
            columns=imports.COLUMNS,
            page_path="/staff/forces/import",
        )

    @post("/import/confirm", guards=[requires_admin])
    async def confirm(
        self, request: Request[Any, Any, Any], viewer: Injected[Viewer], language: Injected[Language]
    ) -> Template | Redirect:
        """Import the previewed file, checked again; nothing at all if it has any problem now."""
        form = await request.form()
        filename, payload = form.get("filename"), form.get("payload")
        try:
            content = base64.b64decode(payload if isinstance(payload, str) else "", validate=True)
        except (binascii.Error, ValueError):
            content = b""
        name = filename if isinstance(filename, str) else ""
        checked, summary = await imports.import_file(name, content, viewer, language)
        if summary is None:
            return await render(
                request,
                "staff/registry_import.html",
                status_code=400,
                checked=checked,
                filename=name,
                payload="",
                columns=imports.COLUMNS,
                page_path="/staff/forces/import",
            )
        message = language.gettext(
            "Imported. Forces: %(fc)d added, %(fu)d updated. People: %(pc)d added, %(pu)d updated. "
            "Rows unchanged: %(un)d.",
            fc=summary.forces_created,
            fu=summary.forces_updated,
            pc=summary.people_created,
            pu=summary.people_updated,
            un=summary.unchanged,
        )
        flash(request, message, "success")
        return redirect("/staff/forces")

    @get("/import/template.xlsx")
    async def template_xlsx(self) -> Response[bytes]:
        return Response(
            imports.template_xlsx(),
            media_type=XLSX,
            headers={"content-disposition": 'attachment; filename="registry-template.xlsx"'},
        )

    @get("/import/forces.csv")
    async def forces_csv(self) -> Response[bytes]:
        return _csv("forces")

    @get("/import/people.csv")
    async def people_csv(self) -> Response[bytes]:
        return _csv("people")


def _csv(kind: imports.Kind) -> Response[bytes]:
    return Response(
        imports.template_csv(kind),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{kind}-template.csv"'},
    )
