"""E-mail digests of new posts in followed threads: the pure part (no database, no mail).

A partner chooses a digest `Frequency` (none by default, daily or weekly). A periodic task will
ask `is_due` for each person, build their digest from `DigestSection`s and queue it under
`idempotency_key`, one per person and period, so two workers or a rerun never send twice.

What a digest says follows the pages' rule: **no attribution**. An item is the thread, its
round, the post's number in the thread, the day and a short excerpt of the sanitised text as
plain text (`excerpt`); never the author's name, e-mail, force or region. `select_posts` keeps
only visible posts written after the last digest by someone else than the recipient.

A digest is a list of sections, each of one kind (`SectionKind`): discussions today; practice
notes and meetings can be added as sections of their own without changing the rest."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

import nh3

from backend.exchange.markdown import render

#: The longest excerpt, in characters.
EXCERPT_LENGTH = 200
#: Most items in one section (the rest are counted: "and N more").
SECTION_LIMIT = 50


class Frequency(StrEnum):
    NONE = "none"
    DAILY = "daily"
    WEEKLY = "weekly"


class SectionKind(StrEnum):
    DISCUSSIONS = "discussions"
    #: new practice notes (`practice/digest.py`: the title, status label, day and an excerpt)
    PRACTICE = "practice"
    #: new meetings (`meetings/digest.py`: the title, its time, day and place)
    MEETINGS = "meetings"


class BadFrequency(ValueError):
    """Not one of `Frequency` (the message names the field and the choices)."""

    field = "frequency"


def parse_frequency(value: object) -> Frequency:
    """The frequency a partner asked for, or `BadFrequency`."""
    if isinstance(value, str):
        try:
            return Frequency(value.strip().lower())
        except ValueError:
            pass
    choices = ", ".join(f.value for f in Frequency)
    raise BadFrequency(f"frequency: choose one of {choices}")


def period(frequency: Frequency, now: datetime) -> str:
    """The period `now` falls in, in UTC: a day (2026-11-30) or an ISO week (2026-W48)."""
    day = now.date()
    if frequency == Frequency.DAILY:
        return day.isoformat()
    if frequency == Frequency.WEEKLY:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    raise ValueError("no period without a digest")


def is_due(frequency: Frequency, last_period: str | None, now: datetime) -> bool:
    """A digest is due once per period: none sent yet in the period `now` falls in."""
    return frequency != Frequency.NONE and last_period != period(frequency, now)


def idempotency_key(person_id: int, frequency: Frequency, now: datetime) -> str:
    """One digest per person and period (the message table's unique key)."""
    return f"digest:{person_id}:{period(frequency, now)}"


_SPACE = re.compile(r"\s+")


def excerpt(markdown: str, limit: int = EXCERPT_LENGTH) -> str:
    """The start of a post as plain text: its Markdown rendered and sanitised as on the pages,
    every tag removed, spaces collapsed, cut at a word with an ellipsis."""
    text = html.unescape(nh3.clean(render(markdown), tags=set()))
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(" ,;:.") + "…"


@dataclass(frozen=True)
class PostSeen:
    """A post as the digest reads it (the author only to leave the recipient's own posts out)."""

    post_id: int
    thread_id: int
    author_id: int | None
    number: int
    state: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class DigestItem:
    """One new post, without attribution."""

    thread_title: str
    round_title: str
    path: str
    number: int
    day: date
    excerpt: str


@dataclass(frozen=True)
class DigestSection:
    kind: SectionKind
    items: list[DigestItem] = field(default_factory=list)
    more: int = 0


def select_posts(posts: Iterable[PostSeen], person_id: int, since: datetime | None) -> list[PostSeen]:
    """The posts a digest may tell this person about: visible, written after `since` (their
    last digest), not by them; oldest first."""
    kept = [
        p
        for p in posts
        if p.state == "visible" and p.author_id != person_id and (since is None or p.created_at > since)
    ]
    return sorted(kept, key=lambda p: (p.created_at, p.post_id))


def section(kind: SectionKind, items: list[DigestItem], limit: int = SECTION_LIMIT) -> DigestSection:
    return DigestSection(kind, items[:limit], max(0, len(items) - limit))


def worth_sending(sections: Iterable[DigestSection]) -> bool:
    """Nothing is sent when there is nothing new."""
    return any(s.items for s in sections)
