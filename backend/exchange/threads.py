"""Which threads exist for a reader: a thread on each published question's chart and on each
theme (section) of a published round. The same guard as the dashboard: the round must be
published (its latest publication), and a chart only for a question in the published snapshot
(staff-only and free-text questions never are)."""

from __future__ import annotations

import msgspec

from backend.database import fetch
from backend.exchange.schemas import ThreadContext, ThreadKey, ThreadKind, ThreadSubject
from backend.exchange.tables import Thread
from backend.i18n import Language, Shown
from backend.publication.services import partner_round, published_rounds
from backend.surveys.services import load_version


async def round_subjects(round_id: int, language: Language) -> tuple[str, list[ThreadSubject]] | None:
    """The round's title and every thread it offers (themes first in questionnaire order, each
    followed by its charts), with their visible posts counted; None when it is not published."""
    found = await partner_round(round_id, None)
    if found is None:
        return None
    survey = await load_version(found.round.version_id)
    d = survey.default_language
    counts = await post_counts(round_id)
    out = []
    for section in survey.sections:
        shown = [q for q in section.questions if q.id in found.disclosed.questions]
        if not shown:
            continue
        title = language.text(section.title, d)
        key = ThreadKey(ThreadKind.THEME, round_id, section.id)
        out.append(ThreadSubject(key, title, title, counts.get((key.kind, key.subject), 0)))
        for q in shown:
            key = ThreadKey(ThreadKind.CHART, round_id, q.id)
            out.append(ThreadSubject(key, language.text(q.label, d), title, counts.get((key.kind, key.subject), 0)))
    return str(found.round.shown_title(language, d)), out


async def resolve(key: ThreadKey, language: Language) -> ThreadContext | None:
    """The thread as its reader sees it, or None when the reader may not see it (an
    unpublished round, a question that is not in the published results, an unknown theme)."""
    if key.kind not in (ThreadKind.CHART, ThreadKind.THEME):
        return None
    found = await partner_round(key.round_id, None)
    if found is None:
        return None
    survey = await load_version(found.round.version_id)
    d = survey.default_language
    round_title = found.round.shown_title(language, d)
    for section in survey.sections:
        shown = [q for q in section.questions if q.id in found.disclosed.questions]
        if not shown:
            continue
        section_title = language.text(section.title, d)
        if key.kind == ThreadKind.THEME and section.id == key.subject:
            return ThreadContext(key, section_title, section_title, round_title, await thread_id(key))
        for q in shown:
            if key.kind == ThreadKind.CHART and q.id == key.subject:
                return ThreadContext(key, language.text(q.label, d), section_title, round_title, await thread_id(key))
    return None


async def thread_id(key: ThreadKey) -> int | None:
    row = (
        await Thread.select(Thread.id)
        .where((Thread.kind == key.kind) & (Thread.round == key.round_id) & (Thread.subject == key.subject))
        .first()
    )
    return None if row is None else int(row["id"])


ENSURE_THREAD = """
INSERT INTO exchange_thread (kind, round, subject, created_at) VALUES ($1, $2, $3, now())
ON CONFLICT (kind, round, subject) DO UPDATE SET kind = EXCLUDED.kind RETURNING id"""


async def ensure_thread(key: ThreadKey) -> int:
    """The thread's id, made now if nobody wrote in it yet (concurrent first posts meet on
    the unique key)."""
    rows = await fetch(ENSURE_THREAD, key.kind.value, key.round_id, key.subject)
    return int(rows[0]["id"])


class _KeyRow(msgspec.Struct, frozen=True):
    id: int
    kind: ThreadKind
    round: int | None
    subject: str


async def thread_key(thread: int) -> ThreadKey | None:
    row = await Thread.select(Thread.id, Thread.kind, Thread.round, Thread.subject).where(Thread.id == thread).first()
    if row is None:
        return None
    found = msgspec.convert(row, _KeyRow)
    if found.round is None:
        return None  # meetings: not yet
    return ThreadKey(found.kind, found.round, found.subject)


POST_COUNTS = """
SELECT t.kind, t.subject, count(p.id) AS posts FROM exchange_thread t
JOIN exchange_post p ON p.thread = t.id AND p.state IN ('visible', 'redacted')
WHERE t.round = $1 GROUP BY t.kind, t.subject"""


async def post_counts(round_id: int) -> dict[tuple[str, str], int]:
    return {(r["kind"], r["subject"]): int(r["posts"]) for r in await fetch(POST_COUNTS, round_id)}


async def discussable_rounds(language: Language) -> list[tuple[int, Shown]]:
    """Every published round (the dashboard's list), most recent first, with its title."""
    out = []
    for r in await published_rounds():
        survey = await load_version(r.version_id)
        out.append((r.round_id, r.shown_title(language, survey.default_language)))
    return out
