"""The library's tables: a report's description and, in its own table, its PDF (bytea; see
docs/library.md for why not a large object or a file on disk)."""

from piccolo.columns import JSONB, Boolean, Bytea, Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.partners.tables import Person


class Report(Table, tablename="library_report"):
    id: Serial
    #: {"en": ..., "fr": ..., "es": ...}: at least the default language's
    title = JSONB(default={})
    summary = JSONB(default={})
    default_language = Varchar(length=5, default="en")
    authors = Text(default="")
    published_on = Date()
    #: section ids of the drug-market questionnaire
    themes = JSONB(default=[])
    filename = Varchar(length=255)
    size = Integer()
    published = Boolean(default=True, index=True)
    created_by = ForeignKey(references=Person, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ReportFile(Table, tablename="library_file"):
    """The PDF itself, apart so that listing reports never reads it."""

    id: Serial
    report = ForeignKey(references=Report, null=False, unique=True, on_delete=OnDelete.cascade)
    content = Bytea()
