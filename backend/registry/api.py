"""JSON API of the registry: edit, deactivate and merge forces and people, and import a CSV or
XLSX file (docs/registry.md). The pages' checks, messages and audit records
(`registry/services.py`, `registry/imports.py`); administrators only. Messages are in English.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, patch, post
from litestar.datastructures import CacheControlHeader, UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import Body, JSONBody

from backend.partners.api import ForceOut, PersonOut, force_out, person_out
from backend.partners.services import get_force, list_people
from backend.registry import imports
from backend.registry.forms import ForceEdit, PersonEdit
from backend.registry.services import (
    RegistryRefused,
    edit_force,
    edit_person,
    force_edit_problems,
    merge_forces,
    merge_people,
    person,
    person_edit_problems,
    set_force_active,
    set_person_active,
)
from backend.security.guards import requires_admin, requires_staff
from backend.security.roles import Viewer
from backend.web.errors import invalid, refusals
from backend.web.params import INT4_MAX, Injected, PathId

NO_STORE = CacheControlHeader(no_store=True)
_ADMIN = (
    " Administrators only; written to the audit trail. With a session, send the `csrftoken` cookie's value in "
    "the `X-CSRFToken` header; with a personal API token (`Authorization: Bearer …`, write scope), no CSRF token."
)


class ForceChange(msgspec.Struct):
    """Only the fields given change. A change of region, force_type or size_band is a profile
    change decided by you (rounds already opened keep the groups they froze)."""

    name: str | None = None
    code: str | None = None
    country: str | None = None
    region: str | None = None
    force_type: str | None = None
    size_band: str | None = None
    #: sworn officers; null for not known
    officers: int | msgspec.UnsetType | None = msgspec.UNSET
    #: people living in the force's area; null for not known
    population_served: int | msgspec.UnsetType | None = msgspec.UNSET


class PersonChange(msgspec.Struct):
    """Only the fields given change."""

    name: str | None = None
    email: str | None = None
    #: partner contacts: lead_respondent | colleague | viewer
    partner_role: str | None = None
    #: en | fr | es, or "" for none (their browser's); not `language`, which Litestar would take
    #: for the request's `language` dependency
    preferred_language: str | None = None
    #: partner contacts: their force's id
    force_id: Annotated[int, msgspec.Meta(ge=1, le=INT4_MAX)] | None = None


class MergeRequest(msgspec.Struct):
    #: the id of the force or person that stays (a PostgreSQL integer: out of range is a 400, not a 500)
    into: Annotated[int, msgspec.Meta(ge=1, le=INT4_MAX)]


class ImportFile(msgspec.Struct):
    file: UploadFile


class ImportPreview(msgspec.Struct):
    #: every problem by sheet, row and column; nothing is imported while there is one
    problems: list[imports.Problem]
    #: what importing the file would do, row by row (empty while there are problems)
    plan: list[imports.Planned]


class ImportDone(msgspec.Struct):
    summary: imports.Summary
    plan: list[imports.Planned]


def _refused(refused: RegistryRefused) -> HTTPException:
    if refused.status_code == 404:
        return NotFoundException(refused.message)
    return HTTPException(status_code=refused.status_code, detail=refused.message)


async def _force_out(force_id: int) -> ForceOut:
    found = await get_force(force_id)
    if found is None:
        raise NotFoundException("There is no such force.")
    return force_out(found)


async def _person_out(person_id: int) -> PersonOut:
    found = next((p for p in await list_people() if p.id == person_id), None)
    if found is None:
        raise NotFoundException("There is no such person.")
    return person_out(found)


class RegistryForceApiController(Controller):
    path = "/api/forces"
    guards = [requires_staff]
    tags = ["forces and people"]
    cache_control = NO_STORE

    @get(
        "/{force_id:int}",
        summary="A force",
        description="A force, active or not (staff only).",
        responses=refusals(401, 403, 404),
    )
    async def force(self, force_id: PathId) -> ForceOut:
        return await _force_out(force_id)

    @patch(
        "/{force_id:int}",
        summary="Edit a force",
        description="The force page's checks and messages; any problem is a 422 naming each field, and nothing "
        "changes. A new region, type or size band is applied as a profile change you decide (see "
        "/api/profile-changes): rounds already opened keep the groups they froze." + _ADMIN,
        guards=[requires_admin],
        responses=refusals(401, 403, 404, 422),
    )
    async def edit(self, force_id: PathId, viewer: Injected[Viewer], data: JSONBody[ForceChange]) -> ForceOut:
        found = await get_force(force_id)
        if found is None:
            raise NotFoundException("There is no such force.")
        given = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not None and v is not msgspec.UNSET}
        current = {
            "name": found.name,
            "code": found.code,
            "country": found.country,
            "region": found.region,
            "force_type": found.force_type,
            "size_band": found.size_band,
            "officers": found.officers,
            "population_served": found.population_served,
        }
        for count in ("officers", "population_served"):
            value = getattr(data, count)
            if value is not msgspec.UNSET:
                current[count] = value
        merged = {**current, **{k: v for k, v in given.items() if k not in ("officers", "population_served")}}
        form = ForceEdit(**{k: "" if v is None else str(v) for k, v in merged.items()})
        problems = await force_edit_problems(force_id, form)
        if problems:
            raise invalid(problems)
        await edit_force(force_id, form, viewer, source="api")
        return await _force_out(force_id)

    @post(
        "/{force_id:int}/deactivate",
        summary="Deactivate a force",
        description="Never deleted: its rounds, responses and audit stay; it is offered to no new round." + _ADMIN,
        guards=[requires_admin],
        status_code=200,
        responses=refusals(401, 403, 404),
    )
    async def deactivate(self, force_id: PathId, viewer: Injected[Viewer]) -> ForceOut:
        try:
            await set_force_active(force_id, False, viewer)
        except RegistryRefused as refused:
            raise _refused(refused) from refused
        return await _force_out(force_id)

    @post(
        "/{force_id:int}/reactivate",
        summary="Reactivate a force",
        description="A merged force stays deactivated (409)." + _ADMIN,
        guards=[requires_admin],
        status_code=200,
        responses=refusals(401, 403, 404, 409),
    )
    async def reactivate(self, force_id: PathId, viewer: Injected[Viewer]) -> ForceOut:
        try:
            await set_force_active(force_id, True, viewer)
        except RegistryRefused as refused:
            raise _refused(refused) from refused
        return await _force_out(force_id)

    @post(
        "/{force_id:int}/merge",
        summary="Merge a force into another",
        description="Every reference to this force (people, invitations, responses, frozen groups, profile "
        "changes) moves to `into`, whose details are kept; this force is deactivated, marked merged. 409 "
        "when both took part in the same round (nothing changes)." + _ADMIN,
        guards=[requires_admin],
        status_code=200,
        responses=refusals(401, 403, 404, 409),
    )
    async def merge(self, force_id: PathId, viewer: Injected[Viewer], data: JSONBody[MergeRequest]) -> ForceOut:
        try:
            await merge_forces(force_id, data.into, viewer)
        except RegistryRefused as refused:
            raise _refused(refused) from refused
        return await _force_out(data.into)


class RegistryPeopleApiController(Controller):
    path = "/api/people"
    guards = [requires_staff]
    tags = ["forces and people"]
    cache_control = NO_STORE

    @patch(
        "/{person_id:int}",
        summary="Edit a person",
        description="The person page's checks and messages; any problem is a 422 naming each field (`person_name` "
        "for the name, `language` for `preferred_language`), and nothing changes. A partner contact's role sets "
        "whether they answer." + _ADMIN,
        guards=[requires_admin],
        responses=refusals(401, 403, 404, 422),
    )
    async def edit(self, person_id: PathId, viewer: Injected[Viewer], data: JSONBody[PersonChange]) -> PersonOut:
        found = await person(person_id)
        if found is None:
            raise NotFoundException("There is no such person.")
        form = PersonEdit(
            person_name=found.name if data.name is None else data.name,
            email=found.email if data.email is None else data.email,
            partner_role=(found.partner_role or "") if data.partner_role is None else data.partner_role,
            language=(found.language or "") if data.preferred_language is None else data.preferred_language,
            force=str(found.force_id or "") if data.force_id is None else str(data.force_id),
        )
        problems = await person_edit_problems(person_id, form)
        if problems:
            raise invalid(problems)
        await edit_person(person_id, form, viewer)
        return await _person_out(person_id)

    @post(
        "/{person_id:int}/deactivate",
        summary="Deactivate a person",
        description="They cannot sign in, get no mail and their personal links stop working; nothing is deleted. "
        "You cannot deactivate yourself (409)." + _ADMIN,
        guards=[requires_admin],
        status_code=200,
        responses=refusals(401, 403, 404, 409),
    )
    async def deactivate(self, person_id: PathId, viewer: Injected[Viewer]) -> PersonOut:
        try:
            await set_person_active(person_id, False, viewer)
        except RegistryRefused as refused:
            raise _refused(refused) from refused
        return await _person_out(person_id)

    @post(
        "/{person_id:int}/reactivate",
        summary="Reactivate a person",
        description="A merged person stays deactivated (409)." + _ADMIN,
        guards=[requires_admin],
        status_code=200,
        responses=refusals(401, 403, 404, 409),
    )
    async def reactivate(self, person_id: PathId, viewer: Injected[Viewer]) -> PersonOut:
        try:
            await set_person_active(person_id, True, viewer)
        except RegistryRefused as refused:
            raise _refused(refused) from refused
        return await _person_out(person_id)

    @post(
        "/{person_id:int}/merge",
        summary="Merge a person into another",
        description="Two records of one person: their invitations, saves, messages, sign-in links and tokens move "
        "to `into`, whose e-mail, name and role are kept; this record is deactivated, marked merged. Both "
        "must be project staff, or contacts at the same force (409 otherwise)." + _ADMIN,
        guards=[requires_admin],
        status_code=200,
        responses=refusals(401, 403, 404, 409),
    )
    async def merge(self, person_id: PathId, viewer: Injected[Viewer], data: JSONBody[MergeRequest]) -> PersonOut:
        try:
            await merge_people(person_id, data.into, viewer)
        except RegistryRefused as refused:
            raise _refused(refused) from refused
        return await _person_out(data.into)


class ImportApiController(Controller):
    path = "/api/registry/import"
    guards = [requires_admin]
    tags = ["forces and people"]
    cache_control = NO_STORE

    @post(
        "/preview",
        summary="Check a file of forces and people",
        description="A CSV file (UTF-8, with or without BOM; `,` or `;`) or an XLSX workbook (sheets `forces` "
        "and/or `people`), as the multipart field `file`; the columns are in docs/registry.md. Answers "
        "every problem by sheet, row and column, or what importing it would do; imports nothing." + _ADMIN,
        status_code=200,
        responses=refusals(401, 403),
    )
    async def preview(
        self, data: Annotated[ImportFile, Body(media_type=RequestEncodingType.MULTI_PART)]
    ) -> ImportPreview:
        content = await data.file.read()
        sheets, problems = imports.read_file(data.file.filename or "", content)
        checked = imports.Checked(problems, [], []) if problems else await imports.check(sheets)
        return ImportPreview(checked.problems, checked.plan if checked.clean else [])

    @post(
        "/",
        summary="Import a file of forces and people",
        description="The file is checked again; with any problem, a 422 whose `extra` lists each "
        "(`key` is `sheet:row:column`) and nothing is imported. Otherwise everything is imported in one "
        "transaction: each row creates or updates the force (by `code`) or person (by `email`); the answer "
        "counts what was done." + _ADMIN,
        status_code=200,
        responses=refusals(401, 403, 422),
    )
    async def run(
        self,
        request: Request[Any, Any, Any],
        viewer: Injected[Viewer],
        data: Annotated[ImportFile, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> ImportDone:
        content = await data.file.read()
        checked, summary = await imports.import_file(data.file.filename or "", content, viewer)
        if summary is None:
            raise HTTPException(
                status_code=422,
                detail="The file has problems (each in `extra`); nothing was imported.",
                extra=[{"key": f"{p.sheet}:{p.row}:{p.column}", "message": p.message} for p in checked.problems],
            )
        return ImportDone(summary, checked.plan)
