"""The discussion tables. A thread is named by its key (`kind`, `round`, `subject`): a chart is
(chart, round, question id), a theme (theme, round, section id), a meeting (meeting, none,
meeting id), a library report (report, none, report id). Authors are kept for moderators only:
no partner-facing output reads them."""

from piccolo.columns import Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Unique
from piccolo.table import Table

from backend.partners.tables import Person
from backend.rounds.tables import Round


class Thread(Table, tablename="exchange_thread"):
    """A discussion, made when its first post is written."""

    id: Serial
    #: chart | theme | meeting | report (`schemas.ThreadKind`)
    kind = Varchar(length=20)
    #: The published round whose chart or theme it discusses (none for a meeting or a report).
    round = ForeignKey(references=Round, null=True, default=None, on_delete=OnDelete.cascade)
    #: The question id (chart), section id (theme), meeting id (meeting) or report id (report).
    subject = Varchar(length=100)
    created_at = Timestamptz(default=TimestamptzNow())
    one_per_key = Unique([kind, round, subject], nulls_distinct=False)


class Post(Table, tablename="exchange_post"):
    """One post. `state`: visible | deleted (by its author) | hidden | redacted (by moderators,
    with `moderation_note` shown to everyone)."""

    id: Serial
    thread = ForeignKey(references=Thread, null=False, on_delete=OnDelete.cascade)
    #: Moderators only (never in partner output).
    author = ForeignKey(references=Person, null=True, default=None, on_delete=OnDelete.set_null)
    #: The id of the post (in the same thread) this one answers.
    reply_to = Integer(null=True, default=None)
    body = Text()
    state = Varchar(length=20, default="visible", index=True)
    moderation_note = Text(default="")
    edited = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class PostReport(Table, tablename="exchange_report"):
    """Someone asked moderators to look at a post; open until a moderator resolves it."""

    id: Serial
    post = ForeignKey(references=Post, null=False, on_delete=OnDelete.cascade)
    reporter = ForeignKey(references=Person, null=True, default=None, on_delete=OnDelete.set_null)
    reason = Text()
    created_at = Timestamptz(default=TimestamptzNow())
    resolved_at = Timestamptz(null=True, default=None)
    resolved_by = ForeignKey(references=Person, null=True, default=None, on_delete=OnDelete.set_null)
    #: hidden | redacted | dismissed
    outcome = Varchar(length=20, default="")


class Follow(Table, tablename="exchange_follow"):
    id: Serial
    person = ForeignKey(references=Person, null=False, on_delete=OnDelete.cascade)
    thread = ForeignKey(references=Thread, null=False, on_delete=OnDelete.cascade)
    created_at = Timestamptz(default=TimestamptzNow())
    one_per_person = Unique([person, thread])


class Notice(Table, tablename="exchange_notice"):
    """ "A new post in a thread you follow": the thread and post, never who wrote it."""

    id: Serial
    person = ForeignKey(references=Person, null=False, on_delete=OnDelete.cascade)
    thread = ForeignKey(references=Thread, null=False, on_delete=OnDelete.cascade)
    post = ForeignKey(references=Post, null=False, on_delete=OnDelete.cascade)
    created_at = Timestamptz(default=TimestamptzNow())
    read_at = Timestamptz(null=True, default=None)


class DigestChoice(Table, tablename="exchange_digest"):
    """A partner's e-mail digest of new posts in threads they follow (`digest.py`): none (no row
    or `none`), daily or weekly; the period and time of the last digest queued."""

    id: Serial
    person = ForeignKey(references=Person, null=False, unique=True, on_delete=OnDelete.cascade)
    #: none | daily | weekly (`digest_plan.Frequency`)
    frequency = Varchar(length=10, default="none")
    #: Posts after this time go in the next digest (the choice's time, then each digest's).
    since = Timestamptz(default=TimestamptzNow())
    #: The period (`digest_plan.period`) of the last digest queued, empty before the first.
    last_period = Varchar(length=20, default="")
    updated_at = Timestamptz(default=TimestamptzNow())
