"""The practice bank's tables. A note's words live in `practice_text`, one row per language (its
original language and each translation), each with a full-text `search` column that PostgreSQL
keeps up to date (a generated column in that language's configuration, with a GIN index: made
by a raw migration, as Piccolo cannot declare either). The author is kept for staff only: no
partner-facing output reads `author` or `author_force` of an anonymous note."""

from piccolo.columns import JSONB, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Unique
from piccolo.table import Table

from backend.partners.tables import Force, Person


class Note(Table, tablename="practice_note"):
    id: Serial
    #: problem categories (`schemas.Problem` values)
    problems = JSONB(default=[])
    #: worked | promising | new | didnt_work (`schemas.StatusLabel`)
    status_label = Varchar(length=20)
    #: en | fr | es: the language the author wrote in
    original_language = Varchar(length=5, default="en")
    #: staff only (never in partner output)
    author = ForeignKey(references=Person, null=True, default=None, on_delete=OnDelete.set_null)
    #: the author's force when they wrote it (none for staff); shown by name on named notes only
    author_force = ForeignKey(references=Force, null=True, default=None, on_delete=OnDelete.set_null)
    #: named | anonymous (`schemas.Attribution`)
    attribution = Varchar(length=10, default="anonymous")
    #: draft | submitted | published | returned | withdrawn (`schemas.NoteState`)
    state = Varchar(length=12, default="draft", index=True)
    #: staff's comment when they return a note to its author
    staff_comment = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    submitted_at = Timestamptz(null=True, default=None)
    published_at = Timestamptz(null=True, default=None)
    reviewed_by = ForeignKey(references=Person, null=True, default=None, on_delete=OnDelete.set_null)


class NoteText(Table, tablename="practice_text"):
    """A note's words in one language (the original, or a translation)."""

    id: Serial
    note = ForeignKey(references=Note, null=False, on_delete=OnDelete.cascade)
    language = Varchar(length=5)
    title = Text()
    approach = Text(default="")
    partners = Text(default="")
    resources = Text(default="")
    outcome = Text(default="")
    translated_by = ForeignKey(references=Person, null=True, default=None, on_delete=OnDelete.set_null)
    updated_at = Timestamptz(default=TimestamptzNow())
    one_per_language = Unique([note, language])


class NoteTag(Table, tablename="practice_tag"):
    """A note tagged with a theme (section id) or question (question id) of a questionnaire,
    named by its slug: stable across versions and rounds (docs/practice.md)."""

    id: Serial
    note = ForeignKey(references=Note, null=False, on_delete=OnDelete.cascade)
    questionnaire = Varchar(length=100)
    #: theme | question
    kind = Varchar(length=10)
    subject = Varchar(length=100)
    one_per_subject = Unique([note, questionnaire, kind, subject])


class ContactRequest(Table, tablename="practice_contact"):
    """A reader's message to a note's author, sent through staff (who see the author and forward it)."""

    id: Serial
    note = ForeignKey(references=Note, null=False, on_delete=OnDelete.cascade)
    sender = ForeignKey(references=Person, null=True, default=None, on_delete=OnDelete.set_null)
    message = Text()
    created_at = Timestamptz(default=TimestamptzNow())
    #: open | forwarded | declined
    state = Varchar(length=12, default="open", index=True)
    handled_by = ForeignKey(references=Person, null=True, default=None, on_delete=OnDelete.set_null)
    handled_at = Timestamptz(null=True, default=None)


class PracticeNotice(Table, tablename="practice_notice"):
    """ "A new practice note was published": the note, never who wrote it."""

    id: Serial
    person = ForeignKey(references=Person, null=False, on_delete=OnDelete.cascade)
    note = ForeignKey(references=Note, null=False, on_delete=OnDelete.cascade)
    created_at = Timestamptz(default=TimestamptzNow())
    read_at = Timestamptz(null=True, default=None)
    one_per_note = Unique([person, note])
