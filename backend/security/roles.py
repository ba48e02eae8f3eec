"""Who is asking: the signed-in person and/or the invitation a respondent link opened."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

#: Methods that read only: a request with any other may write.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Role(StrEnum):
    """What a person is: project staff (administrators and analysts) or a contact at a partner
    force. Stored as its value in `person.role`."""

    ADMIN = "admin"
    ANALYST = "analyst"
    PARTNER = "partner"

    @property
    def is_staff(self) -> bool:
        return self in (Role.ADMIN, Role.ANALYST)


#: Session keys.
PERSON_KEY = "person_id"
INVITATION_KEY = "invitation_id"
#: The hash of the link the session was opened with: checked on every respondent request, so
#: that replacing or revoking a link ends every session opened with it.
LINK_KEY = "invitation_link"


@dataclass(frozen=True)
class Viewer:
    person_id: int
    name: str
    email: str
    role: Role
    force_id: int | None
    can_respond: bool
    language: str | None

    @property
    def is_staff(self) -> bool:
        return Role(self.role).is_staff

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER and self.force_id is not None
