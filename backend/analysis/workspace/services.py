"""The workspace's reads: a round's submitted responses with their frozen groups, the
allocation corrections recorded for it, and recording a correction. Staff only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from litestar.exceptions import NotFoundException

from backend.analysis.workspace.quality import Correction, allocation_misses
from backend.analysis.workspace.query import WorkspaceQuery
from backend.analysis.workspace.records import ForceRecord, apply
from backend.analysis.workspace.view import Workspace, build
from backend.database import execute, fetch, json_value
from backend.i18n import SOURCE_LANGUAGE, Language, language_for
from backend.rounds.schemas import RoundRow
from backend.rounds.services import get_round
from backend.surveys import FREE_TEXT_TYPES, Question, Survey
from backend.surveys.services import load_version

#: Submitted responses only (drafts are never analysed), each with the force's peer groups as
#: frozen when the round opened (`round_force`), in the order of the forces' names.
RECORDS = """
SELECT r.id AS response_id, r.force AS force_id, f.name AS force_name, r.answers,
       rf.region, rf.force_type, rf.size_band
FROM response r
JOIN force f ON f.id = r.force
LEFT JOIN round_force rf ON rf.round = r.round AND rf.force = r.force
WHERE r.round = $1 AND r.status = 'submitted'
ORDER BY f.name, r.id"""

CORRECTIONS = "SELECT question_id, force FROM allocation_correction WHERE round = $1 ORDER BY id"

RECORD_CORRECTION = """
INSERT INTO allocation_correction (round, force, question_id, total, created_at)
VALUES ($1, $2, $3, $4, now())"""


def _record(row: dict[str, Any]) -> ForceRecord:
    groups = {d: row[d] for d in ("region", "force_type", "size_band") if row[d]}
    return ForceRecord(row["force_id"], row["force_name"], groups, json_value(row["answers"]) or {})


async def round_records(round_id: int) -> list[ForceRecord]:
    """Every submitted response of the round (one per force)."""
    return [_record(row) for row in await fetch(RECORDS, round_id)]


async def response_ids(round_id: int) -> dict[int, int]:
    """{force id: response id} of the round's submitted responses."""
    return {row["force_id"]: row["response_id"] for row in await fetch(RECORDS, round_id)}


async def corrections(round_id: int) -> list[Correction]:
    return [Correction(row["question_id"], row["force"]) for row in await fetch(CORRECTIONS, round_id)]


async def record_corrections(
    round_id: int, force_id: int, survey: Survey, answers: dict[str, Any], question_ids: Iterable[str]
) -> int:
    """Record the allocations among `question_ids` refused because their shares in `answers`
    do not add up to 100 (called where a page or a submission is refused). Returns how many."""
    missed = allocation_misses(survey, answers, question_ids)
    for qid in missed:
        shares = answers[qid]
        total = sum(v for v in shares.values() if isinstance(v, int | float) and not isinstance(v, bool))
        await execute(RECORD_CORRECTION, round_id, force_id, qid, float(total))
    return len(missed)


async def workspace(
    round_id: int, survey: Survey, query: WorkspaceQuery, language: Language | None = None
) -> tuple[Workspace, list[ForceRecord]]:
    """The workspace of a round for `query` (English unless `language` is given: the JSON API),
    and every submitted response (for the page's lists of groups)."""
    records = await round_records(round_id)
    kept = apply(records, query.filters)
    words = language or language_for(SOURCE_LANGUAGE)
    view = build(survey, records, kept, query.filters, words, query.by, await corrections(round_id), query.pair)
    return view, records


async def round_and_survey(round_id: int) -> tuple[RoundRow, Survey]:
    """The round and its questionnaire; 404 when there is no such round."""
    found = await get_round(round_id)
    if found is None:
        raise NotFoundException("No such round.")
    return found, await load_version(found.version_id)


def text_question(survey: Survey, question_id: str) -> Question[Any]:
    """A free-text question of the questionnaire; 404 for any other id."""
    question = next((q for q in survey.questions() if q.id == question_id and q.type in FREE_TEXT_TYPES), None)
    if question is None:
        raise NotFoundException("No such text question.")
    return question
