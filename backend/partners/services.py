"""Forces, people and their attributes."""

from __future__ import annotations

import re
from typing import Any

from backend.partners.peer_groups import VALUES
from backend.partners.tables import Force, Person
from backend.security.passwords import hash_password

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_email(text: str) -> bool:
    """Looks like an e-mail address (whether mail arrives is another matter)."""
    return _EMAIL.match(text) is not None


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


async def apply_profile(force_id: int, answers: dict[str, Any]) -> dict[str, str]:
    """Update a force's peer-group attributes from force-profile answers; returns the changes."""
    changes: dict[str, str] = {}
    for dim in ("region", "force_type", "size_band"):
        value = answers.get(dim)
        if isinstance(value, str) and value in VALUES[dim]:
            changes[dim] = value
    if changes:
        await Force.update({getattr(Force, k): v for k, v in changes.items()}).where(Force.id == force_id)
    return changes
