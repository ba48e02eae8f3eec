"""Sending one queued message: at most once, its outcome recorded on its row.

The row is locked (`FOR UPDATE SKIP LOCKED`) for the whole attempt and marked sent in the same
transaction, committed just after the SMTP server accepted the message. Two jobs for one
message therefore never both send it; the only way to send it twice is a worker that dies
after the server's acceptance and before that commit (docs/mail.md, "The duplicate window")."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from enum import StrEnum
from typing import Any

import aiosmtplib

from backend.database import execute, fetchrow, transaction
from backend.mail.config import MailConfig, current
from backend.mail.links import fill, opt_out_url

log = logging.getLogger(__name__)

LOCK_QUEUED = """
SELECT id, idempotency_key, recipient, recipient_name, language, subject, body_text, body_html, link_ref,
       attempts, state
FROM message WHERE id = $1 FOR UPDATE SKIP LOCKED"""
MARK_SENT = """
UPDATE message SET state = 'sent', attempts = attempts + 1, last_attempt_at = now(), sent_at = now(),
    reason = $2, delivered_to = $3
WHERE id = $1"""
MARK_FINAL = """
UPDATE message SET state = $2, attempts = attempts + 1, last_attempt_at = now(), reason = $3 WHERE id = $1"""
MARK_ATTEMPT = "UPDATE message SET attempts = attempts + 1, last_attempt_at = now(), reason = $2 WHERE id = $1"

MAILBOX_REASON = "Delivered to the local mailbox (no SMTP_HOST): read it on the Outbox page."


class MailUnavailable(Exception):
    """The server did not take the message this time (unreachable, or a 4xx reply): try again."""


class Outcome(StrEnum):
    SENT = "sent"
    FAILED = "failed"
    BOUNCED = "bounced"
    RETRY = "retry"
    #: already sent or failed, or another job holds it right now
    NOTHING = "nothing"


@dataclass(frozen=True)
class Refusal:
    """A permanent refusal (5xx): bounced when the server refused the recipient."""

    state: str
    reason: str


class PermanentFailure(Exception):
    """The server refused the message for good (5xx): not tried again."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.reason)
        self.refusal = refusal


def build_email(row: dict[str, Any], config: MailConfig) -> EmailMessage:
    """The MIME message: text and HTML alternatives, in the recipient's language. Its
    Message-ID comes from the idempotency key, so a copy sent twice (the duplicate window)
    carries the same id and mail clients can fold the two."""
    message = EmailMessage()
    message["From"] = config.mail_from
    message["To"] = formataddr((row["recipient_name"], row["recipient"]))
    message["Subject"] = row["subject"]
    message["Date"] = format_datetime(datetime.now(UTC))
    domain = parseaddr(config.mail_from)[1].rpartition("@")[2] or "practice-exchange.invalid"
    message["Message-ID"] = f"<{hashlib.sha256(row['idempotency_key'].encode()).hexdigest()[:32]}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe := opt_out_url(row["link_ref"], config.base_url, config.secret_key):
        # One click in the mail client switches reminders off (RFC 8058: a POST to the link).
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    text = fill(row["body_text"], row["link_ref"], config.base_url, config.secret_key)
    html = fill(row["body_html"], row["link_ref"], config.base_url, config.secret_key)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message["Content-Language"] = row["language"]
    return message


async def smtp_send(message: EmailMessage, config: MailConfig) -> str:
    """Hand the message to the SMTP server; its reply. MailUnavailable for what may pass (no
    connection, 4xx, authentication: an operator can fix the settings), `Refusal` for 5xx."""
    try:
        _, reply = await aiosmtplib.send(
            message,
            hostname=config.smtp_host,
            port=config.smtp_port,
            username=config.smtp_username or None,
            password=config.smtp_password or None,
            start_tls=config.smtp_starttls,
            use_tls=config.smtp_tls,
            timeout=config.smtp_timeout,
        )
    except aiosmtplib.SMTPRecipientsRefused as exc:
        codes = [e.code for e in exc.recipients]
        reason = "; ".join(f"{e.code} {e.message}" for e in exc.recipients)
        if all(500 <= c < 600 for c in codes):
            raise PermanentFailure(Refusal("bounced", reason)) from exc
        raise MailUnavailable(reason) from exc
    except aiosmtplib.SMTPAuthenticationError as exc:
        raise MailUnavailable(f"authentication refused: {exc.code} {exc.message}") from exc
    except aiosmtplib.SMTPResponseException as exc:
        if 500 <= exc.code < 600:
            raise PermanentFailure(Refusal("failed", f"{exc.code} {exc.message}")) from exc
        raise MailUnavailable(f"{exc.code} {exc.message}") from exc
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        raise MailUnavailable(f"mail server unavailable: {exc}") from exc
    return reply


async def deliver(message_id: int, *, final_attempt: bool = False) -> Outcome:
    """One attempt at a queued message. Raises MailUnavailable (after recording the reason)
    when the job should be tried again later; a last attempt that fails marks it failed."""
    config = current()
    async with transaction():
        row = await fetchrow(LOCK_QUEUED, message_id)
        if row is None or row["state"] != "queued":
            return Outcome.NOTHING
        if config.local_mailbox:
            await execute(MARK_SENT, message_id, MAILBOX_REASON, "mailbox")
            return Outcome.SENT
        try:
            reply = await smtp_send(build_email(row, config), config)
        except PermanentFailure as exc:
            await execute(MARK_FINAL, message_id, exc.refusal.state, exc.refusal.reason)
            log.warning("message %s %s: %s", message_id, exc.refusal.state, exc.refusal.reason)
            return Outcome(exc.refusal.state)
        except MailUnavailable as exc:
            if final_attempt:
                reason = f"gave up after {row['attempts'] + 1} attempts: {exc}"
                await execute(MARK_FINAL, message_id, "failed", reason)
                log.warning("message %s failed: %s", message_id, reason)
                return Outcome.FAILED
            await execute(MARK_ATTEMPT, message_id, str(exc))
            unavailable = exc
        else:
            await execute(MARK_SENT, message_id, reply, "smtp")
            return Outcome.SENT
    # Raised once the attempt is recorded: procrastinate schedules the retry (queue.Backoff).
    raise unavailable
