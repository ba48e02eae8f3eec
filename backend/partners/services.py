"""Forces, people and their attributes."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from backend.partners.peer_groups import DIMENSIONS, VALUES
from backend.partners.tables import Force, Person
from backend.security.passwords import check_new_password, hash_password

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_email(text: str) -> bool:
    """Looks like an e-mail address (whether mail arrives is another matter) and fits the
    column (254 characters, the longest address SMTP carries)."""
    return len(text) <= Person.email.length and _EMAIL.match(text) is not None


def normalise_email(email: str) -> str:
    return email.strip().lower()


async def list_forces() -> list[dict[str, Any]]:
    return await Force.select().where(Force.active.eq(True)).order_by(Force.name)


async def get_force(force_id: int) -> dict[str, Any] | None:
    return await Force.select().where(Force.id == force_id).first()


async def create_force(name: str, code: str, country: str, region: str, force_type: str, size_band: str) -> int:
    for dim, value in (("region", region), ("force_type", force_type), ("size_band", size_band)):
        if value not in VALUES[dim]:
            raise ValueError(f"{dim}: unknown value {value!r}")
    rows = await Force.insert(
        Force(name=name, code=code, country=country, region=region, force_type=force_type, size_band=size_band)
    ).returning(Force.id)
    return rows[0]["id"]


async def find_person(email: str) -> dict[str, Any] | None:
    return await Person.select().where(Person.email == normalise_email(email)).first()


async def create_person(
    email: str,
    name: str,
    role: str,
    *,
    force_id: int | None = None,
    can_respond: bool = False,
    password: str | None = None,
    language: str = "en",
) -> int:
    if role not in ("admin", "analyst", "partner"):
        raise ValueError(f"role: unknown role {role!r}")
    if role == "partner" and force_id is None:
        raise ValueError("force: a partner contact belongs to a force")
    if password:
        check_new_password(password)
    rows = await Person.insert(
        Person(
            email=normalise_email(email),
            name=name,
            role=role,
            force=force_id,
            can_respond=can_respond,
            password_hash=hash_password(password) if password else None,
            language=language,
        )
    ).returning(Person.id)
    return rows[0]["id"]


async def set_password(person_id: int, password: str) -> None:
    check_new_password(password)
    await Person.update({Person.password_hash: hash_password(password)}).where(Person.id == person_id)


async def respondents_at(force_ids: list[int]) -> list[dict[str, Any]]:
    """Active contacts who answer for the given forces."""
    if not force_ids:
        return []
    return (
        await Person.select()
        .where(Person.force.is_in(force_ids) & Person.can_respond.eq(True) & Person.active.eq(True))
        .order_by(Person.force)
    )


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
