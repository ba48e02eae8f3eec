"""Answers checked by the format's rules: visibility, each question's own rules, pages and submission.

Pure functions. Form field names and the shape of answers: `answer_fields.py`; reading form
fields into answer values and back: `answer_forms.py`. Their names are re-exported here, where
callers have always imported them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.i18n import pick, t

# Re-exported names (`X as X`): callers import them from this module.
from backend.surveys.answer_fields import Answers as Answers
from backend.surveys.answer_fields import Form as Form
from backend.surveys.answer_fields import first_field as first_field
from backend.surveys.answer_fields import other_key as other_key
from backend.surveys.answer_fields import rank_positions as rank_positions
from backend.surveys.answer_forms import InvalidAnswer, format_number
from backend.surveys.answer_forms import answer_to_form as answer_to_form
from backend.surveys.answer_forms import form_to_answer as form_to_answer
from backend.surveys.answer_forms import parse_date as parse_date
from backend.surveys.answer_forms import parse_number as parse_number
from backend.surveys.codes import added_codes, answer_codes, matrix_codes
from backend.surveys.conditions import evaluate
from backend.surveys.definition import (
    DONT_KNOW_CODE,
    NO_CODE,
    OTHER_CODE,
    YES_CODE,
    Question,
    Section,
    Survey,
)
from backend.surveys.spec import ALLOCATION_TOTAL, DEFAULT_MAX_LENGTH


@dataclass(frozen=True)
class AnswerError:
    question_id: str
    #: The form field to link to from the error summary.
    field: str
    message: str


# ---- visibility -----------------------------------------------------------------------


def _walk(survey: Survey, answers: Answers) -> tuple[set[str], Answers]:
    """The ids of the questions shown, and the answers to them.

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
    return shown, kept


def visible_answers(survey: Survey, answers: Answers) -> Answers:
    """`answers` without those to questions hidden by their (or their section's) condition."""
    return _walk(survey, answers)[1]


def shown_question_ids(survey: Survey, answers: Answers) -> set[str]:
    """The ids of the questions (and information items) shown, given `answers`."""
    return _walk(survey, answers)[0]


def is_shown(survey: Survey, q: Question, answers: Answers) -> bool:
    return q.id in shown_question_ids(survey, answers)


# ---- checking -------------------------------------------------------------------------


