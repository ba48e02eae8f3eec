"""Signing in: passwords, and one-time sign-in links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend.database import fetchrow
from backend.partners.schemas import PersonRow
from backend.partners.services import active_person, credentials
from backend.partners.tables import Person
from backend.security.passwords import verify_password
from backend.security.tables import SignInLink
from backend.security.tokens import hash_token, new_token

SIGN_IN_LINK_LIFETIME = timedelta(hours=24)

#: Used up atomically: of two requests with the same link, one gets the person.
REDEEM_LINK = """
UPDATE sign_in_link SET used_at = now()
WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
RETURNING person"""


async def authenticate(email: str, password: str) -> PersonRow | None:
    """The active person with this e-mail and password, or None (same cost either way)."""
    found = await credentials(email)
    person, stored = found if found else (None, None)
    # Checked against a dummy hash when there is no such account: the same cost either way.
    verified = verify_password(stored if person is not None and person.active else None, password)
    if not verified or person is None:
        return None
    await mark_signed_in(person.id)
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


async def redeem_sign_in_link(token: str) -> PersonRow | None:
    """The person a valid, unused, unexpired link is for; the link is used up atomically."""
    row = await fetchrow(REDEEM_LINK, hash_token(token))
    if row is None:
        return None
    person = await active_person(row["person"])
    if person:
        await mark_signed_in(person.id)
    return person
