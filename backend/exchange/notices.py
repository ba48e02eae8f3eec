"""Following threads and in-app notices of new posts in them. A notice names the thread and the
post's number, never who wrote it."""

from __future__ import annotations

from datetime import UTC, datetime

from backend.database import fetch
from backend.exchange.posts import follow_thread
from backend.exchange.schemas import NoticeOut, ThreadContext, ThreadKey
from backend.exchange.tables import Follow, Notice
from backend.exchange.threads import ensure_thread, resolve, thread_id, thread_key
from backend.i18n import Language
from backend.security.roles import Viewer

#: Notices shown at most.
LIMIT = 100

NOTICES = """
SELECT n.id, n.thread, n.created_at, n.read_at,
       (SELECT count(*) FROM exchange_post q WHERE q.thread = n.thread AND q.id <= n.post) AS number
FROM exchange_notice n WHERE n.person = $1 ORDER BY n.id DESC LIMIT $2"""


async def following(key: ThreadKey, viewer: Viewer) -> bool:
    thread = await thread_id(key)
    if thread is None:
        return False
    return bool(await Follow.exists().where((Follow.thread == thread) & (Follow.person == viewer.person_id)))


async def set_following(key: ThreadKey, viewer: Viewer, follow: bool) -> None:
    """Follow (notices of every new post) or stop following a thread the reader can see."""
    if follow:
        await follow_thread(await ensure_thread(key), viewer)
        return
    thread = await thread_id(key)
    if thread is not None:
        await Follow.delete().where((Follow.thread == thread) & (Follow.person == viewer.person_id))


async def notices(viewer: Viewer, language: Language) -> list[NoticeOut]:
    """The reader's latest notices, newest first (only of threads they can still see)."""
    out = []
    contexts: dict[int, ThreadContext | None] = {}
    for row in await fetch(NOTICES, viewer.person_id, LIMIT):
        thread = int(row["thread"])
        if thread not in contexts:
            key = await thread_key(thread)
            contexts[thread] = None if key is None else await resolve(key, language)
        context = contexts[thread]
        if context is None:
            continue
        out.append(
            NoticeOut(
                id=row["id"],
                thread_title=str(context.title),
                round_title=str(context.round_title),
                path=context.key.path,
                post_number=int(row["number"]),
                date=row["created_at"].date().isoformat(),
                read=row["read_at"] is not None,
            )
        )
    return out


async def unread_count(viewer: Viewer) -> int:
    return await Notice.count().where((Notice.person == viewer.person_id) & (Notice.read_at.is_null()))


async def mark_read(viewer: Viewer) -> int:
    """Every notice of the reader read; how many were unread."""
    rows = (
        await Notice.update({Notice.read_at: datetime.now(UTC)})
        .where((Notice.person == viewer.person_id) & (Notice.read_at.is_null()))
        .returning(Notice.id)
    )
    return len(rows)
