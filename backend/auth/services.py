"""Signing in: passwords, and one-time sign-in links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from backend.partners.services import find_person
from backend.partners.tables import Person
from backend.security.passwords import verify_password
from backend.security.tables import SignInLink
from backend.security.tokens import hash_token, new_token

SIGN_IN_LINK_LIFETIME = timedelta(hours=24)


async def authenticate(email: str, password: str) -> dict[str, Any] | None:
    """The active person with this e-mail and password, or None (same cost either way)."""
    person = await find_person(email)
    stored = person["password_hash"] if person and person["active"] else None
    if not verify_password(stored, password):
        return None
    await mark_signed_in(person["id"])  # type: ignore[index]
    return person


async def mark_signed_in(person_id: int) -> None:
    await Person.update({Person.last_sign_in_at: datetime.now(UTC)}).where(Person.id == person_id)


async def create_sign_in_link(person_id: int, lifetime: timedelta = SIGN_IN_LINK_LIFETIME) -> str:
    """A new one-time token for `person_id`; only its hash is kept."""
    token = new_token()
    await SignInLink.insert(
        SignInLink(person=person_id, token_hash=hash_token(token), expires_at=datetime.now(UTC) + lifetime)
    )
    return token


async def redeem_sign_in_link(token: str) -> dict[str, Any] | None:
    """The person a valid, unused, unexpired link is for; the link is used up atomically."""
    rows = await SignInLink.raw(
        "UPDATE sign_in_link SET used_at = now() WHERE token_hash = {} AND used_at IS NULL "
        "AND expires_at > now() RETURNING person",
        hash_token(token),
    )
    if not rows:
        return None
    person = await Person.select().where((Person.id == rows[0]["person"]) & Person.active.eq(True)).first()
    if person:
        await mark_signed_in(person["id"])
    return person
