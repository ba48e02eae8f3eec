"""Checking a meeting's form before anything is stored: pure, so the same rules serve the pages
and the JSON routes. Each problem names its field; times are read in the meeting's IANA time
zone and kept in UTC."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from functools import cache

import msgspec

from backend.i18n import LANGUAGES, Language

TITLE_MAX = 300
AGENDA_MAX = 20_000
SUMMARY_MAX = 20_000
PLACE_MAX = 1000
URL_MAX = 2000
CAPACITY_MAX = 10_000
#: the largest id PostgreSQL's integer holds
ID_MAX = 2_147_483_647


class MeetingInput(msgspec.Struct):
    """A meeting as staff give it. Times are local to `timezone` (an IANA zone such as
    Europe/Paris), written YYYY-MM-DDTHH:MM; `title` and `agenda` map en, fr, es to their words."""

    title: dict[str, str]
    #: YYYY-MM-DDTHH:MM in `timezone`
    starts_at: str
    #: YYYY-MM-DDTHH:MM in `timezone`, after `starts_at`
    ends_at: str
    #: an IANA time zone (Europe/London, America/Bogota, UTC)
    timezone: str = "UTC"
    #: the language whose title and agenda every reader falls back to
    default_language: str = "en"
    #: where (a place, an address); give it, an online link or both
    place: str = ""
    #: https://… (shown only to registered attendees)
    online_url: str = ""
    #: Markdown by language
    agenda: dict[str, str] = msgspec.field(default_factory=dict)
    capacity: int = 20
    #: YYYY-MM-DDTHH:MM in `timezone`, at or before `starts_at`; empty: until the meeting starts
    registration_deadline: str = ""
    #: ids of reports of the library
    report_ids: list[int] = msgspec.field(default_factory=list)
    #: ids of rounds (partners see only the published ones)
    round_ids: list[int] = msgspec.field(default_factory=list)


@dataclass(frozen=True)
class MeetingValues:
    """A checked meeting, ready to store."""

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
    report_ids: list[int]
    round_ids: list[int]


class Invalid(Exception):
    """Bad input: problems by field; nothing was stored."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


@cache
def zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _texts(values: dict[str, str]) -> dict[str, str]:
    return {k: v.replace("\x00", "").strip() for k, v in values.items() if k in LANGUAGES and v.strip()}


def local_to_utc(text: str, zone: str) -> dt.datetime | None:
    """A local time (YYYY-MM-DDTHH:MM, or with a space) in `zone` as UTC; None if unreadable."""
    try:
        naive = dt.datetime.fromisoformat(text.strip().replace(" ", "T"))
    except ValueError:
        return None
    if naive.tzinfo is not None:
        return naive.astimezone(dt.UTC)
    try:
        return naive.replace(tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None


def utc_to_local(value: dt.datetime, zone: str) -> str:
    """A stored time as the form shows it (YYYY-MM-DDTHH:MM in the meeting's zone)."""
    return value.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def check_meeting(data: MeetingInput, language: Language) -> MeetingValues:
    """The meeting as it will be stored, or `Invalid` naming each field."""
    problems: dict[str, str] = {}
    title = _texts(data.title)
    agenda = _texts(data.agenda)
    default = data.default_language.strip()
    if default not in LANGUAGES:
        problems["default_language"] = language.gettext("Choose the meeting's main language: en, fr or es.")
    elif default not in title:
        problems[f"title_{default}"] = language.gettext("Give the title in the meeting's main language.")
    for code, text in title.items():
        if len(text) > TITLE_MAX:
            problems[f"title_{code}"] = language.gettext(
                "The title is too long (at most %(max)s characters).", max=TITLE_MAX
            )
    for code, text in agenda.items():
        if len(text) > AGENDA_MAX:
            problems[f"agenda_{code}"] = language.gettext(
                "The agenda is too long (at most %(max)s characters).", max=AGENDA_MAX
            )
    zone = data.timezone.strip()
    if zone not in zones():
        problems["timezone"] = language.gettext("Choose a time zone such as Europe/London or America/Bogota.")
        zone = "UTC"
    starts = local_to_utc(data.starts_at, zone)
    ends = local_to_utc(data.ends_at, zone)
    if starts is None:
        problems["starts_at"] = language.gettext("Give the start as a date and time (YYYY-MM-DD HH:MM).")
    if ends is None:
        problems["ends_at"] = language.gettext("Give the end as a date and time (YYYY-MM-DD HH:MM).")
    elif starts is not None and ends <= starts:
        problems["ends_at"] = language.gettext("The meeting must end after it starts.")
    deadline = None
    if data.registration_deadline.strip():
        deadline = local_to_utc(data.registration_deadline, zone)
        if deadline is None:
            problems["registration_deadline"] = language.gettext(
                "Give the registration deadline as a date and time (YYYY-MM-DD HH:MM), or leave it empty."
            )
        elif starts is not None and deadline > starts:
            problems["registration_deadline"] = language.gettext("Registration must close before the meeting starts.")
    place = data.place.replace("\x00", "").strip()
    url = data.online_url.replace("\x00", "").strip()
    if len(place) > PLACE_MAX:
        problems["place"] = language.gettext("The place is too long (at most %(max)s characters).", max=PLACE_MAX)
    if url and (
        not url.lower().startswith(("https://", "http://")) or len(url) > URL_MAX or any(c.isspace() for c in url)
    ):
        problems["online_url"] = language.gettext("Give the online link as a web address starting https://.")
    if not place and not url:
        problems["place"] = language.gettext("Give the place, the online link, or both.")
    if not 1 <= data.capacity <= CAPACITY_MAX:
        problems["capacity"] = language.gettext(
            "The capacity is a number of places from 1 to %(max)s.", max=CAPACITY_MAX
        )
    for name, ids in (("report_ids", data.report_ids), ("round_ids", data.round_ids)):
        if any(not 1 <= i <= ID_MAX for i in ids):
            problems[name] = language.gettext("Choose from the list.")
    if problems:
        raise Invalid(problems)
    assert starts is not None and ends is not None
    return MeetingValues(
        title=title,
        default_language=default,
        starts_at=starts,
        ends_at=ends,
        timezone=zone,
        place=place,
        online_url=url,
        agenda=agenda,
        capacity=data.capacity,
        registration_deadline=deadline,
        report_ids=list(dict.fromkeys(data.report_ids)),
        round_ids=list(dict.fromkeys(data.round_ids)),
    )


def check_summary(summary: dict[str, str], default_language: str, language: Language) -> dict[str, str]:
    """The summary as stored (Markdown by language), or `Invalid` naming the field."""
    texts = _texts(summary)
    problems: dict[str, str] = {}
    if not texts:
        problems[f"summary_{default_language}"] = language.gettext("Write the summary in at least one language.")
    for code, text in texts.items():
        if len(text) > SUMMARY_MAX:
            problems[f"summary_{code}"] = language.gettext(
                "The summary is too long (at most %(max)s characters).", max=SUMMARY_MAX
            )
    if problems:
        raise Invalid(problems)
    return texts
