"""Editing, deactivating and merging forces and people (docs/registry.md).

Each `*_problems` gives every message by field, in `language` (English unless given), and
changes nothing; the action after it changes the registry in one transaction and writes the
audit trail. A force's peer groups change only as profile changes decided by the editor
(`profile_changes.services.change_by_staff`): rounds already opened keep the groups they froze.
Nothing is ever deleted: a deactivated force or person keeps its history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg

from backend.audit.services import record
from backend.database import execute, fetch, fetchrow, transaction
from backend.i18n import LANGUAGES, N_, SOURCE_LANGUAGE, Language, language_for
from backend.partners.peer_groups import DIMENSIONS, VALUES
from backend.partners.schemas import ForceRow, PartnerRole, PersonRow
from backend.partners.services import get_force, is_email, normalise_email
from backend.partners.tables import Force, Person
from backend.profile_changes.services import change_by_staff
from backend.registry.forms import ForceEdit, PersonEdit
from backend.security.roles import Role, Viewer

FORCE_CODE = re.compile(r"[a-z0-9][a-z0-9-]{1,58}")
#: The largest count a column holds (officers: integer; population: bigint, but nobody serves more).
MAX_COUNT = 2_000_000_000
_WHOLE = re.compile(r"\d{1,3}(?:[ ,\u00a0\u202f]\d{3})+|\d+")

PERSON = """SELECT id, email, name, force, role, can_respond, language, active, created_at, last_sign_in_at,
    password_hash IS NOT NULL AS has_password, partner_role, merged_into FROM person WHERE id = $1"""
EMAIL_TAKEN = "SELECT id FROM person WHERE email = $1 AND id <> $2"
CODE_TAKEN = "SELECT id FROM force WHERE code = $1 AND id <> $2"
#: The columns of other tables that refer to a table's ids (found in the catalogue, so a table
#: added later is moved by a merge too). `merged_into` is a plain integer, not among them.
REFERENCES = """
SELECT c.conrelid::regclass::text AS tbl, a.attname AS col
FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
WHERE c.contype = 'f' AND c.confrelid = $1::regclass ORDER BY 1, 2"""
#: Two people invited to one round cannot become one person with two links in it.
SHARED_ROUND = """SELECT 1 FROM invitation a JOIN invitation b ON a.round = b.round
WHERE a.person = $1 AND b.person = $2 LIMIT 1"""
#: A deactivated person's personal links stop working (they cannot sign in either way).
REVOKE_LINKS = "UPDATE invitation SET revoked_at = now() WHERE person = $1 AND revoked_at IS NULL RETURNING id"


class RegistryRefused(Exception):
    """An action that cannot be done: `status_code` (404 unknown, 409 state) and a message for
    the person who asked. Nothing was changed."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def _words(language: Language | None) -> Language:
    return language or language_for(SOURCE_LANGUAGE)


def whole_number(text: str) -> int | None:
    """A count as people type it ("1500", "1,500", "1 500"); None when it is not one. A
    decimal point is not a thousands separator here: "1.500" is refused, not guessed."""
    text = text.strip()
    if not _WHOLE.fullmatch(text):
        return None
    value = int(re.sub(r"[ ,\u00a0\u202f]", "", text))
    return value if value <= MAX_COUNT else None


def group_code(dimension: str, text: str) -> str | None:
    """A peer group's code from its code or its English name, in any case; None if unknown."""
    wanted = text.strip().casefold()
    for code, name in VALUES[dimension].items():
        if wanted in (code.casefold(), name.casefold()):
            return code
    return None


async def person(person_id: int) -> PersonRow | None:
    import msgspec

    row = await fetchrow(PERSON, person_id)
    return None if row is None else msgspec.convert(dict(row), PersonRow)


# Forces


