"""The outbox: messages queued in the caller's transaction, and what staff read of them."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from backend.audit.services import record
from backend.database import fetch, fetchrow, transaction
from backend.mail.compose import Draft, draft, sample_values
from backend.mail.config import current
from backend.mail.links import fill, withhold
from backend.mail.queue import defer_sending
from backend.mail.schemas import (
    MessageCounts,
    MessageDetail,
    MessageKind,
    MessageListing,
    MessagePreview,
    MessageState,
    MessageSummary,
)
from backend.piccolo_conf import DB
from backend.security.roles import Viewer

#: A message already queued under the same key is left as it is: no second row, no second job.
INSERT_MESSAGES = """
INSERT INTO message (idempotency_key, kind, person, recipient, recipient_name, language, subject,
                     body_text, body_html, link_ref, state, reason, attempts, created_at, delivered_to)
SELECT m.key, m.kind, m.person, m.recipient, m.name, m.language, m.subject, m.body_text, m.body_html,
       m.link_ref, 'queued', '', 0, now(), ''
FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
            $9::text[], $10::text[])
     AS m(key, kind, person, recipient, name, language, subject, body_text, body_html, link_ref)
ON CONFLICT (idempotency_key) DO NOTHING
RETURNING id"""

_SUMMARY = """id, kind, recipient, recipient_name, language, subject, state, reason, attempts, created_at,
last_attempt_at, sent_at, delivered_to"""
LIST_MESSAGES = f"""
SELECT {_SUMMARY} FROM message
WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR kind = $2)
ORDER BY id DESC LIMIT $3"""
COUNT_STATES = "SELECT state, count(*) AS n FROM message GROUP BY state"
GET_MESSAGE = f"SELECT {_SUMMARY}, idempotency_key, body_text, body_html, link_ref FROM message WHERE id = $1"

#: Where staff read a message whose link only its recipient may have.
LINK_WITHHELD = "[personal link: sent only to the recipient]"
OPT_OUT_WITHHELD = "[link to switch reminders off: sent only to the recipient]"
DIGEST_OFF_WITHHELD = "[link to switch digests off: sent only to the recipient]"


async def queue(drafts: Sequence[Draft]) -> list[int]:
    """Write the messages and defer a job to send each, in the caller's transaction (or one of
    their own): the messages exist if and only if the action that caused them committed. A
    message whose idempotency key is already queued is skipped; returns the new messages' ids."""
    if not drafts:
        return []
    columns: list[list[object]] = [[] for _ in range(10)]
    for d in drafts:
        row = (d.idempotency_key, d.kind.value, d.person_id, d.recipient, d.recipient_name, d.language,
               d.subject, d.body_text, d.body_html, d.link_ref)  # fmt: skip
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    async with transaction():
        ids = [int(r["id"]) for r in await fetch(INSERT_MESSAGES, *columns)]
        connection = DB.current_transaction.get()
        assert connection is not None
        await defer_sending(ids, connection.connection)
    return ids


async def list_messages(
    state: MessageState | None = None, kind: MessageKind | None = None, limit: int = 200
) -> MessageListing:
    rows = await fetch(LIST_MESSAGES, state and state.value, kind and kind.value, limit)
    counts = {r["state"]: int(r["n"]) for r in await fetch(COUNT_STATES)}
    return MessageListing(msgspec.convert(rows, list[MessageSummary]), msgspec.convert(counts, MessageCounts))


async def get_message(message_id: int) -> MessageDetail | None:
    """A message as staff read it: its personal link filled in only where it was delivered to
    the local mailbox (the demo's: that page is where its recipient reads it), else withheld."""
    row = await fetchrow(GET_MESSAGE, message_id)
    if row is None:
        return None
    ref = row.pop("link_ref")
    config = current()
    for body in ("body_text", "body_html"):
        if row["delivered_to"] == "mailbox":
            row[body] = fill(row[body], ref, config.base_url, config.secret_key)
        else:
            row[body] = withhold(row[body], LINK_WITHHELD, OPT_OUT_WITHHELD, DIGEST_OFF_WITHHELD)
    return msgspec.convert(row, MessageDetail)


def preview(kind: MessageKind, language: str) -> MessagePreview:
    """A kind drawn with made-up values in `language`, its link shown as an example."""
    config = current()
    values = sample_values(kind, config.base_url)
    d = draft(kind, "preview", recipient="alex.morgan@example.org", language_code=language, **values)
    personal = kind in {MessageKind.INVITATION, MessageKind.REMINDER}
    example = f"{config.base_url}/{'r' if personal else 'sign-in/link'}/EXAMPLE-TOKEN"
    off = f"{config.base_url}/reminders/off/EXAMPLE-TOKEN"
    digest_off = f"{config.base_url}/digest/off/EXAMPLE-TOKEN"
    text, html = (withhold(body, example, off, digest_off) for body in (d.body_text, d.body_html))
    return MessagePreview(kind, d.language, d.subject, text, html)


async def read_message(viewer: Viewer, message: MessageDetail) -> None:
    """Reading a message (personal data, perhaps answers) goes to the audit trail."""
    await record(viewer, "message.read", f"message:{message.id}", kind=message.kind.value)
