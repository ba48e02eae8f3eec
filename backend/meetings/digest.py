"""The e-mail digest's section of new meetings (`exchange/digest.py` adds it beside the
discussions): meetings announced since the person's last digest that have not started yet, each
as its title in the person's language, its time in the meeting's zone, its place and a link."""

from __future__ import annotations

from datetime import datetime

from backend.exchange.digest_plan import DigestItem, DigestSection, SectionKind, section
from backend.i18n import Language
from backend.meetings.services import announced_since


async def meetings_section(person_id: int, since: datetime, language: Language, base_url: str) -> DigestSection:
    """New meetings for this person's digest (the same for every partner: `person_id` is kept
    for the shape every section has)."""
    items = [
        DigestItem(
            thread_title=m.shown_title(language).text,
            round_title=language.datetime(m.starts_at, m.timezone),
            path=f"{base_url.rstrip('/')}/meetings/{m.id}",
            number=0,
            day=m.starts_at.date(),
            excerpt=m.place or language.gettext("Online"),
        )
        for m in await announced_since(since)
    ]
    return section(SectionKind.MEETINGS, items)
