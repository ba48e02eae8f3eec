"""A force's response: created on first visit, saved page by page with a revision check,
submitted exactly once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from backend.database import fetch
from backend.profile_changes.services import propose_changes
from backend.responses.tables import Response
from backend.surveys.answers import AnswerError, Answers, check_all, visible_answers
from backend.surveys.definition import Survey


async def get_or_create(round_id: int, force_id: int, language: str) -> dict[str, Any]:
    """The force's response in the round, started on first use. Every respondent page asks
    for it, so the common case is a single read; the insert runs only on the first visit."""
    existing = await get_response(round_id, force_id)
    if existing is not None:
        return existing
    await fetch(
        "INSERT INTO response (round, force, status, revision, answers, language, started_at, updated_at) "
        "VALUES ($1, $2, 'draft', 0, '{}'::jsonb, $3, now(), now()) ON CONFLICT (round, force) DO NOTHING",
        round_id,
        force_id,
        language,
    )
    created = await get_response(round_id, force_id)
    assert created is not None
    return created


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    if isinstance(row.get("answers"), str):
        row["answers"] = json.loads(row["answers"])
    return row


async def get_response(round_id: int, force_id: int) -> dict[str, Any] | None:
    row = await Response.select().where((Response.round == round_id) & (Response.force == force_id)).first()
    return _decoded(row) if row else None


@dataclass(frozen=True)
class SaveResult:
    saved: bool
    revision: int
    #: why not: "conflict" (someone saved in between) or "submitted" (too late)
    reason: str | None = None


async def save_answers(response_id: int, expected_revision: int, page: Answers, person_id: int | None) -> SaveResult:
    """Merge one page's answers (None clears) if nobody saved since `expected_revision`.

    The merge happens in one UPDATE, so two delegates saving at once cannot interleave: the
    second finds the revision moved on and is told so (its input is kept on its page).
    """
    to_set = {k: v for k, v in page.items() if v is not None}
    to_clear = [k for k, v in page.items() if v is None]
    rows = await Response.raw(
        "UPDATE response SET answers = (answers || {}::jsonb) - {}::text[], revision = revision + 1, "
        "updated_at = now(), updated_by = {} WHERE id = {} AND revision = {} AND status = 'draft' "
        "RETURNING revision",
        json.dumps(to_set),
        to_clear,
        person_id,
        response_id,
        expected_revision,
    )
    if rows:
        return SaveResult(True, rows[0]["revision"])
    current = await Response.select(Response.revision, Response.status).where(Response.id == response_id).first()
    if current is None:
        raise LookupError(f"no response {response_id}")
    reason = "submitted" if current["status"] == "submitted" else "conflict"
    return SaveResult(False, current["revision"], reason)


@dataclass(frozen=True)
class SubmitResult:
    submitted: bool
    errors: list[AnswerError]
    reason: str | None = None


async def submit(
    response_id: int, expected_revision: int, survey: Survey, lang: str, person_id: int | None, force_id: int
) -> SubmitResult:
    """Check every answer; store only answers to shown questions (stale answers to questions a
    later change hid are discarded); mark submitted once. A force-profile response proposes
    peer-group changes for staff to review, in the same transaction."""
    row = await Response.select().where(Response.id == response_id).first()
    if row is None:
        raise LookupError(f"no response {response_id}")
    row = _decoded(row)
    if row["status"] == "submitted":
        return SubmitResult(False, [], "submitted")
    if row["revision"] != expected_revision:
        return SubmitResult(False, [], "conflict")
    errors = check_all(survey, row["answers"], lang=lang)
    if errors:
        return SubmitResult(False, errors)
    clean = visible_answers(survey, row["answers"])
    async with Response._meta.db.transaction():
        rows = await Response.raw(
            "UPDATE response SET status = 'submitted', answers = {}::jsonb, submitted_at = now(), submitted_by = {}, "
            "revision = revision + 1, updated_at = now() WHERE id = {} AND status = 'draft' AND revision = {} "
            "RETURNING id",
            json.dumps(clean),
            person_id,
            response_id,
            expected_revision,
        )
        if not rows:
            return SubmitResult(False, [], "conflict")
        if survey.purpose == "peer_profile":
            # Not applied: staff review each change (a force must not pick its own groups).
            await propose_changes(force_id, row["round"], clean)
    return SubmitResult(True, [])


async def response_counts(round_id: int) -> dict[str, int]:
    rows = await Response.raw("SELECT status, count(*) AS n FROM response WHERE round = {} GROUP BY status", round_id)
    return {r["status"]: r["n"] for r in rows}


async def text_answers(round_id: int, question_ids: list[str]) -> dict[str, list[str]]:
    """Staff only: the free-text answers of submitted responses, per question (unattributed)."""
    out: dict[str, list[str]] = {q: [] for q in question_ids}
    if not question_ids:
        return out
    rows = await fetch(
        "SELECT e.key AS q, e.value #>> '{}' AS text FROM response r, jsonb_each(r.answers) e "
        "WHERE r.round = $1 AND r.status = 'submitted' AND e.key = ANY($2::text[]) ORDER BY r.id",
        round_id,
        question_ids,
    )
    for r in rows:
        out[r["q"]].append(r["text"])
    return out
