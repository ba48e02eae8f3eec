"""Which threads exist for a reader: a thread on each published question's chart and on each
theme (section) of a published round, on each announced meeting and each published report of
the library (`resolve_roundless`). The same guard as the dashboard: the round must be
published (its latest publication), and a chart only for a question in the published snapshot
(staff-only and free-text questions never are).

The exchange's index (`exchange_index`) lists what may be discussed under the same guards:
published rounds, announced meetings (never a draft or a cancelled one) and published reports
(never an unpublished one), each with its number of posts."""

from __future__ import annotations

import msgspec

from backend.database import fetch, json_value
from backend.exchange.schemas import ExchangeIndex, IndexedThread, ThreadContext, ThreadKey, ThreadKind, ThreadSubject
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


async def resolve_roundless(key: ThreadKey, language: Language) -> ThreadContext | None:
    """A meeting's thread (the meeting announced: not a draft, not cancelled) or a report's (the
    report published), else None."""
    # Imported here: the meetings' services import this package's markdown.
    from backend.meetings.services import announced_title

    if not key.subject.isdigit() or len(key.subject) > 9 or key.round_id is not None:
        return None
    if key.kind == ThreadKind.MEETING:
        found = await announced_title(int(key.subject), language)
        label = language.gettext("Meeting")
    else:
        found = await published_report_title(int(key.subject), language)
        label = language.pgettext("library", "Report")
    if found is None:
        return None
    title, page = found
    kind = Shown(label, language.code, False)
    return ThreadContext(key, title, kind, kind, await thread_id(key), page)


PUBLISHED_REPORT = "SELECT title, default_language FROM library_report WHERE id = $1 AND published"


async def published_report_title(report_id: int, language: Language) -> tuple[Shown, str] | None:
    """(title, page) of a published report of the library; None otherwise."""
    rows = await fetch(PUBLISHED_REPORT, report_id)
    if not rows:
        return None
    return language.text(json_value(rows[0]["title"]) or {}, rows[0]["default_language"]), f"/library/{report_id}"


async def resolve(key: ThreadKey, language: Language) -> ThreadContext | None:
    """The thread as its reader sees it, or None when the reader may not see it (an
    unpublished round, a question that is not in the published results, an unknown theme, a
    draft or cancelled meeting, an unpublished report)."""
    if key.kind in (ThreadKind.MEETING, ThreadKind.REPORT):
        return await resolve_roundless(key, language)
    if key.kind not in (ThreadKind.CHART, ThreadKind.THEME) or key.round_id is None:
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
    same_round = Thread.round.is_null() if key.round_id is None else Thread.round == key.round_id
    row = (
        await Thread.select(Thread.id)
        .where((Thread.kind == key.kind) & same_round & (Thread.subject == key.subject))
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
    if found.round is None and found.kind not in (ThreadKind.MEETING, ThreadKind.REPORT):
        return None
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


#: Visible (and redacted) posts counted per thread, as on a round's page.
_POSTS = """(SELECT count(p.id) FROM exchange_thread t
JOIN exchange_post p ON p.thread = t.id AND p.state IN ('visible', 'redacted')
WHERE t.kind = '{kind}' AND t.round IS NULL AND t.subject = {subject}::text)"""

#: The same guard as `announced_title`: announced, neither a draft nor cancelled.
ANNOUNCED_MEETINGS = f"""
SELECT m.id, m.title, m.default_language, {_POSTS.format(kind="meeting", subject="m.id")} AS posts
FROM meeting m WHERE m.state = 'announced' ORDER BY m.starts_at DESC, m.id DESC"""

#: The same guard as `published_report_title`: published reports only.
PUBLISHED_REPORTS = f"""
SELECT r.id, r.title, r.default_language, {_POSTS.format(kind="report", subject="r.id")} AS posts
FROM library_report r WHERE r.published ORDER BY r.published_on DESC, r.id DESC"""

ROUND_POSTS = """
SELECT t.round, count(p.id) AS posts FROM exchange_thread t
JOIN exchange_post p ON p.thread = t.id AND p.state IN ('visible', 'redacted')
WHERE t.round = ANY($1::int[]) GROUP BY t.round"""


async def _roundless(kind: ThreadKind, sql: str, language: Language) -> list[IndexedThread]:
    out = []
    for r in await fetch(sql):
        key = ThreadKey(kind, None, str(r["id"]))
        title = language.text(json_value(r["title"]) or {}, r["default_language"])
        out.append(IndexedThread(key, title, int(r["posts"])))
    return out


async def exchange_index(language: Language) -> ExchangeIndex:
    """Every thread a partner may open from the index: the published rounds (their posts summed
    over their themes and charts), the announced meetings and the published reports."""
    rounds = await discussable_rounds(language)
    counts = {int(r["round"]): int(r["posts"]) for r in await fetch(ROUND_POSTS, [i for i, _ in rounds])}
    return ExchangeIndex(
        rounds=[(round_id, title, counts.get(round_id, 0)) for round_id, title in rounds],
        meetings=await _roundless(ThreadKind.MEETING, ANNOUNCED_MEETINGS, language),
        reports=await _roundless(ThreadKind.REPORT, PUBLISHED_REPORTS, language),
    )
