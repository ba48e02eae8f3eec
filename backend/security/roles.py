"""Who is asking: the signed-in person and/or the invitation a respondent link opened."""

from __future__ import annotations

from dataclasses import dataclass

STAFF_ROLES = frozenset({"admin", "analyst"})
ROLES = ("admin", "analyst", "partner")

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
    role: str
    force_id: int | None
    can_respond: bool
    language: str

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_partner(self) -> bool:
        return self.role == "partner" and self.force_id is not None
