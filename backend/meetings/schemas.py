"""The meetings' enums and typed read models (what services return)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import msgspec

from backend.i18n import Language, Shown


class MeetingState(StrEnum):
    DRAFT = "draft"
    ANNOUNCED = "announced"
    CANCELLED = "cancelled"


class RegistrationState(StrEnum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class NoticeKind(StrEnum):
    ANNOUNCED = "announced"
    PROMOTED = "promoted"
    CANCELLED = "cancelled"


class MeetingRow(msgspec.Struct, frozen=True):
    """A meeting as stored (every language), with its registrations counted."""

    id: int
    title: dict[str, str]
    default_language: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    timezone: str
    place: str
    online_url: str
    agenda: dict[str, str]
    capacity: int
    registration_deadline: dt.datetime | None
    state: MeetingState
    sequence: int
    summary: dict[str, str]
    summary_published_at: dt.datetime | None
    announced_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    registered: int = 0
    waitlisted: int = 0

    def shown_title(self, language: Language) -> Shown:
        return language.text(self.title, self.default_language)

    def shown_agenda(self, language: Language) -> Shown | None:
        return language.text(self.agenda, self.default_language) if self.agenda else None

    def shown_summary(self, language: Language) -> Shown | None:
        return language.text(self.summary, self.default_language) if self.summary else None

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.registered)

    @property
    def closes_at(self) -> dt.datetime:
        """When registration closes: the deadline, else the start."""
        return self.registration_deadline or self.starts_at

    def is_past(self, now: dt.datetime) -> bool:
        return self.starts_at <= now

    def open_for_registration(self, now: dt.datetime) -> bool:
        return self.state == MeetingState.ANNOUNCED and now < self.closes_at and now < self.starts_at


class RegistrationRow(msgspec.Struct, frozen=True):
    """One person's registration (their own, or staff's attendee list)."""

    id: int
    meeting: int
    person: int
    state: RegistrationState
    position: int
    created_at: dt.datetime
    updated_at: dt.datetime
    #: staff's attendee list only
    name: str = ""
    email: str = ""
    force_name: str | None = None


class LinkedReport(msgspec.Struct, frozen=True):
    id: int
    title: dict[str, str]
    default_language: str
    published: bool

    def shown_title(self, language: Language) -> Shown:
        return language.text(self.title, self.default_language)


class LinkedRound(msgspec.Struct, frozen=True):
    id: int
    title: str
    titles: dict[str, str]
    #: the round has a publication (partners see only these)
    published: bool

    def shown_title(self, language: Language) -> Shown:
        """In the reader's language, else the questionnaire's default (whose title is `title`)."""
        default = next((code for code, text in self.titles.items() if text == self.title), "en")
        return language.text({default: self.title, **self.titles}, default)


class NoticeRow(msgspec.Struct, frozen=True):
    id: int
    meeting: int
    kind: NoticeKind
    created_at: dt.datetime
    read_at: dt.datetime | None


@dataclass(frozen=True)
class PackMeeting:
    """What a briefing pack says about a meeting (`services.meeting_for_pack`)."""

    meeting_id: int
    title: Shown
    starts_at: dt.datetime
    ends_at: dt.datetime
    timezone: str
    #: the place, else "online"
    place: str
    online: bool
    #: the sanitised HTML of the agenda in the language asked for (fallback: the default), "" if none
    agenda_html: str
    #: linked rounds that are published (partners may read them)
    round_ids: list[int]
    #: linked reports that are published
    report_ids: list[int]
