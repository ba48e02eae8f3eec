from piccolo.columns import JSONB, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Questionnaire(Table, tablename="questionnaire"):
    """A questionnaire, identified by the `id` slug of its definition file."""

    id: Serial
    slug = Varchar(length=100, unique=True)
    title = Varchar(length=300)
    purpose = Varchar(length=20, default="practice")
    created_at = Timestamptz(default=TimestamptzNow())


class QuestionnaireVersion(Table, tablename="questionnaire_version"):
    """One distinct content of a questionnaire: identified by the hash of its normalised
    definition. Never updated (a database trigger refuses changes to the definition)."""

    id: Serial
    questionnaire = ForeignKey(references=Questionnaire, null=False)
    version_label = Varchar(length=100)
    content_hash = Varchar(length=64, unique=True)
    definition = JSONB()
    source_name = Varchar(length=300)
    source = Text()
    loaded_at = Timestamptz(default=TimestamptzNow())
