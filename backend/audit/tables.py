from piccolo.columns import JSONB, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class AuditEvent(Table, tablename="audit_event"):
    """Append-only: who did what to which object, and when.

    Refused requests are counted rather than listed (`services.record_refusal`): their row has
    an `aggregate_key` (actor, refusal, target, hour), and each repeat adds to `occurrences`
    and moves `last_at`."""

    id: Serial
    occurred_at = Timestamptz(default=TimestamptzNow(), index=True)
    actor_id = Integer(null=True, default=None)
    actor_label = Varchar(length=300)
    action = Varchar(length=80, index=True)
    subject = Varchar(length=200)
    details = JSONB(default={})
    occurrences = Integer(default=1)
    last_at = Timestamptz(null=True, default=None)
    aggregate_key = Varchar(length=120, null=True, default=None, unique=True)
