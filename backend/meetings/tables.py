"""The meetings' tables: a meeting (times in UTC with the IANA time zone they were given in),
its links to reports and rounds, registrations, and in-app notices (docs/meetings.md)."""

from piccolo.columns import JSONB, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Unique
from piccolo.table import Table

from backend.library.tables import Report
from backend.partners.tables import Person
from backend.rounds.tables import Round


class Meeting(Table, tablename="meeting"):
    id: Serial
    #: {"en": ..., "fr": ..., "es": ...}: at least the default language's
    title = JSONB(default={})
    default_language = Varchar(length=5, default="en")
    #: UTC; `timezone` is the IANA zone staff gave the times in (shown beside them)
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    timezone = Varchar(length=64, default="UTC")
    place = Text(default="")
    #: shown only to registered attendees (and staff)
    online_url = Text(default="")
    #: Markdown by language
    agenda = JSONB(default={})
    capacity = Integer(default=20)
    #: None: registration is open until the meeting starts
    registration_deadline = Timestamptz(null=True, default=None)
    #: draft | announced | cancelled (`schemas.MeetingState`)
    state = Varchar(length=20, default="draft", index=True)
    #: the calendar file's SEQUENCE: one more on each change after announcing
    sequence = Integer(default=0)
    #: Markdown by language, unattributed; shown to partners once `summary_published_at` is set
    summary = JSONB(default={})
    summary_published_at = Timestamptz(null=True, default=None)
    announced_at = Timestamptz(null=True, default=None)
    created_by = ForeignKey(references=Person, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class MeetingReport(Table, tablename="meeting_report"):
    id: Serial
    meeting = ForeignKey(references=Meeting, null=False, on_delete=OnDelete.cascade)
    report = ForeignKey(references=Report, null=False, on_delete=OnDelete.cascade)
    meeting_one_per_report = Unique([meeting, report])


class MeetingRound(Table, tablename="meeting_round"):
    id: Serial
    meeting = ForeignKey(references=Meeting, null=False, on_delete=OnDelete.cascade)
    round = ForeignKey(references=Round, null=False, on_delete=OnDelete.cascade)
    meeting_one_per_round = Unique([meeting, round])


class Registration(Table, tablename="meeting_registration"):
    """One person's place at a meeting: registered, waitlisted (in `position` order) or cancelled."""

    id: Serial
    meeting = ForeignKey(references=Meeting, null=False, on_delete=OnDelete.cascade)
    person = ForeignKey(references=Person, null=False, on_delete=OnDelete.cascade)
    #: registered | waitlisted | cancelled (`schemas.RegistrationState`)
    state = Varchar(length=20, default="registered")
    #: the order of registration within the meeting (the waiting list's order)
    position = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    meeting_one_per_person = Unique([meeting, person])


class MeetingNotice(Table, tablename="meeting_notice"):
    """An in-app notice: a meeting was announced, cancelled, or a waitlisted place became one."""

    id: Serial
    person = ForeignKey(references=Person, null=False, on_delete=OnDelete.cascade)
    meeting = ForeignKey(references=Meeting, null=False, on_delete=OnDelete.cascade)
    #: announced | promoted | cancelled
    kind = Varchar(length=20)
    created_at = Timestamptz(default=TimestamptzNow())
    read_at = Timestamptz(null=True, default=None)