async def force_edit_problems(force_id: int, data: ForceEdit, language: Language | None = None) -> dict[str, str]:
    words = _words(language)
    errors: dict[str, str] = {}
    if not data.name:
        errors["name"] = words.gettext("Enter the force's name.")
    elif len(data.name) > 200:
        errors["name"] = words.gettext("Use %(max)d characters or fewer.", max=200)
    if not FORCE_CODE.fullmatch(data.code):
        errors["code"] = words.gettext("Enter a short code of lower-case letters, digits and hyphens, like met-police.")
    elif await fetchrow(CODE_TAKEN, data.code, force_id):
        errors["code"] = words.gettext("Another force already uses this code.")
    if not data.country:
        errors["country"] = words.gettext("Enter the country.")
    elif len(data.country) > 100:
        errors["country"] = words.gettext("Use %(max)d characters or fewer.", max=100)
    for dim in DIMENSIONS:
        if getattr(data, dim) not in VALUES[dim]:
            errors[dim] = words.gettext(
                {
                    "region": N_("Choose the region."),
                    "force_type": N_("Choose the type of force."),
                    "size_band": N_("Choose the size."),
                }[dim]
            )
    for field in ("officers", "population_served"):
        value = getattr(data, field)
        if value and whole_number(value) is None:
            errors[field] = words.gettext("Enter a whole number, like 1500, or leave it empty.")
    return errors


def _counts(data: ForceEdit) -> dict[str, int | None]:
    return {f: whole_number(getattr(data, f)) if getattr(data, f) else None for f in ("officers", "population_served")}


async def edit_force(force_id: int, data: ForceEdit, actor: Viewer, source: str = "force edit") -> dict[str, Any]:
    """Store a force's edit (after `force_edit_problems`): its own fields at once, its peer
    groups as profile changes decided by `actor`; audited as `force.updated` with each field
    that changed (old and new). Returns those changes."""
    async with transaction():
        before = await get_force(force_id)
        if before is None:
            raise RegistryRefused(404, f"There is no force {force_id}.")
        new: dict[str, Any] = {"name": data.name, "code": data.code, "country": data.country, **_counts(data)}
        changed = {k: [getattr(before, k), v] for k, v in new.items() if getattr(before, k) != v}
        if changed:
            await Force.update({getattr(Force, k): v[1] for k, v in changed.items()}).where(Force.id == force_id)
        groups = {dim: getattr(data, dim) for dim in DIMENSIONS}
        changes = await change_by_staff(force_id, groups, actor, source)
        for dim in DIMENSIONS:
            if before.groups()[dim] != groups[dim]:
                changed[dim] = [before.groups()[dim], groups[dim]]
        if changed:
            await record(actor, "force.updated", f"force:{force_id}", changes=changed, profile_changes=changes)
    return changed


async def set_force_active(force_id: int, active: bool, actor: Viewer, language: Language | None = None) -> None:
    """Deactivate (offered to no new round; nothing deleted) or reactivate a force, audited."""
    words = _words(language)
    async with transaction():
        force = await get_force(force_id)
        if force is None:
            raise RegistryRefused(404, words.gettext("There is no such force."))
        if force.merged_into is not None and active:
            raise RegistryRefused(409, words.gettext("This force was merged into another; it stays deactivated."))
        if force.active == active:
            return
        await Force.update({Force.active: active, Force.deactivated_at: None if active else datetime.now(UTC)}).where(
            Force.id == force_id
        )
        await record(
            actor, "force.reactivated" if active else "force.deactivated", f"force:{force_id}", name=force.name
        )


# People


