"""In-app notices of newly published practice notes, as `exchange/notices.py` has for new posts:
one row per partner and note, written when staff publish it (not for its author). A notice names
the note by its title, never who wrote it."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

from backend.database import fetch
from backend.i18n import Language
from backend.practice.tables import PracticeNotice
from backend.security.roles import Viewer

#: Notices shown at most.
LIMIT = 100

NOTICES = """
SELECT x.id, x.note, x.created_at, x.read_at, n.original_language,
       o.title AS original_title, r.title AS reader_title
FROM practice_notice x JOIN practice_note n ON n.id = x.note AND n.state = 'published'
JOIN practice_text o ON o.note = n.id AND o.language = n.original_language
LEFT JOIN practice_text r ON r.note = n.id AND r.language = $2
WHERE x.person = $1 ORDER BY x.id DESC LIMIT $3"""


class PracticeNoticeOut(msgspec.Struct, frozen=True):
    """A note published since: its title (in the reader's language if translated), where to read it."""

    id: int
    note_id: int
    title: str
    #: the title's language
    title_lang: str
    path: str
    date: str
    read: bool


async def notices(viewer: Viewer, language: Language) -> list[PracticeNoticeOut]:
    """The reader's latest notices, newest first (only of notes still published)."""
    return [
        PracticeNoticeOut(
            id=r["id"],
            note_id=r["note"],
            title=r["reader_title"] or r["original_title"],
            title_lang=language.code if r["reader_title"] else r["original_language"],
            path=f"/practice/{r['note']}",
            date=r["created_at"].date().isoformat(),
            read=r["read_at"] is not None,
        )
        for r in await fetch(NOTICES, viewer.person_id, language.code, LIMIT)
    ]


async def unread_count(viewer: Viewer) -> int:
    return await PracticeNotice.count().where(
        (PracticeNotice.person == viewer.person_id) & (PracticeNotice.read_at.is_null())
    )


async def mark_read(viewer: Viewer) -> int:
    """Every notice of the reader read; how many were unread."""
    rows = (
        await PracticeNotice.update({PracticeNotice.read_at: datetime.now(UTC)})
        .where((PracticeNotice.person == viewer.person_id) & (PracticeNotice.read_at.is_null()))
        .returning(PracticeNotice.id)
    )
    return len(rows)
