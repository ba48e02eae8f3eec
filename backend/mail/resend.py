"""Sending a failed or bounced message again (staff): the same message, back in the queue.

The message keeps its id, idempotency key and bodies; its state goes back to `queued`, its
attempts to 0 and a new `mail.send` job is deferred, in one transaction. The recipient's
address is taken afresh from their person (staff may have corrected it after a bounce). Only
a `failed` or `bounced` message goes back: resending a queued or sent one changes nothing, so
a double click (or an automation retrying its request) never sends twice."""

from __future__ import annotations

from dataclasses import dataclass

from backend.audit.services import record
from backend.database import fetchrow, transaction
from backend.mail.queue import defer_sending
from backend.mail.schemas import MessageState
from backend.piccolo_conf import DB
from backend.security.roles import Viewer

#: Locked, so that two staff resending at once put back one message with one job.
REQUEUE = """
UPDATE message m SET state = 'queued', reason = '', attempts = 0, last_attempt_at = NULL,
    recipient = coalesce((SELECT p.email FROM person p WHERE p.id = m.person AND p.active), m.recipient)
WHERE m.id = $1 AND m.state IN ('failed', 'bounced')
RETURNING m.id, m.recipient"""
STATE = "SELECT state, reason, recipient FROM message WHERE id = $1"

RESENDABLE = frozenset({MessageState.FAILED, MessageState.BOUNCED})


@dataclass(frozen=True)
class Resent:
    """What a resend did: `requeued` (False: the message was not failed or bounced, so nothing
    changed) and the state the message is in now."""

    message_id: int
    requeued: bool
    state: MessageState


async def resend(message_id: int, actor: Viewer) -> Resent | None:
    """Put a failed or bounced message back in the queue (audited); None: no such message."""
    async with transaction():
        before = await fetchrow(STATE, message_id)
        if before is None:
            return None
        row = await fetchrow(REQUEUE, message_id)
        if row is None:
            return Resent(message_id, False, MessageState(before["state"]))
        connection = DB.current_transaction.get()
        assert connection is not None
        await defer_sending([message_id], connection.connection)
        await record(
            actor,
            "message.resent",
            f"message:{message_id}",
            was=before["state"],
            reason=before["reason"][:500],
            address_changed=row["recipient"] != before["recipient"],
        )
    return Resent(message_id, True, MessageState.QUEUED)
