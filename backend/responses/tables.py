from piccolo.columns import JSONB, Boolean, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Unique
from piccolo.table import Table

from backend.partners.tables import Force, Person
from backend.responses.schemas import ResponseStatus
from backend.rounds.tables import Round


class Response(Table, tablename="response"):
    """A force's answers in a round: one per force and round."""

    id: Serial
    round = ForeignKey(references=Round, null=False)
    force = ForeignKey(references=Force, null=False)
    #: a `schemas.ResponseStatus`: draft | submitted
    status = Varchar(length=20, default=ResponseStatus.DRAFT.value, index=True)
    #: Increases with every save; a save carrying an older revision is refused.
    revision = Integer(default=0)
    answers = JSONB(default={})
    language = Varchar(length=10, default="en")
    started_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    updated_by = ForeignKey(references=Person, null=True, default=None)
    #: The page (a random id given to each rendered questionnaire page) the last save came
    #: from: a page's own later save is not a conflict with itself (`services.save_answers`).
    saved_by_page = Varchar(length=64, null=True, default=None)
    submitted_at = Timestamptz(null=True, default=None)
    submitted_by = ForeignKey(references=Person, null=True, default=None)

    one_per_force = Unique([round, force])


class AnswerChange(Table, tablename="answer_change"):
    """One answer changed by one save (`history.py`): who, when, the value before and after.
    A save refused because someone saved first is kept too (`saved` false): what was typed is
    never lost, even when the form it was typed in is closed."""

    id: Serial
    response = ForeignKey(references=Response, null=False, index=True)
    question = Varchar(length=200)
    #: the answer before (None: none) and after the save (None: cleared), as stored in `answers`
    old_value = JSONB(null=True, default=None)
    new_value = JSONB(null=True, default=None)
    person = ForeignKey(references=Person, null=True, default=None)
    changed_at = Timestamptz(default=TimestamptzNow())
    #: the response's revision after the save (a refused save: the revision it lost to)
    revision = Integer(default=0)
    saved = Boolean(default=True)
