from piccolo.columns import JSONB, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class AuditEvent(Table, tablename="audit_event"):
    """Append-only: who did what to which object, and when."""

    occurred_at = Timestamptz(default=TimestamptzNow(), index=True)
    actor_id = Integer(null=True, default=None)
    actor_label = Varchar(length=300)
    action = Varchar(length=80, index=True)
    subject = Varchar(length=200)
    details = JSONB(default={})
