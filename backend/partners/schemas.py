"""Read models of forces and people: what the partners services return (never raw rows)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import msgspec

from backend.partners.peer_groups import DIMENSIONS
from backend.security.roles import Role


class PartnerRole(StrEnum):
    """A partner contact's part at their force (`person.partner_role`; staff have none). It sets
    `can_respond`: lead respondents and colleagues answer the force's questionnaires, viewers
    only read its results."""

    LEAD_RESPONDENT = "lead_respondent"
    COLLEAGUE = "colleague"
    VIEWER = "viewer"

    @property
    def responds(self) -> bool:
        return self is not PartnerRole.VIEWER


class ForceRow(msgspec.Struct, frozen=True):
    """A partner force, with its current peer-group attributes."""

    id: int
    name: str
    code: str
    country: str
    region: str
    force_type: str
    size_band: str
    active: bool
    created_at: datetime
    officers: int | None = None
    population_served: int | None = None
    deactivated_at: datetime | None = None
    merged_into: int | None = None

    def groups(self) -> dict[str, str]:
        """The force's current peer groups: dimension → value."""
        return {dim: getattr(self, dim) for dim in DIMENSIONS}


class PersonRow(msgspec.Struct, frozen=True):
    """Someone who can sign in. The password hash never leaves the partners services; whether
    there is one is `has_password`."""

    id: int
    email: str
    name: str
    #: the force of a partner contact; None for project staff
    force_id: int | None = msgspec.field(name="force")
    role: Role
    can_respond: bool
    #: None until they choose one
    language: str | None
    active: bool
    created_at: datetime
    last_sign_in_at: datetime | None
    has_password: bool
    #: a partner contact's part at their force; None for staff
    partner_role: PartnerRole | None = None
    merged_into: int | None = None


class PersonListing(msgspec.Struct, frozen=True):
    """A line of the staff list of people."""

    id: int
    name: str
    email: str
    role: Role
    can_respond: bool
    #: None for project staff
    force_id: int | None = msgspec.field(name="force")
    #: None for project staff
    force_name: str | None
    last_sign_in_at: datetime | None
    partner_role: PartnerRole | None = None
    language: str | None = None
    active: bool = True
