"""Sign-ups: the public form (no oracle: every sign-up answers the same), double opt-in,
unsubscribing, a person's own data (seen and deleted through a link sent to their address),
and staff's review. Every change is audited without personal data (`signup:<id>` only)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from backend.audit.services import record
from backend.database import execute, fetch, fetchrow, json_value, transaction
from backend.i18n import Language
from backend.mail.links import SIGNUP_CONFIRM, SIGNUP_DATA, SIGNUP_OFF, opt_out_person
from backend.mail.schemas import MessageKind
from backend.partners.schemas import PartnerRole
from backend.partners.services import create_person, find_person, get_force
from backend.security.rate_limits import bucket, count_attempt
from backend.security.roles import Role, Viewer
from backend.security.tokens import hash_token
from backend.signup.checks import (
    CONSENT_PURPOSES,
    CONSENT_VERSION,
    Decision,
    SignupInput,
    Status,
    check_signup,
    cleaned,
    email_problem,
    normal_email,
)
from backend.signup.notices import (
    SIGNUP_KINDS,
    new_link,
    queue_approved,
    queue_confirmation,
    queue_data_link,
    queue_to_signup,
)

#: How long a confirmation link works.
CONFIRM_LIFETIME = timedelta(hours=48)
#: How long a link to one's data works (it shows personal data: short).
ACCESS_LIFETIME = timedelta(hours=1)
#: How long the sign-in link sent to an approved partner contact works.
APPROVED_LINK_LIFETIME = timedelta(days=7)
#: Messages one address may be sent by the public forms per hour, whoever asks: a stranger
#: cannot fill someone's mailbox by signing them up again and again (beyond it the answer is
#: the same, and no message goes).
MESSAGES_PER_ADDRESS_PER_HOUR = 3
#: The window of the per-client-address limit on the public forms (SIGNUP_RATE_LIMIT per hour).
ADDRESS_WINDOW = 3600


class Invalid(Exception):
    """Bad input: problems by field; nothing was stored."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


class NotReviewable(Exception):
    """The sign-up is not waiting for review (not confirmed yet, or reviewed already)."""


class ConsentEvent(msgspec.Struct, frozen=True):
    #: given (the form) | confirmed (the e-mail link) | withdrawn (unsubscribed)
    event: str
    text_version: str
    purposes: list[str]
    at: dt.datetime
    via: str


class SignupRow(msgspec.Struct, frozen=True):
    """A sign-up as stored (without its token hashes)."""

    id: int
    email: str
    name: str
    job_role: str
    organisation: str
    country: str
    language: str
    interests: list[str]
    status: Status
    subscribed: bool
    created_at: dt.datetime
    confirmed_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    person: int | None


class SignupData(msgspec.Struct, frozen=True):
    """Everything stored about a sign-up: what a person sees through their data link."""

    signup: SignupRow
    consents: list[ConsentEvent]
    #: messages sent to the address about the sign-up (kind and when)
    messages: list[dict[str, Any]]


@dataclass(frozen=True)
class PublicReport:
    id: int
    title: str
    title_lang: str
    summary: str
    summary_lang: str
    authors: str
    published_on: dt.date


