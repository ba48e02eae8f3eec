"""Forces, people and their attributes."""

from __future__ import annotations

import re
from collections.abc import Collection

import msgspec
from piccolo.columns import Varchar

from backend.audit.services import record
from backend.database import fetch, fetchrow
from backend.i18n import LANGUAGES, N_, SOURCE_LANGUAGE, Language, language_for
from backend.partners.forms import ChangePassword, NewForce, NewPerson
from backend.partners.peer_groups import DIMENSIONS, VALUES
from backend.partners.schemas import ForceRow, PartnerRole, PersonListing, PersonRow
from backend.partners.tables import EMAIL_LENGTH, Force, Person
from backend.security.passwords import check_new_password, hash_password, password_problem, verify_password
from backend.security.roles import Role, Viewer
from backend.web.params import form_int

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

#: A person as `PersonRow`: whether there is a password, not its hash (`CREDENTIALS` alone reads it).
_PERSON = """id, email, name, force, role, can_respond, language, active, created_at, last_sign_in_at,
    password_hash IS NOT NULL AS has_password, partner_role, merged_into"""
PERSON_BY_EMAIL = f"SELECT {_PERSON} FROM person WHERE email = $1"
CREDENTIALS = f"SELECT {_PERSON}, password_hash FROM person WHERE email = $1"
ACTIVE_PERSON = f"SELECT {_PERSON} FROM person WHERE id = $1 AND active"
#: By force; the people of one force in the order they were added.
RESPONDENTS_AT = f"""SELECT {_PERSON} FROM person
WHERE force = ANY($1::int[]) AND can_respond AND active ORDER BY force, id"""


def is_email(text: str) -> bool:
    """Looks like an e-mail address (whether mail arrives is another matter) and fits the
    column (254 characters, the longest address SMTP carries)."""
    return len(text) <= EMAIL_LENGTH and _EMAIL.match(text) is not None


def normalise_email(email: str) -> str:
    return email.strip().lower()


async def list_forces(*, include_inactive: bool = False) -> list[ForceRow]:
    """The active forces by name (a deactivated force is offered to no new round); with
    `include_inactive`, every force (the registry's own pages)."""
    query = Force.select().order_by(Force.name)
    if not include_inactive:
        query = query.where(Force.active.eq(True))
    return msgspec.convert(await query, list[ForceRow])


async def get_force(force_id: int) -> ForceRow | None:
    row = await Force.select().where(Force.id == force_id).first()
    return None if row is None else msgspec.convert(row, ForceRow)


async def force_exists(force_id: int) -> bool:
    return await Force.exists().where(Force.id == force_id)


async def force_code_taken(code: str) -> bool:
    return await Force.exists().where(Force.code == code)


async def create_force(
    name: str,
    code: str,
    country: str,
    region: str,
    force_type: str,
    size_band: str,
    officers: int | None = None,
    population_served: int | None = None,
) -> int:
    for dim, value in (("region", region), ("force_type", force_type), ("size_band", size_band)):
        if value not in VALUES[dim]:
            raise ValueError(f"{dim}: unknown value {value!r}")
    rows = await Force.insert(
        Force(
            name=name,
            code=code,
            country=country,
            region=region,
            force_type=force_type,
            size_band=size_band,
            officers=officers,
            population_served=population_served,
        )
    ).returning(Force.id)
    return int(rows[0]["id"])


async def find_person(email: str) -> PersonRow | None:
    row = await fetchrow(PERSON_BY_EMAIL, normalise_email(email))
    return None if row is None else msgspec.convert(row, PersonRow)


async def credentials(email: str) -> tuple[PersonRow, str | None] | None:
    """The person with this e-mail and their password hash (None: no password set)."""
    row = await fetchrow(CREDENTIALS, normalise_email(email))
    return None if row is None else (msgspec.convert(row, PersonRow), row["password_hash"])


async def active_person(person_id: int) -> PersonRow | None:
    row = await fetchrow(ACTIVE_PERSON, person_id)
    return None if row is None else msgspec.convert(row, PersonRow)


async def list_people() -> list[PersonListing]:
    """Everyone in the registry, by name, with their force's name (deactivated people too:
    `active` says who can sign in)."""
    rows = await Person.select(
        Person.id,
        Person.name,
        Person.email,
        Person.role,
        Person.can_respond,
        Person.force,
        Person.force.name.as_alias("force_name"),
        Person.last_sign_in_at,
        Person.partner_role,
        Person.language,
        Person.active,
    ).order_by(Person.name)
    return msgspec.convert(rows, list[PersonListing])


