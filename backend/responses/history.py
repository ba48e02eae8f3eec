"""Each answer's history: every change a save made (who, when, before → after), written by
`services.save_answers` in the statement that saves, and every refused save's entries (kept,
so that nothing typed is lost). The force's people read it per question on their pages; staff
read a force's whole history (audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backend.audit.services import record
from backend.database import fetch, json_value
from backend.i18n import language_for, pick
from backend.partners.services import get_force
from backend.responses.services import get_response
from backend.security.roles import Viewer
from backend.surveys import Survey, answer_text, other_key
from backend.surveys.services import load_version

#: `$2` NULL: every question; else the question and its "other" text.
HISTORY = """
SELECT c.id, c.question, c.old_value, c.new_value, c.person, p.name AS person_name, c.changed_at, c.revision, c.saved
FROM answer_change c LEFT JOIN person p ON p.id = c.person
WHERE c.response = $1 AND ($2::text[] IS NULL OR c.question = ANY($2::text[]))
ORDER BY c.id DESC LIMIT $3"""

#: The most entries a page or an answer shows.
LIMIT = 500


@dataclass(frozen=True)
class Change:
    """One entry of an answer's history, in words."""

    id: int
    question_id: str
    #: the question's label in the reader's language (the key itself for an unknown one)
    question: str
    #: the answer before and after, as the respondent would say them ("" : none)
    old: str
    new: str
    person_id: int | None
    person_name: str | None
    changed_at: datetime
    revision: int
    #: False: a save refused because someone else saved first (what they typed, kept)
    saved: bool


def _words(survey: Survey, key: str, value: Any, lang: str) -> str:
    """`value` of answer `key` as the respondent would say it."""
    if value is None:
        return ""
    base = key.removesuffix(".other")
    try:
        q = survey.question(base)
    except KeyError:
        return value if isinstance(value, str) else str(value)
    if key != base:  # the "other, please say" text
        return str(value)
    return answer_text(q, {q.id: value}, lang, survey.default_language)


def _label(survey: Survey, key: str, lang: str) -> str:
    base = key.removesuffix(".other")
    try:
        q = survey.question(base)
    except KeyError:
        return key
    label = pick(q.label, lang, survey.default_language)
    return label if key == base else language_for(lang).gettext("%(question)s (other)", question=label)


def question_ids(survey: Survey, question: str | None, section: str | None) -> list[str] | None:
    """The questions a history shows: one `question`, a `section`'s, or (None) every one.
    KeyError: the questionnaire has no such question or section."""
    if question:
        return [survey.question(question).id]
    if section:
        for s in survey.sections:
            if s.id == section:
                return [q.id for q in s.questions if q.collects_answer]
        raise KeyError(section)
    return None


async def history(response_id: int, survey: Survey, lang: str, question_ids: list[str] | None = None) -> list[Change]:
    """The latest changes first: of these questions (with their "other" text), or of every one."""
    keys = None if question_ids is None else [k for q in question_ids for k in (q, other_key(q))]
    rows = await fetch(HISTORY, response_id, keys, LIMIT)
    out = []
    for r in rows:
        key = r["question"]
        out.append(
            Change(
                id=r["id"],
                question_id=key,
                question=_label(survey, key, lang),
                old=_words(survey, key, json_value(r["old_value"]), lang),
                new=_words(survey, key, json_value(r["new_value"]), lang),
                person_id=r["person"],
                person_name=r["person_name"],
                changed_at=r["changed_at"],
                revision=r["revision"],
                saved=r["saved"],
            )
        )
    return out


@dataclass(frozen=True)
class ForceHistory:
    """A force's response in a round as staff read its history."""

    round_id: int
    round_title: str
    force_id: int
    force_name: str
    changes: list[Change]


async def force_history(round_id: int, force_id: int, viewer: Viewer, lang: str) -> ForceHistory | None:
    """Every change to a force's answers in a round, for staff (audited: `response.history.read`);
    None: the force has no response in that round."""
    # The rounds services import the responses services: read the round here, when asked.
    from backend.rounds.services import get_round

    found = await get_round(round_id)
    response = await get_response(round_id, force_id) if found is not None else None
    force = await get_force(force_id) if response is not None else None
    if found is None or response is None or force is None:
        return None
    survey = await load_version(found.version_id)
    await record(viewer, "response.history.read", f"round:{round_id}", force=force_id)
    changes = await history(response.id, survey, lang)
    return ForceHistory(round_id, found.title, force_id, force.name, changes)
