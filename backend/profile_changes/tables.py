from piccolo.columns import ForeignKey, Serial, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.partners.tables import Force, Person
from backend.profile_changes.schemas import ProfileChangeStatus
from backend.rounds.tables import Round


class ProfileChange(Table, tablename="profile_change"):
    """A change to one of a force's peer-group attributes, proposed by its force-profile
    answers and applied only when staff approve it (a force must not move itself between
    groups). At most one change per force and dimension is pending (a partial unique index);
    a newer proposal rejects the older one."""

    id: Serial
    force = ForeignKey(references=Force, null=False)
    #: The round whose response proposed the change (kept when the round is gone).
    round = ForeignKey(references=Round, null=True, default=None, on_delete=OnDelete.set_null)
    #: region | force_type | size_band (`partners.peer_groups.DIMENSIONS`)
    dimension = Varchar(length=40)
    #: The force's attribute when the change was proposed.
    old_value = Varchar(length=40)
    new_value = Varchar(length=40)
    #: a `schemas.ProfileChangeStatus`: pending → approved | rejected
    status = Varchar(length=20, default=ProfileChangeStatus.PENDING.value, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    #: Who decided; none when a newer proposal replaced this one.
    decided_by = ForeignKey(references=Person, null=True, default=None, on_delete=OnDelete.set_null)
    decided_at = Timestamptz(null=True, default=None)
