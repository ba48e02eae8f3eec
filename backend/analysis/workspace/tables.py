"""The workspace's tables: free-text coding (a codebook of themes per round and question, and
which answers carry which theme) and the allocation answers refused because their shares did
not add up (response-quality flags). Staff only."""

from piccolo.columns import ForeignKey, Real, Serial, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Unique
from piccolo.table import Table

from backend.partners.tables import Force, Person
from backend.responses.tables import Response
from backend.rounds.tables import Round


class CodingTheme(Table, tablename="coding_theme"):
    """A theme of a text question's codebook, in one round (staff add, rename, merge, delete)."""

    id: Serial
    round = ForeignKey(references=Round, null=False)
    question_id = Varchar(length=100)
    name = Varchar(length=120)
    created_by = ForeignKey(references=Person, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())

    one_name_per_question = Unique([round, question_id, name])


class CodingTag(Table, tablename="coding_tag"):
    """A theme given to one force's answer (its response) to the theme's question."""

    id: Serial
    theme = ForeignKey(references=CodingTheme, null=False, on_delete=OnDelete.cascade)
    response = ForeignKey(references=Response, null=False, on_delete=OnDelete.cascade)
    tagged_by = ForeignKey(references=Person, null=True, default=None)
    tagged_at = Timestamptz(default=TimestamptzNow())

    one_tag_per_answer = Unique([theme, response])


class CodingPublish(Table, tablename="coding_publish"):
    """A text question whose coded theme counts staff chose to publish with the round, through
    disclosure control (`publication/themes.py`); no row: staff only. The text is never published."""

    id: Serial
    round = ForeignKey(references=Round, null=False, on_delete=OnDelete.cascade)
    question_id = Varchar(length=100)
    chosen_by = ForeignKey(references=Person, null=True, default=None)
    chosen_at = Timestamptz(default=TimestamptzNow())

    coding_publish_one_per_question = Unique([round, question_id])


class AllocationCorrection(Table, tablename="allocation_correction"):
    """An allocation answer refused because its shares did not add up to 100 (on a page's
    "continue" or at submission): the respondent had to correct it. Recorded since issue 13."""

    id: Serial
    round = ForeignKey(references=Round, null=False)
    force = ForeignKey(references=Force, null=False)
    question_id = Varchar(length=100)
    #: what the shares added up to
    total = Real()
    created_at = Timestamptz(default=TimestamptzNow())
