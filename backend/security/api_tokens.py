"""Personal API tokens of staff (docs/security.md, "API tokens").

A token is `pxt_` + 256 random bits (43 URL-safe characters); only its SHA-256 is stored, so it
is shown once, when made. It is scoped `read` (GET, HEAD) or `write` (every method), may expire,
and is revoked for good. `Authorization: Bearer <token>` authenticates requests to /api/ only
(`security/bearer.py`): the request then acts as the token's person, with that person's guards,
and carries no cookie. Each use sets `last_used_at` in the statement that checks the token.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import msgspec

from backend.audit.services import record
from backend.database import fetch, fetchrow
from backend.i18n import N_, SOURCE_LANGUAGE, Language, language_for
from backend.partners.schemas import PersonRow
from backend.security.roles import Viewer
from backend.security.tables import ApiToken
from backend.security.tokens import TOKEN_BYTES, hash_token

PREFIX = "pxt_"
#: The longest a token may live when an expiry is given, and the choices the page offers.
MAX_DAYS = 366
DAY_CHOICES = (30, 90, 365)


class TokenScope(StrEnum):
    READ = "read"
    WRITE = "write"


class TokenRow(msgspec.Struct, frozen=True):
    id: int
    name: str
    scope: TokenScope
    #: the token's first characters (never the token)
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    def live(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class TokenHolder(msgspec.Struct, frozen=True):
    token_id: int
    scope: TokenScope
    person: PersonRow


#: One statement: the token must be live and its person active; its use is recorded.
USE = """
WITH used AS (
    UPDATE api_token t SET last_used_at = now()
    FROM person p
    WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
      AND p.id = t.person AND p.active
    RETURNING t.id AS token_id, t.scope, t.person
)
SELECT used.token_id, used.scope, p.id, p.email, p.name, p.force, p.role, p.can_respond, p.language, p.active,
    p.created_at, p.last_sign_in_at, p.password_hash IS NOT NULL AS has_password, p.partner_role, p.merged_into
FROM used JOIN person p ON p.id = used.person"""
MINE = """SELECT id, name, scope, prefix, created_at, expires_at, last_used_at, revoked_at FROM api_token
WHERE person = $1 ORDER BY revoked_at IS NOT NULL, created_at DESC, id DESC"""
REVOKE = """UPDATE api_token SET revoked_at = now() WHERE id = $1 AND person = $2 AND revoked_at IS NULL
RETURNING id, name"""


def new_api_token() -> str:
    return PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def looks_like_token(text: str) -> bool:
    return text.startswith(PREFIX) and 40 <= len(text) <= 100 and text.isascii()


def token_problems(name: str, scope: str, days: str, language: Language | None = None) -> dict[str, str]:
    """Why a token cannot be made so, by field (name, scope, days), in `language`."""
    words = language or language_for(SOURCE_LANGUAGE)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["token_name"] = words.gettext("Name the token after what will use it, like nightly export.")
    elif len(name.strip()) > 100:
        errors["token_name"] = words.gettext("Use %(max)d characters or fewer.", max=100)
    if scope not in set(TokenScope):
        errors["scope"] = words.gettext("Choose read or write.")
    if days and not (days.isdigit() and 1 <= int(days) <= MAX_DAYS):
        errors["days"] = words.gettext("Choose when the token expires.")
    return errors


async def create_token(actor: Viewer, name: str, scope: TokenScope, days: int | None) -> tuple[str, TokenRow]:
    """A new token for `actor` (after `token_problems`), audited; the token itself is returned
    here only, and never stored."""
    token = new_api_token()
    expires = None if days is None else datetime.now(UTC) + timedelta(days=days)
    rows = await ApiToken.insert(
        ApiToken(
            person=actor.person_id,
            name=name.strip(),
            scope=TokenScope(scope).value,
            token_hash=hash_token(token),
            prefix=token[:8],
            expires_at=expires,
        )
    ).returning(ApiToken.id)
    token_id = int(rows[0]["id"])
    await record(
        actor,
        "api_token.created",
        f"api_token:{token_id}",
        name=name.strip(),
        scope=str(scope),
        expires_at=expires.isoformat() if expires else None,
    )
    made = next(t for t in await list_tokens(actor.person_id) if t.id == token_id)
    return token, made


async def list_tokens(person_id: int) -> list[TokenRow]:
    return msgspec.convert(await fetch(MINE, person_id), list[TokenRow])


#: Why a token cannot be revoked.
NOT_YOURS = N_("You have no such token, or it is already revoked.")


async def revoke_token(actor: Viewer, token_id: int) -> bool:
    """Revoke one of one's own live tokens, audited; False when there is no such token."""
    row = await fetchrow(REVOKE, token_id, actor.person_id)
    if row is None:
        return False
    await record(actor, "api_token.revoked", f"api_token:{token_id}", name=row["name"])
    return True


async def use_token(token: str) -> TokenHolder | None:
    """The live token and its active person, recording the use; None for any other text."""
    if not looks_like_token(token):
        return None
    row = await fetchrow(USE, hash_token(token))
    if row is None:
        return None
    person = msgspec.convert({k: v for k, v in row.items() if k not in ("token_id", "scope")}, PersonRow)
    return TokenHolder(row["token_id"], TokenScope(row["scope"]), person)