_COLUMNS = """id, email, name, job_role, organisation, country, language, interests, status, subscribed,
created_at, confirmed_at, reviewed_at, person"""
BY_EMAIL = f"SELECT {_COLUMNS} FROM signup WHERE email = $1 FOR UPDATE"
BY_ID = f"SELECT {_COLUMNS} FROM signup WHERE id = $1"
INSERT = """
INSERT INTO signup (email, name, job_role, organisation, country, language, interests, status, subscribed,
                    confirm_hash, confirm_expires_at, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, 'pending', false, $8, $9, now())
ON CONFLICT (email) DO NOTHING RETURNING id"""
UPDATE_PENDING = """
UPDATE signup SET name = $2, job_role = $3, organisation = $4, country = $5, language = $6, interests = $7::jsonb
WHERE id = $1"""
SET_CONFIRM = "UPDATE signup SET confirm_hash = $2, confirm_expires_at = $3 WHERE id = $1"
SET_ACCESS = "UPDATE signup SET access_hash = $2, access_expires_at = $3 WHERE id = $1"
CONSENT = """
INSERT INTO signup_consent (signup, event, text_version, purposes, at, via) VALUES ($1, $2, $3, $4::jsonb, now(), $5)"""
#: One use: the hash is cleared in the statement that confirms.
CONFIRM = f"""
UPDATE signup SET confirmed_at = coalesce(confirmed_at, now()), subscribed = true, confirm_hash = NULL,
    confirm_expires_at = NULL,
    status = CASE WHEN status IN ('pending', 'rejected') THEN 'confirmed' ELSE status END
WHERE confirm_hash = $1 AND confirm_expires_at > now()
RETURNING {_COLUMNS}"""
PENDING_CONFIRM = "SELECT id FROM signup WHERE confirm_hash = $1 AND confirm_expires_at > now()"
BY_ACCESS = f"SELECT {_COLUMNS} FROM signup WHERE access_hash = $1 AND access_expires_at > now()"
CONSENTS = "SELECT event, text_version, purposes, at, via FROM signup_consent WHERE signup = $1 ORDER BY at, id"
MESSAGES = """SELECT kind, state, created_at FROM message
WHERE recipient = $1 AND kind = ANY($2::text[]) ORDER BY id"""
DELETE_MESSAGES = "DELETE FROM message WHERE recipient = $1 AND kind = ANY($2::text[])"
UNSUBSCRIBE = """UPDATE signup SET subscribed = false, confirm_hash = NULL, confirm_expires_at = NULL
WHERE id = $1 AND (subscribed OR confirm_hash IS NOT NULL)"""
REVIEW = """UPDATE signup SET status = $2::varchar, reviewed_at = now(), reviewed_by = $3::int, person = $4::int,
    subscribed = CASE WHEN $2::varchar = 'rejected' THEN false ELSE subscribed END
WHERE id = $1 AND status = 'confirmed'"""
QUEUE = f"""SELECT {_COLUMNS} FROM signup WHERE status = 'confirmed' ORDER BY confirmed_at, id"""
REVIEWED = f"""SELECT {_COLUMNS} FROM signup WHERE status IN ('subscriber', 'partner', 'rejected')
ORDER BY reviewed_at DESC NULLS LAST, id DESC LIMIT $1"""
#: Pending sign-ups whose confirmation link expired (or, killed by unsubscribing, whose last
#: consent event was) more than $1 days ago.
_UNCONFIRMED = """status = 'pending' AND coalesce(
    confirm_expires_at, (SELECT max(c.at) FROM signup_consent c WHERE c.signup = signup.id), created_at
) < now() - make_interval(days => $1::int)"""
UNCONFIRMED = f"SELECT id FROM signup WHERE {_UNCONFIRMED} ORDER BY id LIMIT 1000"
UNCONFIRMED_ONE = f"SELECT {_COLUMNS} FROM signup WHERE id = $2 AND {_UNCONFIRMED} FOR UPDATE SKIP LOCKED"
PUBLISHED_REPORTS = """SELECT id, title, summary, default_language, authors, published_on FROM library_report
WHERE published ORDER BY published_on DESC, id DESC LIMIT $1"""


def _row(r: dict[str, Any]) -> SignupRow:
    return msgspec.convert({**r, "interests": json_value(r["interests"]) or []}, SignupRow)


def _now() -> datetime:
    return datetime.now(UTC)


async def address_wait(address: str, limit: int) -> int | None:
    """Count one use of the public forms by a client address (security/rate_limits.py, a window
    of an hour): None while within `limit`, else the seconds to wait."""
    return await count_attempt([bucket("signup-address", address, limit)], window=ADDRESS_WINDOW)


