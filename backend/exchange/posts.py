"""Writing and reading posts: new posts and replies, edits within the edit window, deletion by
the author (a tombstone), reports. Every change is audited (the audit trail is staff-only, so
it may name the author). What a reader gets is `PostOut`: for partners without any
attribution, their own posts marked `own`; for staff with the author."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec

from backend.audit.services import record
from backend.database import fetch, fetchrow
from backend.exchange.identity import identity_mentions
from backend.exchange.markdown import MAX_LENGTH, render
from backend.exchange.schemas import AuthorOut, PostOut, PostRow, PostState, ThreadKey
from backend.exchange.tables import Follow, Notice, Post, PostReport, Thread
from backend.exchange.threads import ensure_thread, thread_key
from backend.i18n import Language
from backend.security.roles import Viewer

#: The longest report reason.
MAX_REASON = 1000


class Refused(Exception):
    """A request that cannot be met: `status_code` (404 no such post for this reader, 403 not
    theirs, 409 too late or already gone, 422 bad input in `field`), its message; nothing
    changed."""

    def __init__(self, status_code: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.field = field


class NeedsConfirmation(Exception):
    """The text names what could identify a force or a person (`found`): the author must
    confirm (or edit) before it is published."""

    def __init__(self, found: list[str], message: str) -> None:
        super().__init__(message)
        self.found = found
        self.message = message


POSTS = """
SELECT p.id, p.thread, p.author, p.reply_to, p.body, p.state, p.moderation_note, p.edited, p.created_at,
       p.updated_at, pe.name AS author_name, pe.email AS author_email, f.name AS force_name,
       (SELECT count(*) FROM exchange_report r WHERE r.post = p.id AND r.resolved_at IS NULL) AS open_reports
FROM exchange_post p LEFT JOIN person pe ON pe.id = p.author LEFT JOIN force f ON f.id = pe.force
WHERE p.thread = $1 ORDER BY p.id"""

ONE_POST = """
SELECT p.id, p.thread, p.author, p.reply_to, p.body, p.state, p.moderation_note, p.edited, p.created_at,
       p.updated_at, pe.name AS author_name, pe.email AS author_email, f.name AS force_name,
       (SELECT count(*) FROM exchange_report r WHERE r.post = p.id AND r.resolved_at IS NULL) AS open_reports