def _check_value(q: Question, value: Any, other_text: str | None, lang: str, default: str, complete: bool) -> None:
    """Raise InvalidAnswer when a non-empty `value` breaks the question's own rules.

    `complete` False (a draft save) lets a half-done allocation, ranking or matrix through.
    """
    codes = answer_codes(q)
    if q.type in {"single_choice", "yes_no", "scale"}:
        if not isinstance(value, str) or (codes is not None and value not in codes):
            raise InvalidAnswer("bad_choice")
        if value == OTHER_CODE and not other_text:
            raise InvalidAnswer("other_missing", other_key(q.id))
    elif q.type == "multiple_choice":
        if not isinstance(value, list) or any(c not in (codes or []) for c in value):
            raise InvalidAnswer("bad_choice")
        exclusive = {o.code: o for o in q.options if o.exclusive}
        if q.dont_know:
            exclusive[DONT_KNOW_CODE] = None  # type: ignore[assignment]
        for code in value:
            if code in exclusive and len(value) > 1:
                option = exclusive[code]
                label = pick(option.label, lang, default) if option else t("dont_know", lang)
                raise InvalidAnswer("exclusive", option=label)
        if OTHER_CODE in value and not other_text:
            raise InvalidAnswer("other_missing", other_key(q.id))
    elif q.type == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidAnswer("not_a_number")
        if q.integer and not float(value).is_integer():
            raise InvalidAnswer("not_whole")
        if q.min is not None and value < q.min:
            raise InvalidAnswer("too_small", min=format_number(q.min))
        if q.max is not None and value > q.max:
            raise InvalidAnswer("too_large", max=format_number(q.max))
    elif q.type == "allocation":
        if not isinstance(value, dict):
            raise InvalidAnswer("not_a_number")
        item_codes = [i.code for i in q.items]
        for code, share in value.items():
            if (
                code not in item_codes
                or isinstance(share, bool)
                or not isinstance(share, int | float)
                or share < 0
                or share > ALLOCATION_TOTAL
            ):
                raise InvalidAnswer("share_range", f"{q.id}.{code}", total=ALLOCATION_TOTAL)
        if complete and abs(sum(value.values()) - ALLOCATION_TOTAL) > 0.01:
            raise InvalidAnswer("must_total", total=ALLOCATION_TOTAL)
    elif q.type == "ranking":
        item_codes = [i.code for i in q.items]
        if not isinstance(value, list) or any(c not in item_codes for c in value if c):
            raise InvalidAnswer("bad_choice")
        if "" in value:
            raise InvalidAnswer("rank_incomplete")
        if len(set(value)) != len(value):
            raise InvalidAnswer("rank_duplicate")
        if complete and len(value) != rank_positions(q):
            raise InvalidAnswer("rank_all", n=rank_positions(q))
    elif q.type == "matrix":
        row_codes = [r.code for r in q.rows]
        if not isinstance(value, dict):
            raise InvalidAnswer("bad_choice")
        for row, code in value.items():
            if row not in row_codes or code not in matrix_codes(q):
                raise InvalidAnswer("bad_choice", f"{q.id}.{row}")
        missing = [r for r in row_codes if r not in value]
        if complete and missing:
            raise InvalidAnswer("matrix_row", f"{q.id}.{missing[0]}")
    elif q.type == "date":
        if not isinstance(value, str) or parse_date(value) != value:
            raise InvalidAnswer("bad_date")
        if q.min is not None and value < str(q.min):
            raise InvalidAnswer("date_too_early", min=q.min)
        if q.max is not None and value > str(q.max):
            raise InvalidAnswer("date_too_late", max=q.max)
    elif q.type in {"short_text", "long_text"}:
        limit = q.max_length or DEFAULT_MAX_LENGTH[q.type]
        if not isinstance(value, str):
            raise InvalidAnswer("constraint")
        if len(value) > limit:
            raise InvalidAnswer("too_long", max=limit)


def check_question(
    q: Question,
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
        _check_value(q, value, other_text, lang, default_language, complete=require)
    except InvalidAnswer as exc:
        return AnswerError(q.id, exc.field or first_field(q), t(exc.key, lang, **exc.values))
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
    read: list[Question] = []
    for q in section.questions:
        if not q.collects_answer:
            continue
        try:
            value, other_text = form_to_answer(q, form)
        except InvalidAnswer as exc:
            errors[q.id] = AnswerError(q.id, exc.field or first_field(q), t(exc.key, lang, **exc.values))
            continue
        page[q.id] = value
        page[other_key(q.id)] = other_text
        working[q.id] = value
        working[other_key(q.id)] = other_text
        read.append(q)
    # Conditions and constraints only look at earlier questions (and the question itself), so
    # checking against the whole page at once equals checking each in turn.
    shown = shown_question_ids(survey, {k: v for k, v in working.items() if v is not None})
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


def answer_codes_with_labels(q: Question, lang: str, default_language: str) -> list[tuple[str, str]]:
    """(code, label) of every answer a choice, yes/no, scale or matrix question offers, in
    order, including the options the format adds itself (other, don't know, not applicable)."""
    if q.type == "yes_no":
        base = [(YES_CODE, t("yes", lang)), (NO_CODE, t("no", lang))]
    else:
        base = [(o.code, pick(o.label, lang, default_language)) for o in q.options]
    added = {OTHER_CODE: pick(q.other_label, lang, default_language) or t("other", lang)}
    return base + [(code, added.get(code) or t(code, lang)) for code in added_codes(q)]