async def _may_mail(email: str) -> bool:
    """Whether the address may be sent one more message by the public forms this hour."""
    wait = await count_attempt([bucket("signup-mail", email, MESSAGES_PER_ADDRESS_PER_HOUR)], window=3600)
    return wait is None


async def _consent(signup_id: int, event: str, via: str) -> None:
    await execute(CONSENT, signup_id, event, CONSENT_VERSION, json.dumps(list(CONSENT_PURPOSES)), via)


async def sign_up(data: SignupInput, language: Language, secret_key: str, via: str) -> None:
    """A sign-up from the form. Whether the address was known shows nowhere in the answer
    (always None): a new address gets a pending sign-up and a confirmation link; a pending or
    unsubscribed one its details updated (pending) and a fresh link, the old one dead; a
    subscribed one a "you already signed up" message with a link to its data. One row per
    address, ever. Raises `Invalid` (nothing stored) on bad input."""
    data = cleaned(data)
    if problems := check_signup(data, language):
        raise Invalid(problems)
    may_mail = await _may_mail(data.email)
    interests = json.dumps(data.interests)
    async with transaction():
        row = await fetchrow(BY_EMAIL, data.email)
        if row is None:
            nonce, token_hash = new_link(secret_key, SIGNUP_CONFIRM)
            inserted = await fetchrow(
                INSERT,
                data.email,
                data.name,
                data.role,
                data.organisation,
                data.country,
                data.language,
                interests,
                token_hash,
                _now() + CONFIRM_LIFETIME,
            )
            if inserted is None:  # another request for the same address won the race: one row
                return
            signup_id = int(inserted["id"])
            await _consent(signup_id, "given", via)
            await record(None, "signup.created", f"signup:{signup_id}", via=via)
            if may_mail:
                await queue_confirmation(signup_id, data.email, data.name, data.language, nonce, CONFIRM_LIFETIME)
            return
        found = _row(row)
        if not found.subscribed:
            if found.status == Status.PENDING:
                await execute(
                    UPDATE_PENDING, found.id, data.name, data.role, data.organisation, data.country, data.language,
                    interests,
                )  # fmt: skip
            await _consent(found.id, "given", via)
            await record(None, "signup.repeated", f"signup:{found.id}", via=via)
            if may_mail:
                nonce, token_hash = new_link(secret_key, SIGNUP_CONFIRM)
                await execute(SET_CONFIRM, found.id, token_hash, _now() + CONFIRM_LIFETIME)
                name, lang = (
                    (data.name, data.language) if found.status == Status.PENDING else (found.name, found.language)
                )
                await queue_confirmation(found.id, found.email, name, lang, nonce, CONFIRM_LIFETIME)
            return
        await record(None, "signup.repeated", f"signup:{found.id}", via=via)
        if may_mail:
            await _send_data_link(found, secret_key, MessageKind.SIGNUP_REPEAT)


async def _send_data_link(found: SignupRow, secret_key: str, kind: MessageKind) -> None:
    nonce, token_hash = new_link(secret_key, SIGNUP_DATA)
    await execute(SET_ACCESS, found.id, token_hash, _now() + ACCESS_LIFETIME)
    await queue_data_link(kind, found.id, found.email, found.name, found.language, nonce, ACCESS_LIFETIME)


async def confirmable(token: str) -> bool:
    """Whether a confirmation link is valid (unused, not expired): its page shows a button."""
    return await fetchrow(PENDING_CONFIRM, hash_token(token)) is not None


async def confirm(token: str, via: str) -> SignupRow | None:
    """Confirm the address behind a confirmation link (once: the link dies); None when the link
    is not valid (used, replaced or expired)."""
    async with transaction():
        row = await fetchrow(CONFIRM, hash_token(token))
        if row is None:
            return None
        found = _row(row)
        await _consent(found.id, "confirmed", via)
        await record(None, "signup.confirmed", f"signup:{found.id}", via=via)
    return found


