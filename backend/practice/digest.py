"""The e-mail digest's section of new practice notes (`exchange/digest.py` adds it beside the
discussions): notes published since the person's last digest, not their own, each as its title
(in the person's language where translated), status label, day and a plain-text excerpt of its
approach. Like every partner output, no author, force or e-mail."""

from __future__ import annotations

from datetime import datetime

from backend.database import fetch
from backend.exchange.digest_plan import DigestItem, DigestSection, SectionKind, excerpt, section
from backend.i18n import Language
from backend.practice.schemas import status_label

NEW_NOTES = """
SELECT n.id, n.published_at, n.status_label, o.title, o.approach, r.title AS reader_title, r.approach AS reader_approach
FROM practice_note n JOIN practice_text o ON o.note = n.id AND o.language = n.original_language
LEFT JOIN practice_text r ON r.note = n.id AND r.language = $3
WHERE n.state = 'published' AND n.published_at > $2 AND n.author IS DISTINCT FROM $1::int
ORDER BY n.published_at, n.id"""


async def practice_section(person_id: int, since: datetime, language: Language, base_url: str) -> DigestSection:
    """New published practice notes for this person's digest, without attribution."""
    items = [
        DigestItem(
            thread_title=r["reader_title"] or r["title"],
            round_title=status_label(r["status_label"], language),
            path=f"{base_url.rstrip('/')}/practice/{r['id']}",
            number=0,
            day=r["published_at"].date(),
            excerpt=excerpt(r["reader_approach"] if r["reader_title"] else r["approach"]),
        )
        for r in await fetch(NEW_NOTES, person_id, since, language.code)
    ]
    return section(SectionKind.PRACTICE, items)