async def create_person(
    email: str,
    name: str,
    role: Role,
    *,
    force_id: int | None = None,
    can_respond: bool = False,
    password: str | None = None,
    language: str | None = None,
    partner_role: PartnerRole | None = None,
) -> int:
    """A person. A partner contact's `partner_role` sets whether they answer (`can_respond`);
    without one, `can_respond` gives it (lead respondent, else viewer)."""
    if role not in set(Role):
        raise ValueError(f"role: unknown role {role!r}")
    if role == Role.PARTNER and force_id is None:
        raise ValueError("force: a partner contact belongs to a force")
    if password:
        check_new_password(password)
    if Role(role) == Role.PARTNER:
        partner_role = partner_role or (PartnerRole.LEAD_RESPONDENT if can_respond else PartnerRole.VIEWER)
        can_respond = PartnerRole(partner_role).responds
    else:
        partner_role, can_respond = None, False
    rows = await Person.insert(
        Person(
            email=normalise_email(email),
            name=name,
            role=Role(role).value,
            force=force_id,
            can_respond=can_respond,
            partner_role=None if partner_role is None else PartnerRole(partner_role).value,
            password_hash=hash_password(password) if password else None,
            language=language,
        )
    ).returning(Person.id)
    return int(rows[0]["id"])


async def set_password(person_id: int, password: str) -> None:
    check_new_password(password)
    await Person.update({Person.password_hash: hash_password(password)}).where(Person.id == person_id)


#: The code that stands for "no stored language: follow my browser's".
BROWSER_LANGUAGE = ""


async def set_language(person_id: int, language: str) -> None:
    """The language of the person's pages whenever they are signed in (one of `LANGUAGES`), or
    none (`BROWSER_LANGUAGE`): then their browser's Accept-Language chooses."""
    if language not in LANGUAGES and language != BROWSER_LANGUAGE:
        raise ValueError(f"not an interface language: {language!r}")
    await Person.update({Person.language: language or None}).where(Person.id == person_id)


async def current_password_ok(person_id: int, password: str) -> bool:
    """Whether `password` is the person's current one; true when they never set one."""
    row = await Person.select(Person.password_hash).where(Person.id == person_id).first()
    stored = row["password_hash"] if row else None
    return not stored or verify_password(stored, password)


async def respondents_at(force_ids: list[int]) -> list[PersonRow]:
    """Active contacts who answer for the given forces."""
    if not force_ids:
        return []
    return msgspec.convert(await fetch(RESPONDENTS_AT, force_ids), list[PersonRow])


async def current_groups(force_ids: Collection[int]) -> dict[int, dict[str, str]]:
    """The forces' current peer-group attributes: force id → {dimension: value}."""
    if not force_ids:
        return {}
    rows = await Force.select(Force.id, *(getattr(Force, d) for d in DIMENSIONS)).where(Force.id.is_in(list(force_ids)))
    return {r["id"]: {d: r[d] for d in DIMENSIONS} for r in rows}


async def set_peer_group(force_id: int, dimension: str, value: str) -> None:
    """Change one peer-group attribute. Only staff decisions call this: rounds already open
    keep the groups they froze; the change applies to rounds opened afterwards."""
    if value not in VALUES.get(dimension, {}):
        raise ValueError(f"{dimension}: unknown value {value!r}")
    await Force.update({getattr(Force, dimension): value}).where(Force.id == force_id)


# What people do on the staff forces page and their account page, and the same through the JSON
# API: each `*_problems` gives every message by field (nothing changed); the action after it
# writes the audit trail.

_FORCE_CODE = re.compile(r"[a-z0-9][a-z0-9-]{1,58}")


#: What to choose when a peer group is missing, by dimension (the same English as the
#: dimension's label, lower-cased, but one sentence per dimension for the translations).
_CHOOSE_GROUP = {
    "region": N_("Choose the region."),
    "force_type": N_("Choose the type of force."),
    "size_band": N_("Choose the size."),
}


def _too_long(values: dict[str, str], columns: dict[str, Varchar], words: Language) -> dict[str, str]:
    """An error for each field longer than the column it is stored in (the database would
    refuse it with an error instead of a message)."""
    return {
        field: words.gettext("Use %(max)d characters or fewer.", max=column.length)
        for field, column in columns.items()
        if column.length is not None and len(values[field]) > column.length
    }