async def request_data_link(email: str, language: Language, secret_key: str) -> None:
    """Send a link to see and delete one's data, if the address has a sign-up. The same answer
    either way (None); raises `Invalid` only for an address that is not one."""
    email = normal_email(email)
    if problem := email_problem(email, language):
        raise Invalid({"email": problem})
    if not await _may_mail(email):
        return
    async with transaction():
        row = await fetchrow(BY_EMAIL, email)
        if row is not None:
            found = _row(row)
            await _send_data_link(found, secret_key, MessageKind.SIGNUP_DATA)
            await record(None, "signup.data_link_sent", f"signup:{found.id}")


async def _by_access(token: str) -> SignupRow | None:
    row = await fetchrow(BY_ACCESS, hash_token(token))
    return None if row is None else _row(row)


async def data_for(token: str) -> SignupData | None:
    """Everything stored about the sign-up behind a data link (None: not a valid link)."""
    found = await _by_access(token)
    if found is None:
        return None
    consents = [
        ConsentEvent(r["event"], r["text_version"], list(json_value(r["purposes"]) or []), r["at"], r["via"])
        for r in await fetch(CONSENTS, found.id)
    ]
    messages = await fetch(MESSAGES, found.email, [k.value for k in SIGNUP_KINDS])
    await record(None, "signup.data_viewed", f"signup:{found.id}")
    return SignupData(found, consents, messages)


async def _delete(found: SignupRow) -> None:
    """Delete a sign-up, its consent history (cascade) and the messages sent to its address
    about it, in the caller's transaction."""
    await execute(DELETE_MESSAGES, found.email, [k.value for k in SIGNUP_KINDS])
    await execute("DELETE FROM signup WHERE id = $1", found.id)


async def delete_data(token: str) -> bool:
    """Delete the sign-up behind a data link, its consent history and the messages sent to its
    address about it: really gone. The audit entry names only the row's former id. A partner
    contact made from it stays (staff manage it; docs/signup.md)."""
    async with transaction():
        found = await _by_access(token)
        if found is None:
            return False
        await _delete(found)
        await record(None, "signup.deleted", f"signup:{found.id}", partner_contact_kept=found.person is not None)
    return True


async def purge_unconfirmed(days: int) -> list[int]:
    """Delete the pending sign-ups (never confirmed) whose confirmation link expired more than
    `days` days ago, as `delete_data` does, each audited `signup.purged` on `signup:<id>` only:
    data minimisation (docs/signup.md). A pending sign-up whose link was killed by
    unsubscribing counts from its last consent event. The ids deleted."""
    days = max(days, 0)  # a negative setting must not reach sign-ups whose link still works
    purged = []
    for r in await fetch(UNCONFIRMED, days):
        async with transaction():
            # Locked and checked again: a new sign-up form meanwhile gives it a fresh link.
            row = await fetchrow(UNCONFIRMED_ONE, days, int(r["id"]))
            if row is None:
                continue
            found = _row(row)
            await _delete(found)
            await record(None, "signup.purged", f"signup:{found.id}")
        purged.append(found.id)
    return purged


async def unsubscribe_target(secret_key: str, token: str) -> SignupRow | None:
    """The sign-up an unsubscribe link belongs to (None: not a link, or its sign-up is gone)."""
    signup_id = opt_out_person(secret_key, token, SIGNUP_OFF)
    if signup_id is None:
        return None
    row = await fetchrow(BY_ID, signup_id)
    return None if row is None else _row(row)


async def unsubscribe(signup_id: int, via: str) -> bool:
    """No more messages to this sign-up, and its pending confirmation link dies (idempotent: a
    second click changes nothing); the consent's withdrawal is recorded. Whether this changed it."""
    async with transaction():
        done = await execute(UNSUBSCRIBE, signup_id) == "UPDATE 1"
        if done:
            await _consent(signup_id, "withdrawn", via)
            await record(None, "signup.unsubscribed", f"signup:{signup_id}", via=via)
    return done


