"""The sign-up's messages, drawn in the person's language and queued in the caller's
transaction (`mail/`): the confirmation, "you already signed up", the link to one's data, the
welcome of a subscriber and the approval of a partner contact (with a sign-in link). Every
message to a sign-up but the approval carries the one-click unsubscribe link (RFC 8058)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from backend.mail.compose import draft
from backend.mail.links import SIGNUP_CONFIRM, SIGNUP_DATA, SIGNUP_OFF, link_ref
from backend.mail.notices import SIGN_IN_PURPOSE
from backend.mail.schemas import MessageKind
from backend.mail.services import queue
from backend.security.tables import SignInLink
from backend.security.tokens import derive_token, hash_token, new_nonce

#: Kinds whose messages go to a sign-up's address (deleted with the sign-up's data).
SIGNUP_KINDS = (
    MessageKind.SIGNUP_CONFIRM,
    MessageKind.SIGNUP_REPEAT,
    MessageKind.SIGNUP_DATA,
    MessageKind.SIGNUP_WELCOME,
)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _hours(lifetime: timedelta) -> int:
    return max(1, int(lifetime.total_seconds() // 3600))


def new_link(secret_key: str, purpose: str) -> tuple[str, str]:
    """(nonce, hash of the token) of a new link: the message keeps the nonce, the row the hash."""
    nonce = new_nonce()
    return nonce, hash_token(derive_token(secret_key, purpose, nonce))


async def queue_to_signup(
    kind: MessageKind,
    signup_id: int,
    email: str,
    name: str,
    language: str,
    *,
    purpose: str | None = None,
    nonce: str = "",
    lifetime: timedelta = timedelta(hours=1),
) -> list[int]:
    """A message to a sign-up: with a personal link (`purpose`, `nonce`) or none, and its
    unsubscribe link."""
    refs = [link_ref(purpose, nonce)] if purpose else []
    refs.append(link_ref(SIGNUP_OFF, str(signup_id)))
    key = f"{kind.value}:{signup_id}:{_digest(nonce or datetime.now(UTC).isoformat())}"
    return await queue(
        [
            draft(
                kind,
                key,
                recipient=email,
                name=name,
                language_code=language,
                link_ref=" ".join(refs),
                hours=_hours(lifetime),
                force_name="",
            )
        ]
    )


async def queue_confirmation(
    signup_id: int, email: str, name: str, language: str, nonce: str, lifetime: timedelta
) -> list[int]:
    return await queue_to_signup(
        MessageKind.SIGNUP_CONFIRM, signup_id, email, name, language, purpose=SIGNUP_CONFIRM, nonce=nonce,
        lifetime=lifetime,
    )  # fmt: skip


async def queue_data_link(
    kind: MessageKind, signup_id: int, email: str, name: str, language: str, nonce: str, lifetime: timedelta
) -> list[int]:
    """ "You already signed up" or "your data": both carry the link to see and delete one's data."""
    return await queue_to_signup(
        kind, signup_id, email, name, language, purpose=SIGNUP_DATA, nonce=nonce, lifetime=lifetime
    )


async def queue_approved(
    secret_key: str, person_id: int, email: str, name: str, language: str, force_name: str, lifetime: timedelta
) -> list[int]:
    """Welcome to a new partner contact, with a one-time sign-in link (as `mail/notices.
    queue_sign_in_link`: the hash in `sign_in_link`, the nonce in the message)."""
    nonce = new_nonce()
    token = derive_token(secret_key, SIGN_IN_PURPOSE, nonce)
    await SignInLink.insert(
        SignInLink(person=person_id, token_hash=hash_token(token), expires_at=datetime.now(UTC) + lifetime)
    )
    return await queue(
        [
            draft(
                MessageKind.SIGNUP_APPROVED,
                f"signup-approved:{person_id}:{_digest(nonce)}",
                recipient=email,
                name=name,
                language_code=language,
                person_id=person_id,
                link_ref=link_ref(SIGN_IN_PURPOSE, nonce),
                hours=_hours(lifetime),
                force_name=force_name,
            )
        ]
    )
