"""Answers checked by the format's rules: visibility, each question's own rules, pages and submission.

Pure functions. What each question's own rules are is its kind's business (`kinds/`); form
field names and the shape of answers: `fields.py`; reading form fields into answers: `forms.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.i18n import pick, t
from backend.surveys.answers.fields import Answers, Form, first_field, other_key
from backend.surveys.answers.forms import InvalidAnswer, form_to_answer
from backend.surveys.format.conditions import evaluate
from backend.surveys.format.model import Question, Section, Survey


@dataclass(frozen=True)
class AnswerError:
    question_id: str
    #: The form field to link to from the error summary.
    field: str
    message: str


# ---- visibility -----------------------------------------------------------------------


def _walk(survey: Survey, answers: Answers, until: Section | None = None) -> tuple[set[str], Answers]:
    """The ids of the questions shown, and the answers to them (with `until`: of the sections up
    to and including that one, which is all that section's questions depend on).

    Conditions only look at earlier questions, so one pass in order settles everything: a
    hidden question's answer is dropped before any later condition can see it.
    """
    shown: set[str] = set()
    kept: Answers = {}
    for section in survey.sections:
        section_shown = section.show_if is None or evaluate(section.show_if, kept)
        for q in section.questions:
            if not section_shown or (q.show_if is not None and not evaluate(q.show_if, kept)):
                continue
            shown.add(q.id)
            if q.collects_answer:
                for key in (q.id, other_key(q.id)):
                    if key in answers:
                        kept[key] = answers[key]
        if section is until:
            break
    return shown, kept


def visibility(survey: Survey, answers: Answers) -> tuple[set[str], Answers]:
    """`shown_question_ids` and `visible_answers` from one pass (a page needs both)."""
    return _walk(survey, answers)


def visible_answers(survey: Survey, answers: Answers) -> Answers:
    """`answers` without those to questions hidden by their (or their section's) condition."""
    return _walk(survey, answers)[1]


def shown_question_ids(survey: Survey, answers: Answers) -> set[str]:
    """The ids of the questions (and information items) shown, given `answers`."""
    return _walk(survey, answers)[0]


def is_shown(survey: Survey, q: Question[Any], answers: Answers) -> bool:
    return q.id in shown_question_ids(survey, answers)


# ---- checking -------------------------------------------------------------------------


def check_question(
    q: Question[Any],
    value: Any,
    other_text: str | None,
    answers: Answers,
    *,
    lang: str,
    default_language: str,
    require: bool,
) -> AnswerError | None:
    """The first problem with an answer to `q`, in the respondent's language, or None."""
    if value is None:
        if require and q.required:
            message = pick(q.required_message, lang, default_language) or t("required", lang)
            return AnswerError(q.id, first_field(q), message)
        return None
    try:
        q.kind.check(q, value, other_text, lang, default_language, complete=require)
    except InvalidAnswer as exc:
        return AnswerError(q.id, exc.field or first_field(q), exc.message(lang))
    merged = {**answers, q.id: value}
    for c in q.constraints:
        if not evaluate(c.rule, merged, self_id=q.id):
            return AnswerError(q.id, first_field(q), pick(c.message, lang, default_language) or t("constraint", lang))
    return None


@dataclass
class PageResult:
    #: The page's answers (every question of the page: None means cleared).
    answers: Answers
    errors: list[AnswerError]


def read_page(
    survey: Survey, section: Section, form: Form, existing: Answers, *, lang: str, require: bool
) -> PageResult:
    """Read and check one section's fields against everything answered so far.

    `require` enforces required questions ("Save and continue"); a draft save checks only
    that what was typed is valid. Questions hidden by a condition are neither required
    nor checked.
    """
    working = dict(existing)
    page: Answers = {}
    errors: dict[str, AnswerError] = {}
    read: list[Question[Any]] = []
    for q in section.questions:
        if not q.collects_answer:
            continue
        try:
            value, other_text = form_to_answer(q, form, lang)
        except InvalidAnswer as exc:
            # Nothing is read for this question (so nothing saved): the page keeps what was typed.
            errors[q.id] = AnswerError(q.id, exc.field or first_field(q), exc.message(lang))
            continue
        page[q.id] = value
        page[other_key(q.id)] = other_text
        working[q.id] = value
        working[other_key(q.id)] = other_text
        read.append(q)
    # Conditions and constraints only look at earlier questions (and the question itself), so
    # checking against the whole page at once equals checking each in turn, and the sections
    # after this one need not be walked (an autosave's largest cost after its statement).
    shown = _walk(survey, {k: v for k, v in working.items() if v is not None}, until=section)[0]
    for q in read:
        if q.id not in shown:
            continue
        error = check_question(
            q,
            page[q.id],
            page[other_key(q.id)],
            working,
            lang=lang,
            default_language=survey.default_language,
            require=require,
        )
        if error:
            errors[q.id] = error
    return PageResult(page, [errors[q.id] for q in section.questions if q.id in errors])


def merge(existing: Answers, page: Answers) -> Answers:
    out = dict(existing)
    for key, value in page.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def check_all(survey: Survey, answers: Answers, *, lang: str) -> list[AnswerError]:
    """Every problem that stops submission: each shown question checked, required enforced."""
    shown, kept = _walk(survey, answers)
    errors = []
    for section in survey.sections:
        for q in section.questions:
            if not q.collects_answer or q.id not in shown:
                continue
            error = check_question(
                q,
                kept.get(q.id),
                kept.get(other_key(q.id)),
                kept,
                lang=lang,
                default_language=survey.default_language,
                require=True,
            )
            if error:
                errors.append(error)
    return errors


def section_status(survey: Survey, section: Section, answers: Answers) -> str:
    """done | started | todo, for the task list."""
    shown_ids, kept = _walk(survey, answers)
    shown = [q for q in section.questions if q.collects_answer and q.id in shown_ids]
    answered = [q for q in shown if q.id in kept]
    if not shown:
        return "done"
    if not answered:
        return "todo"
    missing_required = [q for q in shown if q.required and q.id not in kept]
    return "started" if missing_required else "done"