async def review_queue() -> list[SignupRow]:
    """Confirmed sign-ups waiting for staff, oldest first."""
    return [_row(r) for r in await fetch(QUEUE)]


async def reviewed(limit: int = 50) -> list[SignupRow]:
    return [_row(r) for r in await fetch(REVIEWED, limit)]


async def get_signup(signup_id: int) -> SignupRow | None:
    row = await fetchrow(BY_ID, signup_id)
    return None if row is None else _row(row)


async def review(
    signup_id: int, decision: str, force_id: int | None, viewer: Viewer, language: Language, secret_key: str
) -> SignupRow:
    """Staff's decision on a confirmed sign-up, audited. Approve: a partner contact (viewer) of
    `force_id` in the sign-up's language, sent a welcome with a sign-in link; keep: a subscriber
    (sent a welcome with the unsubscribe link); reject: nothing is sent. Raises `Invalid` (field
    problems), `NotReviewable`, LookupError (no such sign-up)."""
    found = await get_signup(signup_id)
    if found is None:
        raise LookupError(signup_id)
    problems: dict[str, str] = {}
    if decision not in set(Decision):
        problems["decision"] = language.gettext("Choose approve, keep as a subscriber or reject.")
    force = None
    if decision == Decision.APPROVE:
        force = await get_force(force_id) if force_id is not None else None
        if force is None or not force.active:
            problems["force"] = language.gettext("Choose the force this contact belongs to.")
        if await find_person(found.email) is not None:
            problems["email"] = language.gettext("Someone already has this e-mail address.")
    if problems:
        raise Invalid(problems)
    if found.status != Status.CONFIRMED:
        raise NotReviewable(found.status)
    async with transaction():
        person_id: int | None = None
        if decision == Decision.APPROVE:
            assert force is not None
            person_id = await create_person(
                found.email,
                found.name,
                Role.PARTNER,
                force_id=force.id,
                language=found.language,
                partner_role=PartnerRole.VIEWER,
            )
            await record(viewer, "person.created", f"person:{person_id}", role=Role.PARTNER.value, via="signup")
        status = {Decision.APPROVE: Status.PARTNER, Decision.KEEP: Status.SUBSCRIBER, Decision.REJECT: Status.REJECTED}
        new = status[Decision(decision)]
        if await execute(REVIEW, found.id, new.value, viewer.person_id, person_id) != "UPDATE 1":
            raise NotReviewable(found.status)  # reviewed by someone else meanwhile: rolled back
        details: dict[str, Any] = {"decision": decision}
        if force is not None:
            details["force"] = force.id
        if person_id is not None:
            details["person"] = person_id
        await record(viewer, f"signup.{new.value}", f"signup:{found.id}", **details)
        if decision == Decision.APPROVE and person_id is not None and force is not None:
            await queue_approved(
                secret_key, person_id, found.email, found.name, found.language, force.name, APPROVED_LINK_LIFETIME
            )
        elif decision == Decision.KEEP:
            await queue_to_signup(MessageKind.SIGNUP_WELCOME, found.id, found.email, found.name, found.language)
    updated = await get_signup(found.id)
    assert updated is not None
    return updated


async def published_reports(language: Language, limit: int = 20) -> list[PublicReport]:
    """The library's published reports for the public page: title, authors, date and summary
    only (the PDFs stay for partners)."""
    out = []
    for r in await fetch(PUBLISHED_REPORTS, limit):
        title = language.text(json_value(r["title"]) or {}, r["default_language"])
        summaries = json_value(r["summary"]) or {}
        summary = language.text(summaries, r["default_language"]) if summaries else None
        out.append(
            PublicReport(
                r["id"],
                title.text,
                title.lang,
                summary.text if summary else "",
                summary.lang if summary else r["default_language"],
                r["authors"],
                r["published_on"],
            )
        )
    return out
