"""A force's response: created on first visit, saved page by page with a revision check,
submitted exactly once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import msgspec

from backend.database import execute, fetch, fetchrow, json_value
from backend.mail.notices import queue_receipt
from backend.profile_changes.services import propose_changes
from backend.responses.schemas import LastSave, ResponseRow, ResponseStatus, StatusCounts
from backend.responses.tables import Response
from backend.surveys import AnswerError, Answers, Survey, check_all, visible_answers

#: Racing first visits of two delegates of a force make one response: the second does nothing.
CREATE_RESPONSE = """
INSERT INTO response (round, force, status, revision, answers, language, started_at, updated_at)
VALUES ($1, $2, 'draft', 0, '{}'::jsonb, $3, now(), now()) ON CONFLICT (round, force) DO NOTHING"""

#: One statement: set the page's answers ($1), drop the cleared ones ($2), move the revision on,
#: only if nobody saved since the revision the page was shown with ($5) — or, for a page's own
#: final save ($7), if the last save came from this very page ($6: its autosave got there first);
#: and write each answer it changed to the history (`answer_change`: before → after, who, when).
#: `before` locks the row, so the values read as "before" are those this save replaces.
#: Given an invitation and its link's hash ($8, $9), only while that link is usable and its round
#: open (a respondent context kept per process: `context_cache`). Returns the row as saved and
#: the md5 of its text, which the process keeps.
SAVE_ANSWERS = """
WITH before AS (SELECT id, answers FROM response WHERE id = $4 FOR UPDATE),
saved AS (
    UPDATE response r SET answers = (r.answers || $1::jsonb) - $2::text[], revision = r.revision + 1,
        updated_at = now(), updated_by = $3, saved_by_page = $6
    FROM before
    WHERE r.id = before.id AND r.status = 'draft' AND (r.revision = $5 OR ($7 AND r.saved_by_page = $6))
      AND ($8::int IS NULL OR EXISTS (
          SELECT 1 FROM invitation i JOIN round d ON d.id = i.round
          WHERE i.id = $8 AND i.token_hash = $9 AND i.revoked_at IS NULL AND i.expires_at > now()
            AND d.status = 'open'))
    RETURNING r.id, r.revision, r.answers AS after, before.answers AS before, to_jsonb(r) AS row,
        md5(r::text) AS digest
),
changes AS (
    INSERT INTO answer_change (response, question, old_value, new_value, person, changed_at, revision, saved)
    SELECT s.id, k.key, s.before -> k.key, s.after -> k.key, $3, now(), s.revision, true
    FROM saved s, (SELECT jsonb_object_keys($1::jsonb) AS key UNION SELECT unnest($2::text[])) k
    WHERE (s.before -> k.key) IS DISTINCT FROM (s.after -> k.key)
)
SELECT revision, row, digest FROM saved"""

#: A save refused because someone saved first: what it would have changed goes to the history
#: too (`saved` false), so that nothing typed is lost; the same refused value twice in a row
#: (autosave retrying) is kept once.
KEEP_REFUSED = """
INSERT INTO answer_change (response, question, old_value, new_value, person, changed_at, revision, saved)
SELECT r.id, k.key, r.answers -> k.key, $1::jsonb -> k.key, $3, now(), r.revision, false
FROM response r, (SELECT jsonb_object_keys($1::jsonb) AS key UNION SELECT unnest($2::text[])) k
WHERE r.id = $4 AND (r.answers -> k.key) IS DISTINCT FROM ($1::jsonb -> k.key)
  AND NOT EXISTS (
      SELECT 1 FROM answer_change c
      WHERE c.id = (SELECT max(c2.id) FROM answer_change c2
                    WHERE c2.response = r.id AND c2.question = k.key AND c2.person IS NOT DISTINCT FROM $3)
        AND NOT c.saved AND c.new_value IS NOT DISTINCT FROM ($1::jsonb -> k.key))"""

#: Who saved a response last, and when (what a conflict message says).
LAST_SAVE = """
SELECT r.revision, r.status, r.updated_at, r.updated_by, p.name AS updated_by_name, r.saved_by_page
FROM response r LEFT JOIN person p ON p.id = r.updated_by WHERE r.id = $1"""

SUBMIT = """
UPDATE response SET status = 'submitted', answers = $1::jsonb, submitted_at = now(), submitted_by = $2,
    revision = revision + 1, updated_at = now()
