from piccolo.columns import JSONB, ForeignKey, Integer, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.partners.tables import Person
from backend.rounds.tables import Round


class Publication(Table, tablename="publication"):
    """The immutable, disclosure-controlled results of a round: all that partners may see."""

    round = ForeignKey(references=Round, null=False, unique=True)
    published_at = Timestamptz(default=TimestamptzNow())
    published_by = ForeignKey(references=Person, null=True, default=None)
    min_group_size = Integer()
    #: A serialised `DisclosedRound` (see disclosure.py); never raw answers.
    snapshot = JSONB()
