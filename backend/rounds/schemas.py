"""Read models of rounds and invitations: what the rounds services return (never raw rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import msgspec

from backend.i18n import Language, Shown
from backend.responses.schemas import ResponseStatus, StatusCounts
from backend.rounds.titles import shown_title

if TYPE_CHECKING:  # the overview's parts; read models stay importable by the tables (no database code)
    from backend.analysis.summary import QuestionSummary
    from backend.publication.schemas import PublicationVersionRow
    from backend.surveys import Survey


class RoundStatus(StrEnum):
    """draft → scheduled (opens at a set time) or open → closed → published."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"
    PUBLISHED = "published"


class RoundRow(msgspec.Struct, frozen=True):
    """A round as stored."""

    id: int
    #: in the questionnaire's default language
    title: str
    #: the title in every language it was given in, the default's among them (`titles.py`)
    titles: dict[str, str]
    #: the questionnaire version it asks
    version_id: int = msgspec.field(name="version")
    status: RoundStatus
    opens_at: datetime | None
    closes_at: datetime | None
    #: groups with fewer responding forces are suppressed in published results
    min_group_size: int
    created_by: int | None
    created_at: datetime
    #: reminders go this many days before the deadline (`reminders.py`) ...
    reminder_days: list[int] = msgspec.field(default_factory=lambda: [7, 2])
    #: ... at most this many to each person (0: no scheduled reminders)
    reminder_cap: int = 2

    def shown_title(self, language: Language, default_language: str) -> Shown:
        """The title in `language`, else in the questionnaire's default language."""
        return shown_title(language, self.titles, self.title, default_language)


class RoundListing(msgspec.Struct, frozen=True):
    """A line of the list of rounds: the round, its questionnaire and its response counts."""

    id: int
    #: in the questionnaire's default language
    title: str
    #: the title in every language it was given in
    titles: dict[str, str]
    status: RoundStatus
    opens_at: datetime | None
    closes_at: datetime | None
    min_group_size: int
    created_at: datetime
    version_label: str
    questionnaire: str
    slug: str
    forces_invited: int
    submitted: int
    drafts: int


class InvitationRow(msgspec.Struct, frozen=True):
    """An invitation as staff follow it: who, for which force, and their force's response."""

    id: int
    #: the link is derived from it (`services.invitation_url`)
    nonce: str
    first_opened_at: datetime | None
    last_opened_at: datetime | None
    revoked_at: datetime | None
    expires_at: datetime
    person_name: str
    email: str
    force_id: int
    force_name: str
    #: None: the force has not started
    response_status: ResponseStatus | None
    submitted_at: datetime | None


class LinkedInvitation(InvitationRow, frozen=True):
    """An invitation with its personal link, for staff to hand on."""

    link: str


class InvitationContext(msgspec.Struct, frozen=True):
    """What a respondent page (and a link's start page) knows about its invitation."""

    id: int
    round_id: int
    person_id: int
    force_id: int
    version_id: int
    round_status: RoundStatus
    #: in the questionnaire's default language
    round_title: str
    closes_at: datetime | None
    force_name: str
    person_name: str
    #: the person's preferred language; None until they choose one
    language: str | None
    #: the round's title in every language it was given in (only on the link's start page:
    #: `services.peek_invitation`)
    round_titles: dict[str, str] = {}

    def shown_title(self, language: Language, default_language: str) -> Shown:
        """The round's title in `language`, else in the questionnaire's default language."""
        return shown_title(language, self.round_titles, self.round_title, default_language)


class OpenedInvitation(msgspec.Struct, frozen=True):
    invitation_id: int
    round_id: int
    person_id: int
    force_id: int
    #: The link's identity (its token's hash), kept in the session and checked on every
    #: respondent request: a new link or a revocation ends sessions opened with the old one.
    link_hash: str


@dataclass(frozen=True)
class RoundOverview:
    """Everything the staff page of a round shows."""

    round: RoundRow
    survey: Survey
    invitations: list[LinkedInvitation]
    #: forces with at least one invitation
    forces_invited: int
    counts: StatusCounts
    #: per question, raw figures (staff see everything)
    summary: list[QuestionSummary]
    #: published versions, newest first
    versions: list[PublicationVersionRow]
