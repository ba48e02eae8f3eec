"""What the exchange services return. Partner-facing shapes carry no author: `PostOut.author`
is only filled for staff (and left out of JSON when empty), `own` marks the reader's own posts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import msgspec

from backend.i18n import Shown


class ThreadKind(StrEnum):
    CHART = "chart"
    THEME = "theme"
    #: a meeting's thread: (meeting, none, meeting id), on announced meetings (backend/meetings)
    MEETING = "meeting"
    #: a library report's thread: (report, none, report id), on published reports (backend/library)
    REPORT = "report"


class PostState(StrEnum):
    VISIBLE = "visible"
    #: by its author: a tombstone
    DELETED = "deleted"
    #: by moderators, with a note everyone sees
    HIDDEN = "hidden"
    REDACTED = "redacted"


#: The URL segment of each kind of thread a round has.
SEGMENTS = {"charts": ThreadKind.CHART, "themes": ThreadKind.THEME}
SEGMENT_OF = {kind: segment for segment, kind in SEGMENTS.items()}
#: The URL segment of the threads that belong to no round (`/exchange/meetings/<id>`).
ROUNDLESS = {ThreadKind.MEETING: "meetings", ThreadKind.REPORT: "reports"}


@dataclass(frozen=True)
class ThreadKey:
    """What a thread is about: (chart, round, question id), (theme, round, section id),
    (meeting, None, meeting id) or (report, None, report id)."""

    kind: ThreadKind
    round_id: int | None
    subject: str

    @property
    def path(self) -> str:
        if self.kind in ROUNDLESS:
            return f"/exchange/{ROUNDLESS[self.kind]}/{self.subject}"
        return f"/exchange/rounds/{self.round_id}/{SEGMENT_OF[self.kind]}/{self.subject}"

    @property
    def label(self) -> str:
        """For the audit trail."""
        return f"{self.kind}:{self.round_id}:{self.subject}"


@dataclass(frozen=True)
class ThreadSubject:
    """A thread a round offers (whether or not anyone wrote in it yet)."""

    key: ThreadKey
    title: Shown
    #: the section's title (a chart's theme; a theme's own)
    section: Shown
    posts: int = 0


@dataclass(frozen=True)
class IndexedThread:
    """A meeting's or a report's thread on the exchange's index (whether or not anyone wrote in
    it yet)."""

    key: ThreadKey
    title: Shown
    posts: int = 0


@dataclass(frozen=True)
class ExchangeIndex:
    """What the exchange's index lists: (round id, title, posts) of each published round, and
    the threads of announced meetings and published reports."""

    rounds: list[tuple[int, Shown, int]]
    meetings: list[IndexedThread]
    reports: list[IndexedThread]


@dataclass(frozen=True)
class ThreadContext:
    """A thread that exists for the reader: its key, title and round's title (a meeting's or a
    report's thread: "Meeting", "Report"; `subject_path` is then its page)."""

    key: ThreadKey
    title: Shown
    section: Shown
    round_title: Shown
    thread_id: int | None
    subject_path: str = ""


class PostRow(msgspec.Struct, frozen=True):
    id: int
    thread_id: int = msgspec.field(name="thread")
    author_id: int | None = msgspec.field(name="author")
    reply_to: int | None
    body: str
    state: PostState
    moderation_note: str
    edited: bool
    created_at: datetime
    updated_at: datetime
    author_name: str | None = None
    author_email: str | None = None
    force_name: str | None = None
    open_reports: int = 0


class AuthorOut(msgspec.Struct, frozen=True):
    """Who wrote a post: staff moderators only."""

    person_id: int | None
    name: str | None
    email: str | None
    force: str | None


class PostOut(msgspec.Struct, frozen=True, omit_defaults=True):
    """A post as its reader may see it. `date` is the day only: no time that could be matched
    against anything else a partner sees."""

    id: int
    #: its place in the thread (1, 2, …)
    number: int
    #: the number of the post it answers, if any
    reply_to: int | None
    #: …and its id
    reply_to_id: int | None
    #: visible | deleted | hidden | redacted
    state: str
    #: the sanitised HTML of the text ("" when deleted or hidden)
    html: str
    #: the moderators' note on a hidden or redacted post
    note: str
    edited: bool
    date: str
    #: the reader wrote it
    own: bool
    #: the reader may still edit it (its author, within the edit window)
    editable: bool
    #: the Markdown, for its author to edit (only on their own posts)
    markdown: str | None = None
    #: staff only
    author: AuthorOut | None = None
    open_reports: int | None = None

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.date)


class ThreadOut(msgspec.Struct, frozen=True):
    kind: str
    #: null for a meeting's or a report's thread
    round_id: int | None
    subject: str
    title: str
    section: str
    round_title: str
    path: str
    following: bool
    posts: list[PostOut]


class ThreadListed(msgspec.Struct, frozen=True):
    kind: str
    round_id: int
    subject: str
    title: str
    section: str
    path: str
    posts: int


class RoundListed(msgspec.Struct, frozen=True):
    """A published round on the exchange's index: its threads are listed at `threads`."""

    round_id: int
    title: str
    #: the round's discussions (its themes and charts)
    path: str
    #: the JSON list of its threads
    threads: str
    #: posts in all its threads
    posts: int


class RoundlessListed(msgspec.Struct, frozen=True):
    """A meeting's or a report's thread on the exchange's index."""

    kind: str
    subject: str
    title: str
    #: the thread's page (its JSON: the same path under /api)
    path: str
    posts: int


class IndexOut(msgspec.Struct, frozen=True):
    """Everything partners may discuss: published rounds, announced meetings, published reports."""

    rounds: list[RoundListed]
    meetings: list[RoundlessListed]
    reports: list[RoundlessListed]


class NoticeOut(msgspec.Struct, frozen=True):
    """ "A new post in a thread you follow": never who wrote it."""

    id: int
    thread_title: str
    round_title: str
    path: str
    post_number: int
    date: str
    read: bool

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.date)


class ReportOut(msgspec.Struct, frozen=True):
    id: int
    reason: str
    date: str
    reporter: str | None


class QueuedPost(msgspec.Struct, frozen=True):
    """A reported post in the moderation queue, with its author and reports (staff only)."""

    post: PostOut
    thread_path: str
    thread_title: str
    reports: list[ReportOut]
