"""Read models of force-profile changes: what the profile_changes services return."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import msgspec


class ProfileChangeStatus(StrEnum):
    """pending → approved | rejected (also rejected, with no decider, when a newer answer
    replaces a pending change)."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ProfileChangeRow(msgspec.Struct, frozen=True):
    """A proposed change to one of a force's peer-group attributes, with the names staff read."""

    id: int
    force_id: int = msgspec.field(name="force")
    #: the round whose force-profile response proposed it (None when the round is gone)
    round_id: int | None = msgspec.field(name="round")
    #: region | force_type | size_band (`partners.peer_groups.DIMENSIONS`)
    dimension: str
    #: the force's attribute when the change was proposed
    old_value: str
    new_value: str
    status: ProfileChangeStatus
    created_at: datetime
    decided_by_id: int | None = msgspec.field(name="decided_by")
    decided_at: datetime | None
    force_name: str
    round_title: str | None
    #: None: nobody decided yet, or a newer answer replaced it
    decided_by_name: str | None
