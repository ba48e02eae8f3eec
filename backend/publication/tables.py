from piccolo.columns import JSONB, ForeignKey, Integer, Serial, Timestamptz
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Unique
from piccolo.table import Table

from backend.partners.tables import Force, Person
from backend.rounds.tables import Round


class Publication(Table, tablename="publication"):
    """One immutable version of a round's disclosure-controlled results: all that partners may
    see. A correction is a new version; partners see the latest."""

    id: Serial
    round = ForeignKey(references=Round, null=False)
    version = Integer(default=1)
    published_at = Timestamptz(default=TimestamptzNow())
    published_by = ForeignKey(references=Person, null=True, default=None)
    min_group_size = Integer()
    #: A serialised `DisclosedRound` (see disclosure.py); never raw answers.
    snapshot = JSONB()

    one_per_version = Unique([round, version])


class PublicationBasis(Table, tablename="publication_basis"):
    """Staff-only companion of a publication: the answers and frozen peer groups it was computed
    from (so that later rounds are audited against exactly what was published) and the
    suppression report (every withheld cell and why). Never read by partner pages or routes."""

    id: Serial
    publication = ForeignKey(references=Publication, null=False, unique=True)
    basis = JSONB()
    report = JSONB()


class PublicationThemes(Table, tablename="publication_themes"):
    """One force's themes in the coded free-text questions of a publication (question id → theme
    names), frozen when it was published: what that force's own dashboard marks, so that a
    codebook edited later changes nothing published. Read only for the force's own dashboard."""

    id: Serial
    publication = ForeignKey(references=Publication, null=False, on_delete=OnDelete.cascade)
    force = ForeignKey(references=Force, null=False)
    themes = JSONB()

    publication_themes_one_per_force = Unique([publication, force])
