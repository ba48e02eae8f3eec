"""The outbox's enums and read models."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import msgspec


class MessageState(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    BOUNCED = "bounced"


class MessageKind(StrEnum):
    INVITATION = "invitation"
    RECEIPT = "receipt"
    PUBLISHED = "published"
    SIGN_IN = "sign_in"
    REMINDER = "reminder"
    DIGEST = "digest"
    #: public sign-ups (backend/signup, docs/signup.md)
    SIGNUP_CONFIRM = "signup_confirm"
    SIGNUP_REPEAT = "signup_repeat"
    SIGNUP_DATA = "signup_data"
    SIGNUP_WELCOME = "signup_welcome"
    SIGNUP_APPROVED = "signup_approved"
    #: a waitlisted person got a place at a meeting (backend/meetings/mail.py)
    MEETING_PLACE = "meeting_place"
    #: staff cancelled a meeting: to everyone registered or waitlisted (backend/meetings/mail.py)
    MEETING_CANCELLED = "meeting_cancelled"


class MessageSummary(msgspec.Struct, frozen=True, kw_only=True):
    """A message in the outbox's list."""

    id: int
    kind: MessageKind
    recipient: str
    recipient_name: str
    language: str
    subject: str
    state: MessageState
    reason: str
    attempts: int
    created_at: datetime
    last_attempt_at: datetime | None
    sent_at: datetime | None
    delivered_to: str


class MessageDetail(MessageSummary, frozen=True, kw_only=True):
    """A message with its bodies, as staff read it: the personal link is shown only where the
    message was delivered to the local mailbox (the demo), else withheld."""

    idempotency_key: str
    body_text: str
    body_html: str


class MessageCounts(msgspec.Struct, frozen=True):
    queued: int = 0
    sent: int = 0
    failed: int = 0
    bounced: int = 0


class MessageListing(msgspec.Struct, frozen=True):
    messages: list[MessageSummary]
    counts: MessageCounts


class MessagePreview(msgspec.Struct, frozen=True):
    """A message kind drawn with sample values, in one language."""

    kind: MessageKind
    language: str
    subject: str
    body_text: str
    body_html: str


class Resend(msgspec.Struct, frozen=True):
    """What sending a message again did."""

    message_id: int
    #: False: the message was not failed or bounced, and nothing changed
    requeued: bool
    #: its state now
    state: MessageState
