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
from backend.security.api_tokens import (
    DAY_CHOICES,
    MAX_DAYS,
    TokenRow,
    TokenScope,
    create_token,
    list_tokens,
    revoke_token,
    token_problems,
)
from backend.security.guards import requires_admin, requires_session, requires_sign_in, requires_staff
from backend.security.roles import Role, Viewer
from backend.web.errors import invalid, refusals
from backend.web.language import CHOSEN_LANGUAGE_KEY
from backend.web.params import Injected, PathId

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
    #: sworn officers; null when not known
    officers: int | None = None
    #: people living in the force's area; null when not known
    population_served: int | None = None
    #: false once deactivated (offered to no new round)
    active: bool = True
    #: the force this one was merged into
    merged_into: int | None = None


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
    #: a partner contact's part: lead_respondent | colleague (both answer) | viewer; null for staff
    partner_role: str | None = None
    #: en | fr | es; null until chosen
    language: str | None = None
    #: false once deactivated (cannot sign in, gets no mail)
    active: bool = True


class NewPersonRequest(msgspec.Struct):
    person_name: str
    email: str
    #: administrators and analysts are project staff; a partner is a contact at a force
    role: Role
    #: the force of a partner contact (GET /api/forces); ignored for staff
    force: int | None = None
    #: a partner contact who answers questionnaires for the force (invited to rounds); used
    #: when `partner_role` is not given (true: lead respondent, false: viewer)
    can_respond: bool = False
    #: a partner contact's part: lead_respondent | colleague | viewer
    partner_role: str | None = None
    #: the language of their pages and mail: en | fr | es (not `language`: Litestar would take a
    #: body field named like the `language` dependency for it)
    preferred_language: str | None = None


class AccountOut(msgspec.Struct):
    id: int
    name: str
    email: str
    #: admin | analyst | partner
    role: str
    #: a partner contact's force
    force_id: int | None
    can_respond: bool
    #: the language of one's pages whenever one is signed in; null until chosen (the browser's
    #: Accept-Language applies meanwhile)
    language: str | None


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

    #: en | fr | es, or "" for none (the browser's Accept-Language then chooses)
    code: str


class TokenOut(msgspec.Struct):
    id: int
    name: str
    #: read (GET only) | write (every method)
    scope: str
    #: the token's first characters, to tell tokens apart
    prefix: str
    created_at: datetime
    #: null: never expires
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewToken(msgspec.Struct):
    #: what will use it, like "nightly export"
    name: str
    #: read: GET requests only; write: every request the person may make
    scope: TokenScope
    #: days until it expires (1 to 366); null for never
    days: int | None = None


class MadeToken(msgspec.Struct):
    #: the token itself: shown this once, never again (only its hash is kept)
    token: str
    details: TokenOut


def token_out(t: TokenRow) -> TokenOut:
    return TokenOut(t.id, t.name, str(t.scope), t.prefix, t.created_at, t.expires_at, t.last_used_at, t.revoked_at)


class Done(msgspec.Struct):
    #: what the page says once it is done
    message: str


def force_out(f: ForceRow) -> ForceOut:
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
        officers=f.officers,
        population_served=f.population_served,
        active=f.active,
        merged_into=f.merged_into,
    )


def person_out(p: PersonListing) -> PersonOut:
    return PersonOut(
        p.id,
        p.name,
        p.email,
        p.role,
        p.can_respond,
        p.force_id,
        p.force_name,
        p.last_sign_in_at,
        None if p.partner_role is None else str(p.partner_role),
        p.language,
        p.active,
    )


def _account(viewer: Viewer) -> AccountOut:
    v = viewer
    return AccountOut(v.person_id, v.name, v.email, v.role, v.force_id, v.can_respond, v.language)


class ForceApiController(Controller):
    path = "/api/forces"
    guards = [requires_staff]
    tags = ["forces and people"]
    cache_control = NO_STORE

    @get(
        "/",
        summary="Partner forces",
        description="Every active force by name, with its current peer groups (staff only); "
        "`include_inactive=true`: deactivated and merged forces too.",
        responses=refusals(401, 403),
    )
    async def forces(self, include_inactive: bool = False) -> list[ForceOut]:
        return [force_out(f) for f in await list_forces(include_inactive=include_inactive)]

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
        return force_out(created)


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
        return [person_out(p) for p in await list_people()]

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
            partner_role=data.partner_role or "",
            language=data.preferred_language or "",
        )
        problems = await new_person_problems(form)
        if problems:
            raise invalid(problems)
        person_id = await add_person(form, viewer)
        created = next((p for p in await list_people() if p.id == person_id), None)
        if created is None:  # pragma: no cover - people are never deleted
            raise NotFoundException("No such person.")
        return person_out(created)


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
        description=f"`code`: one of {', '.join(LANGUAGES)}, or an empty string for none (your browser's "
        "language). Your pages are in it whenever you are signed in (it "
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
        return msgspec.structs.replace(_account(viewer), language=code or None)


class TokenApiController(Controller):
    path = "/api/account/tokens"
    guards = [requires_staff]
    tags = ["account"]
    cache_control = NO_STORE

    @get(
        "/",
        summary="Your API tokens",
        description="Staff only: your personal API tokens, live ones first (never the tokens themselves).",
        responses=refusals(401, 403),
    )
    async def tokens(self, viewer: Injected[Viewer]) -> list[TokenOut]:
        return [token_out(t) for t in await list_tokens(viewer.person_id)]

    @post(
        "/",
        summary="Make an API token",
        description="Staff only, signed in with a session (a token cannot make tokens). The answer holds the "
        "token once: only its SHA-256 is kept. Send it as `Authorization: Bearer <token>` to /api/ routes; "
        f"`read` allows GET only; `days` (1 to {MAX_DAYS}, e.g. {', '.join(map(str, DAY_CHOICES))}) or null "
        "for no expiry. Any problem is a 422 naming each field (`token_name`, `scope`, `days`)." + _OWN,
        guards=[requires_session],
        status_code=201,
        responses=refusals(401, 403, 422),
    )
    async def make(self, viewer: Injected[Viewer], data: JSONBody[NewToken]) -> MadeToken:
        days = "" if data.days is None else str(data.days)
        problems = token_problems(data.name, str(data.scope), days)
        if problems:
            raise invalid(problems)
        token, made = await create_token(viewer, data.name, data.scope, data.days)
        return MadeToken(token, token_out(made))

    @post(
        "/{token_id:int}/revoke",
        summary="Revoke an API token",
        description="One of your own; it stops working at once, for good. 404 when you have no such live token." + _OWN,
        status_code=200,
        responses=refusals(401, 403, 404),
    )
    async def revoke(self, viewer: Injected[Viewer], token_id: PathId) -> Done:
        if not await revoke_token(viewer, token_id):
            raise NotFoundException("You have no such token, or it is already revoked.")
        return Done("The token is revoked.")