WHERE id = $3 AND status = 'draft' AND revision = $4
RETURNING id"""

STATUS_COUNTS = """
SELECT count(*) FILTER (WHERE status = 'submitted') AS submitted, count(*) FILTER (WHERE status = 'draft') AS drafts
FROM response WHERE round = $1"""

#: `#>> '{}'`: the JSON string as text (Piccolo's `{}` placeholders could not say this).
TEXT_ANSWERS = """
SELECT e.key AS q, e.value #>> '{}' AS text FROM response r, jsonb_each(r.answers) e
WHERE r.round = $1 AND r.status = 'submitted' AND e.key = ANY($2::text[]) ORDER BY r.id"""


#: A response as one JSON object (`response_from_json`), as `rounds.services.respondent_context`
#: also reads it.
GET_RESPONSE = "SELECT to_jsonb(x) AS response FROM response x WHERE x.round = $1 AND x.force = $2"

_decode_response = msgspec.json.Decoder(ResponseRow).decode


def _response(row: dict[str, Any]) -> ResponseRow:
    return msgspec.convert({**row, "answers": json_value(row["answers"])}, ResponseRow)


def response_from_json(value: str | bytes | dict[str, Any]) -> ResponseRow:
    """A response read as `to_jsonb(response)`: decoded and checked in one step."""
    if isinstance(value, dict):
        return msgspec.convert(value, ResponseRow, strict=False)
    return _decode_response(value)


async def get_or_create(round_id: int, force_id: int, language: str) -> ResponseRow:
    """The force's response in the round, started on first use. Every respondent page asks
    for it, so the common case is a single read; the insert runs only on the first visit."""
    existing = await get_response(round_id, force_id)
    if existing is not None:
        return existing
    await execute(CREATE_RESPONSE, round_id, force_id, language)
    created = await get_response(round_id, force_id)
    assert created is not None
    return created


async def get_response(round_id: int, force_id: int) -> ResponseRow | None:
    row = await fetchrow(GET_RESPONSE, round_id, force_id)
    return None if row is None else response_from_json(row["response"])


@dataclass(frozen=True)
class SaveResult:
    saved: bool
    revision: int
    #: why not: "conflict" (someone saved in between) or "submitted" (too late)
    reason: str | None = None
    #: when not saved: the save that got there first
    last: LastSave | None = None
    #: when saved: the response as saved, and the md5 of its row's text (`context_cache`)
    row: ResponseRow | None = None
    digest: str | None = None


async def save_answers(
    response_id: int,
    expected_revision: int,
    page: Answers,
    person_id: int | None,
    page_id: str | None = None,
    final: bool = False,
    link: tuple[int, str] | None = None,
) -> SaveResult:
    """Merge one page's answers (None clears) if nobody saved since `expected_revision`.

    The merge happens in one UPDATE, so two delegates saving at once cannot interleave: the
    second finds the revision moved on and is told so (its input is kept on its page).
    `page_id` names the rendered page the save comes from; a page's `final` save (its own
    submit button, which carries everything on the page) also goes through when the last save
    came from that same page, whose autosave reply it had not seen yet. Autosaves stay strict,
    so an older autosave arriving late never overwrites a newer save of its page.

    With `link` (an invitation's id and its link's hash), the save also requires that link to
    be usable and its round open; when it is refused, nothing more is read (`reason` "recheck"):
    the caller asks the database again what the respondent may do.
    """
    to_set = {k: v for k, v in page.items() if v is not None}
    to_clear = [k for k, v in page.items() if v is None]
    token = page_id or None
    invitation_id, link_hash = link if link is not None else (None, None)
    row = await fetchrow(
        SAVE_ANSWERS,
        json.dumps(to_set),
        to_clear,
        person_id,
        response_id,
        expected_revision,
        token,
        final,
        invitation_id,
        link_hash,
    )
    if row is not None:
        return SaveResult(True, row["revision"], row=response_from_json(row["row"]), digest=row["digest"])
    if link is not None:
        return SaveResult(False, expected_revision, "recheck")
    current = await last_save(response_id)
    reason = "submitted" if current.status == ResponseStatus.SUBMITTED else "conflict"
    if reason == "conflict":
        await execute(KEEP_REFUSED, json.dumps(to_set), to_clear, person_id, response_id)
    return SaveResult(False, current.revision, reason, current)


async def last_save(response_id: int) -> LastSave:
    row = await fetchrow(LAST_SAVE, response_id)
    if row is None:
        raise LookupError(f"no response {response_id}")
    return msgspec.convert(row, LastSave)


def receipt_reference(response: ResponseRow) -> str | None:
    """The reference a submitted response is quoted by: `PX-<submission date>-<response id>-<check
    digit>`, e.g. PX-20261130-00042-7. Stable (both parts are stored) and only a reference, not a
    secret; the Luhn check digit catches a mistyped digit when it is read out."""
    if response.submitted_at is None:
        return None
    return receipt_reference_of(response.id, response.submitted_at)


def receipt_reference_of(response_id: int, submitted_at: datetime) -> str:
    """`receipt_reference` from its two parts (the receipt by mail)."""
    digits = f"{submitted_at.astimezone(UTC):%Y%m%d}{response_id:05d}"
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return f"PX-{digits[:8]}-{digits[8:]}-{(10 - total % 10) % 10}"


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
    response = _response(row)
    if response.status == ResponseStatus.SUBMITTED:
        return SubmitResult(False, [], "submitted")
    if response.revision != expected_revision:
        return SubmitResult(False, [], "conflict")
    errors = check_all(survey, response.answers, lang=lang)
    if errors:
        return SubmitResult(False, errors)
    clean = visible_answers(survey, response.answers)
    async with Response._meta.db.transaction():
        if await fetchrow(SUBMIT, json.dumps(clean), person_id, response_id, expected_revision) is None:
            return SubmitResult(False, [], "conflict")
        if survey.purpose == "peer_profile":
            # Not applied: staff review each change (a force must not pick its own groups).
            await propose_changes(force_id, response.round_id, clean)
        # The receipt (reference number, a copy of the answers) is queued with the submission.
        await queue_receipt(response_id, person_id, lang)
    return SubmitResult(True, [])


async def response_counts(round_id: int) -> StatusCounts:
    row = await fetchrow(STATUS_COUNTS, round_id)
    return msgspec.convert(row, StatusCounts)


async def text_answers(round_id: int, question_ids: list[str]) -> dict[str, list[str]]:
    """Staff only: the free-text answers of submitted responses, per question (unattributed)."""
    out: dict[str, list[str]] = {q: [] for q in question_ids}
    if not question_ids:
        return out
    for r in await fetch(TEXT_ANSWERS, round_id, question_ids):
        out[r["q"]].append(r["text"])
    return out