FROM exchange_post p LEFT JOIN person pe ON pe.id = p.author LEFT JOIN force f ON f.id = pe.force
WHERE p.id = $1"""


async def thread_rows(thread: int) -> list[PostRow]:
    return msgspec.convert(await fetch(POSTS, thread), list[PostRow])


async def post_row(post_id: int) -> PostRow | None:
    row = await fetchrow(ONE_POST, post_id)
    return None if row is None else msgspec.convert(row, PostRow)


def editable(row: PostRow, viewer: Viewer, edit_minutes: int, now: datetime | None = None) -> bool:
    """Its author may still edit it: their own visible post, within the edit window."""
    now = now or datetime.now(UTC)
    return (
        row.author_id == viewer.person_id
        and row.state == PostState.VISIBLE
        and now - row.created_at < timedelta(minutes=edit_minutes)
    )


def post_out(row: PostRow, number: int, reply_number: int | None, viewer: Viewer, edit_minutes: int) -> PostOut:
    """A post for `viewer`: the author only for staff, `own` for the author."""
    own = row.author_id is not None and row.author_id == viewer.person_id
    shows_text = row.state in (PostState.VISIBLE, PostState.REDACTED)
    author = None
    if viewer.is_staff:
        author = AuthorOut(row.author_id, row.author_name, row.author_email, row.force_name)
    return PostOut(
        id=row.id,
        number=number,
        reply_to=reply_number,
        reply_to_id=row.reply_to if reply_number is not None else None,
        state=row.state.value,
        html=render(row.body) if shows_text else "",
        note=row.moderation_note if row.state in (PostState.HIDDEN, PostState.REDACTED) else "",
        edited=row.edited,
        date=row.created_at.date().isoformat(),
        own=own,
        editable=editable(row, viewer, edit_minutes),
        markdown=row.body if (own and row.state == PostState.VISIBLE) or viewer.is_staff else None,
        author=author,
        open_reports=row.open_reports if viewer.is_staff else None,
    )


def numbered(rows: list[PostRow], viewer: Viewer, edit_minutes: int) -> list[PostOut]:
    numbers = {row.id: i for i, row in enumerate(rows, start=1)}
    return [post_out(row, numbers[row.id], numbers.get(row.reply_to or 0), viewer, edit_minutes) for row in rows]


async def thread_posts(thread: int | None, viewer: Viewer, edit_minutes: int) -> list[PostOut]:
    return [] if thread is None else numbered(await thread_rows(thread), viewer, edit_minutes)


def text_problem(text: str, language: Language) -> str | None:
    if not text.strip():
        return language.gettext("Write something to post.")
    if len(text) > MAX_LENGTH:
        return language.gettext(
            "A post can be at most %(max)s characters long; this one has %(n)s.",
            max=language.number(MAX_LENGTH),
            n=language.number(len(text)),
        )
    return None


def clean(text: str) -> str:
    """PostgreSQL text cannot hold NUL, and nobody types one."""
    return text.replace("\x00", "")


async def _check_text(viewer: Viewer, text: str, confirm: bool, language: Language) -> None:
    problem = text_problem(text, language)
    if problem:
        raise Refused(422, problem, "body")
    if not confirm:
        found = await identity_mentions(viewer, text)
        if found:
            # Staff can see who keeps meeting the warning (someone probing for registered names).
            await record(viewer, "exchange.identity_warning", f"person:{viewer.person_id}", found=len(found))
            raise NeedsConfirmation(
                found,
                language.gettext(
                    "Your text names %(found)s. Other partners must not learn who wrote a post: "
                    "remove names of forces, places and people, or confirm that you want to post it as it is.",
                    found=", ".join(f"“{f}”" for f in found),
                ),
            )


async def write_post(
    key: ThreadKey, viewer: Viewer, text: str, reply_to: int | None, confirm: bool, language: Language
) -> PostRow:
    """A new post (a reply when `reply_to` names a post of the same thread); its author follows
    the thread, and everyone else following it gets a notice. The caller has checked that the
    reader may see the thread (`threads.resolve`)."""
    text = clean(text)
    await _check_text(viewer, text, confirm, language)
    async with Post._meta.db.transaction():
        thread = await ensure_thread(key)
        if reply_to is not None:
            target = await Post.select(Post.id).where((Post.id == reply_to) & (Post.thread == thread)).first()
            if target is None:
                raise Refused(422, language.gettext("The post you reply to is not in this thread."), "reply_to")
        rows = await Post.insert(Post(thread=thread, author=viewer.person_id, reply_to=reply_to, body=text)).returning(
            Post.id
        )
        post_id = int(rows[0]["id"])
        await follow_thread(thread, viewer)
        followers = await Follow.select(Follow.person).where(
            (Follow.thread == thread) & (Follow.person != viewer.person_id)
        )
        if followers:
            await Notice.insert(*[Notice(person=f["person"], thread=thread, post=post_id) for f in followers])
        await record(viewer, "exchange.post.created", f"exchange_post:{post_id}", thread=key.label, reply_to=reply_to)
    found = await post_row(post_id)
    assert found is not None
    return found


async def follow_thread(thread: int, viewer: Viewer) -> None:
    exists = await Follow.exists().where((Follow.thread == thread) & (Follow.person == viewer.person_id))
    if not exists:
        await Follow.insert(Follow(thread=thread, person=viewer.person_id))


async def _own_post(post_id: int, viewer: Viewer, language: Language) -> PostRow:
    row = await post_row(post_id)
    if row is None:
        raise Refused(404, language.gettext("There is no such post."))
    if row.author_id != viewer.person_id:
        raise Refused(403, language.gettext("Only its author can change or delete a post."))
    if row.state != PostState.VISIBLE:
        raise Refused(409, language.gettext("This post was deleted or moderated; it cannot be changed."))
    return row


async def edit_post(
    post_id: int, viewer: Viewer, text: str, confirm: bool, edit_minutes: int, language: Language
) -> PostRow:
    """The author changes their post, within `edit_minutes` of writing it."""
    text = clean(text)
    row = await _own_post(post_id, viewer, language)
    if not editable(row, viewer, edit_minutes):
        raise Refused(
            409,
            language.gettext(
                "A post can be edited for %(minutes)s minutes after it was written; this one can no longer be.",
                minutes=edit_minutes,
            ),
        )
    await _check_text(viewer, text, confirm, language)
    async with Post._meta.db.transaction():
        await Post.update({Post.body: text, Post.edited: True, Post.updated_at: datetime.now(UTC)}).where(
            (Post.id == post_id) & (Post.state == PostState.VISIBLE)
        )
        await record(viewer, "exchange.post.edited", f"exchange_post:{post_id}")
    found = await post_row(post_id)
    assert found is not None
    return found


async def delete_post(post_id: int, viewer: Viewer, language: Language) -> None:
    """The author deletes their post: its text goes, a tombstone stays ("deleted by its author")."""
    await _own_post(post_id, viewer, language)
    async with Post._meta.db.transaction():
        await Post.update({Post.body: "", Post.state: PostState.DELETED, Post.updated_at: datetime.now(UTC)}).where(
            Post.id == post_id
        )
        await record(viewer, "exchange.post.deleted", f"exchange_post:{post_id}")


async def report_post(post_id: int, viewer: Viewer, reason: str, language: Language) -> None:
    """Anyone who can read the post asks moderators to look at it, saying why."""
    reason = clean(reason).strip()
    if not reason:
        raise Refused(422, language.gettext("Say why moderators should look at this post."), "reason")
    if len(reason) > MAX_REASON:
        raise Refused(
            422, language.gettext("A reason can be at most %(max)s characters long.", max=MAX_REASON), "reason"
        )
    async with Post._meta.db.transaction():
        await PostReport.insert(PostReport(post=post_id, reporter=viewer.person_id, reason=reason))
        await record(viewer, "exchange.post.reported", f"exchange_post:{post_id}", reason=reason)


async def post_thread_key(post_id: int) -> ThreadKey | None:
    row = await Post.select(Post.thread).where(Post.id == post_id).first()
    return None if row is None else await thread_key(int(row["thread"]))


async def thread_exists(thread: int) -> bool:
    return bool(await Thread.exists().where(Thread.id == thread))