async def new_force_problems(data: NewForce, language: Language | None = None) -> dict[str, str]:
    """Every problem with a new force, by field, in `language` (English unless given)."""
    words = language or language_for(SOURCE_LANGUAGE)
    errors: dict[str, str] = {}
    if not data.name:
        errors["name"] = words.gettext("Enter the force's name.")
    if not _FORCE_CODE.fullmatch(data.code):
        errors["code"] = words.gettext("Enter a short code of lower-case letters, digits and hyphens, like met-police.")
    elif await force_code_taken(data.code):
        errors["code"] = words.gettext("Another force already uses this code.")
    if not data.country:
        errors["country"] = words.gettext("Enter the country.")
    for dim in DIMENSIONS:
        if getattr(data, dim) not in VALUES[dim]:
            errors[dim] = words.gettext(_CHOOSE_GROUP[dim])
    columns = {"name": Force.name, "country": Force.country}
    for field, message in _too_long(data.values(), columns, words).items():
        errors.setdefault(field, message)
    return errors


async def add_force(data: NewForce, actor: Viewer) -> int:
    """A force without problems (`new_force_problems`), audited; returns its id."""
    force_id = await create_force(**data.values())
    await record(actor, "force.created", f"force:{force_id}", name=data.name)
    return force_id


async def new_person_problems(data: NewPerson, language: Language | None = None) -> dict[str, str]:
    """Every problem with a new person, by field, in `language` (English unless given)."""
    words = language or language_for(SOURCE_LANGUAGE)
    errors: dict[str, str] = {}
    if not data.person_name:
        errors["person_name"] = words.gettext("Enter the person's name.")
    if not is_email(data.email):
        errors["email"] = words.gettext("Enter an e-mail address like name@example.org.")
    elif await find_person(data.email):
        errors["email"] = words.gettext("Someone already has this e-mail address.")
    if data.role not in set(Role):
        errors["role"] = words.gettext("Choose a role.")
    if data.partner_role and data.partner_role not in set(PartnerRole):
        errors["partner_role"] = words.gettext("Choose lead respondent, colleague or viewer.")
    if data.language and data.language not in LANGUAGES:
        errors["language"] = words.gettext("Choose English, French or Spanish.")
    force_id = form_int(data.force)
    if data.role == Role.PARTNER and (force_id is None or not await force_exists(force_id)):
        errors["force"] = words.gettext("Choose the force this contact belongs to.")
    for field, message in _too_long(data.values(), {"person_name": Person.name}, words).items():
        errors.setdefault(field, message)
    return errors


async def add_person(data: NewPerson, actor: Viewer) -> int:
    """A person without problems (`new_person_problems`), audited; returns their id. Only a
    partner contact belongs to a force and may answer for it."""
    partner = data.role == Role.PARTNER
    person_id = await create_person(
        data.email,
        data.person_name,
        Role(data.role),
        force_id=form_int(data.force) if partner else None,
        can_respond=data.can_respond == "yes" and partner,
        partner_role=PartnerRole(data.partner_role) if partner and data.partner_role else None,
        language=data.language or None,
    )
    await record(actor, "person.created", f"person:{person_id}", role=data.role)
    return person_id


async def password_change_problems(
    person_id: int, data: ChangePassword, language: Language | None = None
) -> dict[str, str]:
    """Why one's own password cannot be changed so, in `language` (English unless given)."""
    words = language or language_for(SOURCE_LANGUAGE)
    errors: dict[str, str] = {}
    if not await current_password_ok(person_id, data.current):
        errors["current"] = words.gettext("Your current password is not right.")
    problem = password_problem(data.new, words)
    if problem:
        errors["new"] = problem
    elif data.new != data.repeat:
        errors["repeat"] = words.gettext("The two new passwords are not the same.")
    return errors


async def set_own_password(actor: Viewer, new: str) -> None:
    """Set one's own password (after `password_change_problems`), audited."""
    await set_password(actor.person_id, new)
    await record(actor, "password.changed", f"person:{actor.person_id}")


def language_problem(code: str, language: Language | None = None) -> str | None:
    """Why `code` cannot be one's language, in `language` (English unless given)."""
    if code in LANGUAGES or code == BROWSER_LANGUAGE:
        return None
    names = ", ".join(language_for(c).name for c in LANGUAGES)
    words = language or language_for(SOURCE_LANGUAGE)
    return words.gettext("Choose the language of your pages: %(names)s.", names=names)


async def set_own_language(actor: Viewer, code: str) -> None:
    """Store one's own language (one of `LANGUAGES`), audited."""
    await set_language(actor.person_id, code)
    await record(actor, "language.changed", f"person:{actor.person_id}", language=code)
