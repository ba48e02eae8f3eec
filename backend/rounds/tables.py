from piccolo.columns import JSONB, Boolean, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Unique
from piccolo.table import Table

from backend.partners.tables import Force, Person
from backend.rounds.schemas import RoundStatus
from backend.surveys.tables import QuestionnaireVersion


class Round(Table, tablename="round"):
    """One run of a questionnaire version: who is invited, when, and its disclosure settings."""

    id: Serial
    #: the title in the questionnaire's default language (staff pages, reports, the JSON API)
    title = Varchar(length=300)
    #: the title in every language it was given in, {language: title}, the default language's
    #: among them: partners and respondents read theirs, else the default (`rounds/titles.py`)
    titles = JSONB(default={})
    version = ForeignKey(references=QuestionnaireVersion, null=False)
    #: a `schemas.RoundStatus`: draft → scheduled or open → closed → published
    status = Varchar(length=20, default=RoundStatus.DRAFT.value, index=True)
    opens_at = Timestamptz(null=True, default=None)
    closes_at = Timestamptz(null=True, default=None)
    #: Groups with fewer responding forces than this are suppressed in published results.
    min_group_size = Integer(default=5)
    #: Reminders go this many days before the deadline (`reminders.py`), e.g. [7, 2] ...
    reminder_days = JSONB(default=[7, 2])
    #: ... at most this many to each person in the round (0: no scheduled reminders).
    reminder_cap = Integer(default=2)
    created_by = ForeignKey(references=Person, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Invitation(Table, tablename="invitation"):
    """A personal link for one person at one force in one round. The link's token is derived
    from SECRET_KEY and `nonce`; only its hash is stored."""

    id: Serial
    round = ForeignKey(references=Round, null=False)
    person = ForeignKey(references=Person, null=False)
    force = ForeignKey(references=Force, null=False)
    nonce = Varchar(length=64)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
    first_opened_at = Timestamptz(null=True, default=None)
    last_opened_at = Timestamptz(null=True, default=None)


class RoundForce(Table, tablename="round_force"):
    """A force's peer groups as frozen when the round opened.

    Results of a round are grouped by these values, not by the force's current attributes,
    so a force cannot move itself between groups while a round is open or before it is
    published; a change approved later applies to rounds opened afterwards.
    """

    id: Serial
    round = ForeignKey(references=Round, null=False)
    force = ForeignKey(references=Force, null=False)
    region = Varchar(length=40)
    force_type = Varchar(length=40)
    size_band = Varchar(length=40)

    unique_round_force = Unique([round, force])


class Reminder(Table, tablename="reminder"):
    """A reminder sent to one invited person (`reminders.py`): by the schedule (`slot`: which
    step of which deadline, e.g. `7d@2027-01-28T23:59:00+00:00`) or by staff ("remind now",
    `slot` unique to that action). One row per invitation and slot: a schedule that runs twice
    sends once."""

    id: Serial
    round = ForeignKey(references=Round, null=False)
    invitation = ForeignKey(references=Invitation, null=False)
    person = ForeignKey(references=Person, null=False)
    slot = Varchar(length=80)
    #: sent by staff ("remind now") rather than by the schedule
    manual = Boolean(default=False)
    sent_by = ForeignKey(references=Person, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())

    one_per_slot = Unique([invitation, slot])