async def person_edit_problems(person_id: int, data: PersonEdit, language: Language | None = None) -> dict[str, str]:
    words = _words(language)
    found = await person(person_id)
    errors: dict[str, str] = {}
    if found is None:
        return errors
    if not data.person_name:
        errors["person_name"] = words.gettext("Enter the person's name.")
    elif len(data.person_name) > 200:
        errors["person_name"] = words.gettext("Use %(max)d characters or fewer.", max=200)
    if not is_email(data.email):
        errors["email"] = words.gettext("Enter an e-mail address like name@example.org.")
    elif await fetchrow(EMAIL_TAKEN, normalise_email(data.email), person_id):
        errors["email"] = words.gettext("Someone already has this e-mail address.")
    if data.language and data.language not in LANGUAGES:
        errors["language"] = words.gettext("Choose English, French or Spanish.")
    if found.role == Role.PARTNER:
        if data.partner_role not in set(PartnerRole):
            errors["partner_role"] = words.gettext("Choose lead respondent, colleague or viewer.")
        force_id = int(data.force) if data.force.isdigit() and len(data.force) < 10 else None
        force = None if force_id is None else await get_force(force_id)
        if force is None or not (force.active or force.id == found.force_id):
            errors["force"] = words.gettext("Choose the force this contact belongs to.")
    return errors


async def edit_person(person_id: int, data: PersonEdit, actor: Viewer) -> dict[str, Any]:
    """Store a person's edit (after `person_edit_problems`), audited as `person.updated` with
    each field that changed. A partner contact's role sets whether they answer."""
    async with transaction():
        before = await person(person_id)
        if before is None:
            raise RegistryRefused(404, f"There is no person {person_id}.")
        new: dict[str, Any] = {
            "name": data.person_name,
            "email": normalise_email(data.email),
            "language": data.language or None,
        }
        if before.role == Role.PARTNER:
            role = PartnerRole(data.partner_role)
            new |= {"partner_role": role, "can_respond": role.responds, "force_id": int(data.force)}
        changed = {k: [getattr(before, k), v] for k, v in new.items() if getattr(before, k) != v}
        if changed:
            column = {"force_id": Person.force}
            await Person.update(
                {
                    column.get(k, getattr(Person, k)): (v[1].value if isinstance(v[1], PartnerRole) else v[1])
                    for k, v in changed.items()
                }
            ).where(Person.id == person_id)
            await record(
                actor,
                "person.updated",
                f"person:{person_id}",
                changes={
                    k: [str(a) if a is not None else None, str(b) if b is not None else None]
                    for k, (a, b) in changed.items()
                },
            )
    return changed


async def set_person_active(person_id: int, active: bool, actor: Viewer, language: Language | None = None) -> None:
    """Deactivate a person (they cannot sign in, no mail reaches them, their personal links stop
    working; nothing deleted) or reactivate them, audited."""
    words = _words(language)
    async with transaction():
        found = await person(person_id)
        if found is None:
            raise RegistryRefused(404, words.gettext("There is no such person."))
        if person_id == actor.person_id and not active:
            raise RegistryRefused(409, words.gettext("You cannot deactivate yourself."))
        if found.merged_into is not None and active:
            raise RegistryRefused(409, words.gettext("This person was merged into another; they stay deactivated."))
        if found.active == active:
            return
        await Person.update(
            {Person.active: active, Person.deactivated_at: None if active else datetime.now(UTC)}
        ).where(Person.id == person_id)
        revoked = [] if active else [r["id"] for r in await fetch(REVOKE_LINKS, person_id)]
        action = "person.reactivated" if active else "person.deactivated"
        await record(actor, action, f"person:{person_id}", email=found.email, revoked_invitations=revoked)


# Merges


@dataclass(frozen=True)
class Merged:
    #: table.column → rows moved from the merged record to the one that stays
    moved: dict[str, int]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def _move_references(table: str, source: int, target: int, skip: set[str]) -> dict[str, int]:
    moved: dict[str, int] = {}
    for ref in await fetch(REFERENCES, table):
        where = f"{ref['tbl']}.{ref['col']}"
        if where in skip:
            continue
        # Table and column names come from the catalogue, never from a request.
        statement = f"UPDATE {ref['tbl']} SET {_quoted(ref['col'])} = $1 WHERE {_quoted(ref['col'])} = $2"
        result = await execute(statement, target, source)
        count = int(result.split()[-1]) if result else 0
        if count:
            moved[where] = count
    return moved


