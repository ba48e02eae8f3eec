from piccolo.columns import ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.mail.schemas import MessageState
from backend.partners.tables import Person


class Message(Table, tablename="message"):
    """One outgoing e-mail, written in the transaction of the action that causes it and sent
    by the queue (`mail/queue.py`). Its bodies hold `LINK_MARK` where a personal link goes:
    the link itself is derived from SECRET_KEY and `link_ref` when the message is sent, so the
    table, like `invitation`, reveals no link (`mail/links.py`)."""

    id: Serial
    #: Unique: queueing the same message twice (the same action retried) writes one row.
    idempotency_key = Varchar(length=200, unique=True)
    #: a `schemas.MessageKind`
    kind = Varchar(length=40, index=True)
    person = ForeignKey(references=Person, null=True, default=None)
    recipient = Varchar(length=320)
    recipient_name = Varchar(length=300, default="")
    language = Varchar(length=10)
    subject = Varchar(length=300)
    body_text = Text()
    body_html = Text()
    #: "purpose:nonce" of the personal link in the bodies (empty: none)
    link_ref = Varchar(length=120, default="")
    #: a `schemas.MessageState`: queued → sent, failed or bounced
    state = Varchar(length=20, default=MessageState.QUEUED.value, index=True)
    #: The server's last reply (its reason for a failure), or why nothing was sent.
    reason = Text(default="")
    attempts = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    last_attempt_at = Timestamptz(null=True, default=None)
    sent_at = Timestamptz(null=True, default=None)
    #: Where a sent message went: `smtp`, or `mailbox` (the demo's local mailbox: no SMTP_HOST)
    delivered_to = Varchar(length=20, default="")


class ReminderOptOut(Table, tablename="reminder_opt_out"):
    """A person who switched reminders off, with the link in a reminder (`mail/opt_out.py`):
    no reminder is sent to them again, by the schedule or by staff."""

    id: Serial
    person = ForeignKey(references=Person, null=False, unique=True)
    #: `page` (the confirm page's button) or `one-click` (RFC 8058, from the mail client)
    via = Varchar(length=20, default="page")
    created_at = Timestamptz(default=TimestamptzNow())
