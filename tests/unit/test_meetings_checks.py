"""A meeting's pure parts (docs/meetings.md): the form's checks, each naming its field, local
times read in the meeting's IANA zone (daylight saving included), and the calendar file."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from backend.i18n import language_for
from backend.meetings.calendar import meeting_calendar
from backend.meetings.checks import Invalid, MeetingInput, check_meeting, check_summary, local_to_utc, utc_to_local

EN = language_for("en")


def data(**changes: object) -> MeetingInput:
    values: dict[str, object] = {
        "title": {"en": "Exchange", "es": "  Intercambio  ", "de": "Austausch"},
        "starts_at": "2027-07-01T14:00",
        "ends_at": "2027-07-01T16:00",
        "timezone": "Europe/Paris",
        "place": " Lyon ",
        **changes,
    }
    return MeetingInput(**values)  # type: ignore[arg-type]


def test_a_good_meeting_is_stored_in_utc_with_its_zone() -> None:
    checked = check_meeting(data(), EN)
    assert checked.starts_at == dt.datetime(2027, 7, 1, 12, 0, tzinfo=dt.UTC)  # summer time: UTC+2
    assert checked.timezone == "Europe/Paris" and checked.place == "Lyon"
    assert checked.title == {"en": "Exchange", "es": "Intercambio"}  # trimmed; unknown languages dropped
    assert utc_to_local(checked.starts_at, "Europe/Paris") == "2027-07-01T14:00"
    assert local_to_utc("2027-01-01 14:00", "Europe/Paris") == dt.datetime(2027, 1, 1, 13, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": {"fr": "x"}}, "title_en"),
        ({"title": {"en": "x" * 301}}, "title_en"),
        ({"timezone": "../../etc/passwd"}, "timezone"),
        ({"starts_at": "2027-13-01T10:00"}, "starts_at"),
        ({"ends_at": "2027-07-01T14:00"}, "ends_at"),
        ({"capacity": -1}, "capacity"),
        ({"place": "", "online_url": ""}, "place"),
        ({"online_url": "ftp://x"}, "online_url"),
        ({"online_url": "https://a b"}, "online_url"),
        ({"registration_deadline": "2027-07-02T10:00"}, "registration_deadline"),
        ({"registration_deadline": "soon"}, "registration_deadline"),
        ({"report_ids": [0]}, "report_ids"),
        ({"agenda": {"en": "x" * 20_001}}, "agenda_en"),
    ],
)
def test_each_problem_names_its_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(Invalid) as caught:
        check_meeting(data(**changes), EN)
    assert field in caught.value.problems, caught.value.problems


def test_summary_needs_one_language() -> None:
    with pytest.raises(Invalid) as caught:
        check_summary({"en": " ", "fr": ""}, "fr", EN)
    assert list(caught.value.problems) == ["summary_fr"]
    assert check_summary({"es": " Texto ", "de": "x"}, "en", EN) == {"es": "Texto"}


def test_calendar_file() -> None:
    starts = dt.datetime(2027, 7, 1, 12, 0, tzinfo=dt.UTC)
    content = meeting_calendar(
        meeting_id=7,
        base_url="https://px.example.org",
        title="Exchange; with, commas",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        timezone="Europe/Paris",
        place="",
        online_url="https://meet.example.org/x",
        description="1. Welcome\n2. Talk",
        sequence=3,
        cancelled=True,
        stamp=starts,
    )
    calendar = icalendar.Calendar.from_ical(content)
    assert str(calendar["METHOD"]) == "CANCEL"
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == "meeting-7@px.example.org" and int(event["SEQUENCE"]) == 3
    assert str(event["SUMMARY"]) == "Exchange; with, commas"  # escaped and read back
    assert event.decoded("DTSTART") == starts and str(event["DTSTART"].params["TZID"]) == "Europe/Paris"
    assert str(event["LOCATION"]) == "https://meet.example.org/x" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["DESCRIPTION"]) == "1. Welcome\n2. Talk"
