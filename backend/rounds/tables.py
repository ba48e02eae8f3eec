from piccolo.columns import ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Unique
from piccolo.table import Table

from backend.partners.tables import Force, Person
from backend.rounds.schemas import RoundStatus
from backend.surveys.tables import QuestionnaireVersion


class Round(Table, tablename="round"):
    """One run of a questionnaire version: who is invited, when, and its disclosure settings."""

    id: Serial
    title = Varchar(length=300)
    version = ForeignKey(references=QuestionnaireVersion, null=False)
    #: a `schemas.RoundStatus`: draft → open → closed → published
    status = Varchar(length=20, default=RoundStatus.DRAFT.value, index=True)
    opens_at = Timestamptz(null=True, default=None)
    closes_at = Timestamptz(null=True, default=None)
    #: Groups with fewer responding forces than this are suppressed in published results.
    min_group_size = Integer(default=5)
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