async def merge_forces(source_id: int, target_id: int, actor: Viewer, language: Language | None = None) -> Merged:
    """Merge force `source_id` into `target_id`: every reference to it (people, invitations,
    responses, each round's frozen groups, profile changes, …) moves to the force that stays,
    whose own attributes are kept; the merged force is deactivated with `merged_into` set.
    Refused (nothing changed) when both took part in the same round."""
    words = _words(language)
    if source_id == target_id:
        raise RegistryRefused(409, words.gettext("Choose another force to merge into."))
    try:
        async with transaction():
            source, target = await get_force(source_id), await get_force(target_id)
            if source is None or target is None:
                raise RegistryRefused(404, words.gettext("There is no such force."))
            if source.merged_into is not None or target.merged_into is not None:
                raise RegistryRefused(409, words.gettext("A force that was merged cannot be merged again."))
            moved = await _move_references("force", source_id, target_id, set())
            await Force.update(
                {Force.active: False, Force.deactivated_at: datetime.now(UTC), Force.merged_into: target_id}
            ).where(Force.id == source_id)
            await record(actor, "force.merged", f"force:{source_id}", into=target_id, name=source.name, moved=moved)
    except asyncpg.UniqueViolationError as exc:
        raise RegistryRefused(
            409, words.gettext("Both forces took part in the same round, so they cannot be merged; nothing changed.")
        ) from exc
    return Merged(moved)


_SAME_ROUND = N_("Both people were invited to the same round, so they cannot be merged; nothing changed.")


async def merge_people(source_id: int, target_id: int, actor: Viewer, language: Language | None = None) -> Merged:
    """Merge person `source_id` into `target_id` (two records of one person): their
    invitations, saves, messages, links and tokens move to the person who stays, whose
    e-mail, name and role are kept; the merged person is deactivated with `merged_into` set.
    Both must be project staff, or contacts at the same force."""
    words = _words(language)
    if source_id == target_id:
        raise RegistryRefused(409, words.gettext("Choose another person to merge into."))
    try:
        async with transaction():
            source, target = await person(source_id), await person(target_id)
            if source is None or target is None:
                raise RegistryRefused(404, words.gettext("There is no such person."))
            if source.merged_into is not None or target.merged_into is not None:
                raise RegistryRefused(409, words.gettext("A person who was merged cannot be merged again."))
            if source_id == actor.person_id:
                raise RegistryRefused(409, words.gettext("You cannot merge yourself into someone else."))
            same_kind = Role(source.role).is_staff == Role(target.role).is_staff
            if not same_kind or source.force_id != target.force_id:
                raise RegistryRefused(
                    409, words.gettext("Only two project staff, or two contacts at the same force, can be merged.")
                )
            if await fetchrow(SHARED_ROUND, source_id, target_id):
                raise RegistryRefused(409, words.gettext(_SAME_ROUND))
            moved = await _move_references("person", source_id, target_id, set())
            await Person.update(
                {Person.active: False, Person.deactivated_at: datetime.now(UTC), Person.merged_into: target_id}
            ).where(Person.id == source_id)
            await record(actor, "person.merged", f"person:{source_id}", into=target_id, email=source.email, moved=moved)
    except asyncpg.UniqueViolationError as exc:
        raise RegistryRefused(409, words.gettext(_SAME_ROUND)) from exc
    return Merged(moved)


async def force_people(force_id: int) -> list[PersonRow]:
    import msgspec

    rows = await fetch(PERSON.replace("WHERE id = $1", "WHERE force = $1 ORDER BY name"), force_id)
    return msgspec.convert([dict(r) for r in rows], list[PersonRow])


async def forces_for_merge(force: ForceRow) -> list[ForceRow]:
    from backend.partners.services import list_forces

    return [f for f in await list_forces() if f.id != force.id]
