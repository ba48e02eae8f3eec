"""The briefing packs' one table: the questions for discussion staff wrote for a round (the
packs themselves are drawn on demand from the published round and kept in memory, `cache.py`)."""

from piccolo.columns import JSONB, ForeignKey, Timestamptz
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.partners.tables import Person
from backend.rounds.tables import Round


class BriefingQuestions(Table, tablename="briefing_questions"):
    """A round's questions for discussion: {"en": [...], "fr": [...], "es": [...]}, each list in
    the order staff wrote them (a language left empty falls back to the first one written)."""

    round = ForeignKey(references=Round, null=False, unique=True, on_delete=OnDelete.cascade)
    questions = JSONB(default={})
    updated_by = ForeignKey(references=Person, null=True, default=None, on_delete=OnDelete.set_null)
    updated_at = Timestamptz(default=TimestamptzNow())
