"""JSON API for forces and people (staff see them, administrators add them) and for one's own
account (everyone signed in: their details, password and language).

The checks, messages and audit records are the pages' own (`services.py`): a value the page
would refuse is a 422 naming the field, and nothing changes. Messages are in English, like
every message of the API. Like every POST, these need the CSRF token of the session: send the
value of the `csrftoken` cookie (`__Host-csrftoken` with SECURE_COOKIES; set by any GET after
signing in) in the `X-CSRFToken` header.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import NotFoundException
from litestar.params import JSONBody

from backend.i18n import LANGUAGES
from backend.partners.forms import ChangePassword, LanguagePreference, NewForce, NewPerson
from backend.partners.peer_groups import label
from backend.partners.schemas import ForceRow, PersonListing
from backend.partners.services import (
    add_force,
    add_person,
    get_force,
    language_problem,
    list_forces,
    list_people,
    new_force_problems,
    new_person_problems,
    password_change_problems,
    set_own_language,
    set_own_password,
)
from backend.security.guards import requires_admin, requires_sign_in, requires_staff
from backend.security.roles import Role, Viewer
from backend.web.errors import invalid, refusals
from backend.web.language import CHOSEN_LANGUAGE_KEY
from backend.web.params import Injected

NO_STORE = CacheControlHeader(no_store=True)
_ADMIN = (
    " Administrators only; written to the audit trail. Like every POST, send the `csrftoken` cookie's "
    "value (`__Host-csrftoken` over HTTPS), as set by a GET after signing in, in the `X-CSRFToken` header."
)
_OWN = (
    " Written to the audit trail. Like every POST, send the `csrftoken` cookie's value "
    "(`__Host-csrftoken` over HTTPS), as set by a GET after signing in, in the `X-CSRFToken` header."
)


class ForceOut(msgspec.Struct):
    id: int
    name: str
    code: str
    country: str
    #: the force's current peer groups (rounds freeze them when they open), as codes and in words
    region: str
    region_label: str
    force_type: str
    force_type_label: str
    size_band: str
    size_band_label: str
    created_at: datetime


class NewForceRequest(msgspec.Struct):
    name: str
    #: short, unique: lower-case letters, digits and hyphens, like met-police
    code: str
    country: str
    #: europe | north_america | latin_america | africa | asia_pacific | middle_east
    region: str
    #: national | regional | city | specialist_agency | customs | other_type
    force_type: str
    #: under_1000 | 1000_4999 | 5000_19999 | 20000_plus
    size_band: str


class PersonOut(msgspec.Struct):
    id: int
    name: str
    email: str
    #: admin | analyst | partner
    role: str
    #: answers questionnaires for their force
    can_respond: bool
    #: null for project staff
    force_id: int | None
    force_name: str | None
    last_sign_in_at: datetime | None


class NewPersonRequest(msgspec.Struct):
    person_name: str
    email: str
    #: administrators and analysts are project staff; a partner is a contact at a force
    role: Role
    #: the force of a partner contact (GET /api/forces); ignored for staff
    force: int | None = None
    #: a partner contact who answers questionnaires for the force (invited to rounds)
    can_respond: bool = False


class AccountOut(msgspec.Struct):
    id: int
    name: str
    email: str
    #: admin | analyst | partner
    role: str
    #: a partner contact's force
    force_id: int | None
    can_respond: bool
    #: the language of one's pages whenever one is signed in
    language: str


class PasswordChange(msgspec.Struct):
    #: the current password (empty if one never set one)
    current: str = ""
    #: at least 12 characters, and not one of the most common passwords
    new: str = ""
    #: the new password again
    repeat: str = ""


class LanguageChange(msgspec.Struct):
    """The language is `code`, not `language`: Litestar takes a body field named like a
    dependency (`language`, the request's) for that dependency when its value has the wrong type."""

    #: en | fr | es
    code: str


class Done(msgspec.Struct):
    #: what the page says once it is done
    message: str


def _force(f: ForceRow) -> ForceOut:
    return ForceOut(
        id=f.id,
        name=f.name,
        code=f.code,
        country=f.country,
        region=f.region,
        region_label=label("region", f.region),
        force_type=f.force_type,
        force_type_label=label("force_type", f.force_type),
        size_band=f.size_band,
        size_band_label=label("size_band", f.size_band),
        created_at=f.created_at,
    )


def _person(p: PersonListing) -> PersonOut:
    return PersonOut(p.id, p.name, p.email, p.role, p.can_respond, p.force_id, p.force_name, p.last_sign_in_at)


def _account(viewer: Viewer, language: str | None = None) -> AccountOut:
    v = viewer
    return AccountOut(v.person_id, v.name, v.email, v.role, v.force_id, v.can_respond, language or v.language)


class ForceApiController(Controller):
    path = "/api/forces"
    guards = [requires_staff]
    tags = ["forces and people"]
    cache_control = NO_STORE

    @get(
        "/",
        summary="Partner forces",
        description="Every active force by name, with its current peer groups (staff only).",
        responses=refusals(401, 403),
    )
    async def forces(self) -> list[ForceOut]:
        return [_force(f) for f in await list_forces()]

    @post(
        "/",
        summary="Add a force",
        description="The staff page's checks and messages: a name, a unique code, a country and a known "
        "value for each peer group; any problem is a 422 naming each field." + _ADMIN,
        guards=[requires_admin],
        status_code=201,
        responses=refusals(401, 403, 422),
    )
    async def add(self, viewer: Injected[Viewer], data: JSONBody[NewForceRequest]) -> ForceOut:
        form = NewForce(**msgspec.structs.asdict(data))  # cleaned as the page's form is
        problems = await new_force_problems(form)
        if problems:
            raise invalid(problems)
        created = await get_force(await add_force(form, viewer))
        if created is None:  # pragma: no cover - forces are never deleted
            raise NotFoundException("No such force.")
        return _force(created)


class PeopleApiController(Controller):
    path = "/api/people"
    guards = [requires_staff]
    tags = ["forces and people"]
    cache_control = NO_STORE

    @get(
        "/",
        summary="People",
        description="Everyone who can sign in, by name: project staff and partner contacts (staff only).",
        responses=refusals(401, 403),
    )
    async def people(self) -> list[PersonOut]:
        return [_person(p) for p in await list_people()]

    @post(
        "/",
        summary="Add a staff member or a partner contact",
        description="The staff page's checks and messages: a name, an unused e-mail address, and for a "
        "partner contact an existing force; any problem is a 422 naming each field. The person has no "
        "password: give them a sign-in link (`practice-exchange staff link EMAIL`) or invite them to a "
        "round." + _ADMIN,
        guards=[requires_admin],
        status_code=201,
        responses=refusals(401, 403, 422),
    )
    async def add(self, viewer: Injected[Viewer], data: JSONBody[NewPersonRequest]) -> PersonOut:
        form = NewPerson(
            person_name=data.person_name,
            email=data.email,
            role=data.role.value,
            force="" if data.force is None else str(data.force),
            can_respond="yes" if data.can_respond else "",
        )
        problems = await new_person_problems(form)
        if problems:
            raise invalid(problems)
        person_id = await add_person(form, viewer)
        created = next((p for p in await list_people() if p.id == person_id), None)
        if created is None:  # pragma: no cover - people are never deleted
            raise NotFoundException("No such person.")
        return _person(created)


class AccountApiController(Controller):
    path = "/api/account"
    guards = [requires_sign_in]
    tags = ["account"]
    cache_control = NO_STORE

    @get("/", summary="Your account", description="Who you are signed in as.", responses=refusals(401))
    async def account(self, viewer: Injected[Viewer]) -> AccountOut:
        return _account(viewer)

    @post(
        "/password",
        summary="Change your password",
        description="The account page's checks and messages: the current password (empty if you never set "
        "one), a new one of at least 12 characters that is not a common one, and the same again; any "
        "problem is a 422 naming each field, and nothing changes." + _OWN,
        status_code=200,
        responses=refusals(401, 403, 422),
    )
    async def change_password(self, viewer: Injected[Viewer], data: JSONBody[PasswordChange]) -> Done:
        form = ChangePassword(current=data.current, new=data.new, repeat=data.repeat)
        problems = await password_change_problems(viewer.person_id, form)
        if problems:
            raise invalid(problems)
        await set_own_password(viewer, form.new)
        return Done("Your password has been changed.")

    @post(
        "/language",
        summary="Change the language of your pages",
        description=f"`code`: one of {', '.join(LANGUAGES)}. Your pages are in it whenever you are signed in (it "
        "replaces a language chosen with the pages' switch in this session); any other is a 422." + _OWN,
        status_code=200,
        responses=refusals(401, 403, 422),
    )
    async def change_language(
        self, request: Request[Any, Any, Any], viewer: Injected[Viewer], data: JSONBody[LanguageChange]
    ) -> AccountOut:
        code = LanguagePreference(language=data.code).language  # cleaned as the page's form is
        problem = language_problem(code)
        if problem:
            raise invalid({"code": problem})
        await set_own_language(viewer, code)
        # As the account page does: the stored language now wins over the session's switch.
        session = request.scope.get("session")
        if isinstance(session, dict) and CHOSEN_LANGUAGE_KEY in session:
            request.set_session({k: v for k, v in session.items() if k != CHOSEN_LANGUAGE_KEY})
        return _account(viewer, code)
