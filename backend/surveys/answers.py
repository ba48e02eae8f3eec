"""Answers: from form fields to values, back again, and checked by the format's rules.

Pure functions. Form data is a mapping from field name to the list of submitted strings
(the shape of an HTML form). Field names: the question id; `id.other` for "other, please
specify"; `id.<item>` for allocation shares and matrix rows; `id.<n>` for ranking positions.
Answers are a flat JSON object: `{question_id: value, "question_id.other": "text"}`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from backend.i18n import pick, t
from backend.surveys.conditions import evaluate
from backend.surveys.definition import (
    DONT_KNOW_CODE,
    NO_CODE,
    NOT_APPLICABLE_CODE,
    OTHER_CODE,
    YES_CODE,
    Question,
    Section,
    Survey,
)
from backend.surveys.parser import answer_codes
from backend.surveys.spec import ALLOCATION_TOTAL, DEFAULT_MAX_LENGTH

Form = Mapping[str, list[str]]
Answers = dict[str, Any]


@dataclass(frozen=True)
class AnswerError:
    question_id: str
    #: The form field to link to from the error summary.
    field: str
    message: str


def other_key(question_id: str) -> str:
    return f"{question_id}.other"


def rank_positions(q: Question) -> int:
    return q.top or len(q.items)


def first_field(q: Question) -> str:
    """The id of the first form control of a question (error summary links go there)."""
    if q.type == "allocation":
        return f"{q.id}.{q.items[0].code}"
    if q.type == "matrix":
        return f"{q.id}.{q.rows[0].code}"
    if q.type == "ranking":
        return f"{q.id}.1"
    return q.id


# ---- visibility -----------------------------------------------------------------------


def visible_answers(survey: Survey, answers: Answers) -> Answers:
    """`answers` without those to questions hidden by their (or their section's) condition.

    Conditions only look at earlier questions, so one pass in order settles everything: a
    hidden question's answer is dropped before any later condition can see it.
    """
    kept: Answers = {}
    for section in survey.sections:
        section_shown = section.show_if is None or evaluate(section.show_if, kept)
        for q in section.questions:
            if not q.collects_answer:
                continue
            if section_shown and (q.show_if is None or evaluate(q.show_if, kept)):
                for key in (q.id, other_key(q.id)):
                    if key in answers:
                        kept[key] = answers[key]
    return kept


def is_shown(survey: Survey, section: Section, q: Question | None, answers: Answers) -> bool:
    kept = visible_answers(survey, answers)
    if section.show_if is not None and not evaluate(section.show_if, kept):
        return False
    return q is None or q.show_if is None or evaluate(q.show_if, kept)


# ---- answer → form --------------------------------------------------------------------


def _fmt_number(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def answer_to_form(q: Question, answers: Answers) -> dict[str, list[str]]:
    value = answers.get(q.id)
    out: dict[str, list[str]] = {}
    if value is None:
        return out
    if q.type == "multiple_choice" and isinstance(value, list):
        out[q.id] = [str(v) for v in value]
    elif q.type == "allocation" and isinstance(value, dict):
        for code, share in value.items():
            out[f"{q.id}.{code}"] = [_fmt_number(share)]
    elif q.type == "matrix" and isinstance(value, dict):
        for row, code in value.items():
            out[f"{q.id}.{row}"] = [str(code)]
    elif q.type == "ranking" and isinstance(value, list):
        for position, code in enumerate(value, start=1):
            out[f"{q.id}.{position}"] = [str(code)]
    elif q.type == "number":
        out[q.id] = [_fmt_number(value)]
    else:
        out[q.id] = [str(value)]
    if other_key(q.id) in answers:
        out[other_key(q.id)] = [str(answers[other_key(q.id)])]
    return out


# ---- form → answer --------------------------------------------------------------------


def _one(form: Form, name: str) -> str:
    values = form.get(name) or []
    return values[0].strip() if values else ""


_THOUSANDS = re.compile(r"^-?\d{1,3}([,.\s]\d{3})+$")


def parse_number(raw: str, integer: bool) -> float | int | None:
    """Numbers as people type them: spaces, thousands separators, a decimal comma."""
    s = raw.replace("\u00a0", " ").replace("\u202f", " ").strip()
    if integer and _THOUSANDS.match(s):
        s = re.sub(r"[,.\s]", "", s)
    s = s.replace(" ", "")
    if "," in s and "." not in s and s.count(",") == 1:
        s = s.replace(",", ".")
    try:
        number = float(s)
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    if number.is_integer() and (integer or "." not in s):
        return int(number)
    return number


def parse_date(raw: str) -> str | None:
    s = raw.strip()
    try:
        return dt.date.fromisoformat(s).isoformat()
    except ValueError:
        pass
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", s)
    if m:
        try:
            return dt.date(int(m[3]), int(m[2]), int(m[1])).isoformat()
        except ValueError:
            return None
    return None


class _Invalid(Exception):
    def __init__(self, key: str, field: str | None = None, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.field = field
        self.values = values


def form_to_answer(q: Question, form: Form) -> tuple[Any, str | None]:
    """The answer value a question's fields hold (None when empty), and the "other" text.

    Raises _Invalid for input that is not a value of the question's kind at all.
    """
    other_text = _one(form, other_key(q.id)) or None
    if q.type in {"single_choice", "yes_no", "scale"}:
        code = _one(form, q.id)
        return (code or None), (other_text if code == OTHER_CODE else None)
    if q.type == "multiple_choice":
        codes = [c for c in (form.get(q.id) or []) if c]
        codes = list(dict.fromkeys(codes))
        return (codes or None), (other_text if OTHER_CODE in codes else None)
    if q.type == "number":
        raw = _one(form, q.id)
        if not raw:
            return None, None
        number = parse_number(raw, q.integer)
        if number is None:
            raise _Invalid("not_a_number")
        return number, None
    if q.type == "allocation":
        shares: dict[str, float | int] = {}
        for item in q.items:
            name = f"{q.id}.{item.code}"
            raw = _one(form, name)
            if not raw:
                continue
            number = parse_number(raw, False)
            if number is None:
                raise _Invalid("not_a_number", name)
            shares[item.code] = number
        return (shares or None), None
    if q.type == "ranking":
        order = [_one(form, f"{q.id}.{n}") for n in range(1, rank_positions(q) + 1)]
        while order and not order[-1]:
            order.pop()
        return (order or None), None
    if q.type == "matrix":
        rows = {r.code: _one(form, f"{q.id}.{r.code}") for r in q.rows}
        chosen = {k: v for k, v in rows.items() if v}
        return (chosen or None), None
    if q.type == "date":
        raw = _one(form, q.id)
        if not raw:
            return None, None
        value = parse_date(raw)
        if value is None:
            raise _Invalid("bad_date")
        return value, None
    if q.type in {"short_text", "long_text"}:
        raw = (form.get(q.id) or [""])[0]
        # Keep what was typed (line breaks included); only surrounding blank space goes.
        return (raw.strip() or None), None
    return None, None


# ---- checking -------------------------------------------------------------------------


def _check_value(q: Question, value: Any, other_text: str | None, lang: str, default: str, complete: bool) -> None:
    """Raise _Invalid when a non-empty `value` breaks the question's own rules.

    `complete` False (a draft save) lets a half-done allocation, ranking or matrix through.
    """
    codes = answer_codes(q)
    if q.type in {"single_choice", "yes_no", "scale"}:
        if not isinstance(value, str) or (codes is not None and value not in codes):
            raise _Invalid("bad_choice")
        if value == OTHER_CODE and not other_text:
            raise _Invalid("other_missing", other_key(q.id))
    elif q.type == "multiple_choice":
        if not isinstance(value, list) or any(c not in (codes or []) for c in value):
            raise _Invalid("bad_choice")
        exclusive = {o.code: o for o in q.options if o.exclusive}
        if q.dont_know:
            exclusive[DONT_KNOW_CODE] = None  # type: ignore[assignment]
        for code in value:
            if code in exclusive and len(value) > 1:
                option = exclusive[code]
                label = pick(option.label, lang, default) if option else t("dont_know", lang)
                raise _Invalid("exclusive", option=label)
        if OTHER_CODE in value and not other_text:
            raise _Invalid("other_missing", other_key(q.id))
    elif q.type == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Invalid("not_a_number")
        if q.integer and not float(value).is_integer():
            raise _Invalid("not_whole")
        if q.min is not None and value < q.min:
            raise _Invalid("too_small", min=_fmt_number(q.min))
        if q.max is not None and value > q.max:
            raise _Invalid("too_large", max=_fmt_number(q.max))
    elif q.type == "allocation":
        if not isinstance(value, dict):
            raise _Invalid("not_a_number")
        item_codes = [i.code for i in q.items]
        for code, share in value.items():
            if (
                code not in item_codes
                or isinstance(share, bool)
                or not isinstance(share, int | float)
                or share < 0
                or share > ALLOCATION_TOTAL
            ):
                raise _Invalid("share_range", f"{q.id}.{code}", total=ALLOCATION_TOTAL)
        if complete and abs(sum(value.values()) - ALLOCATION_TOTAL) > 0.01:
            raise _Invalid("must_total", total=ALLOCATION_TOTAL)
    elif q.type == "ranking":
        item_codes = [i.code for i in q.items]
        if not isinstance(value, list) or any(c not in item_codes for c in value if c):
            raise _Invalid("bad_choice")
        if "" in value:
            raise _Invalid("rank_incomplete")
        if len(set(value)) != len(value):
            raise _Invalid("rank_duplicate")
        if complete and len(value) != rank_positions(q):
            raise _Invalid("rank_all", n=rank_positions(q))
    elif q.type == "matrix":
        row_codes = [r.code for r in q.rows]
        if not isinstance(value, dict):
            raise _Invalid("bad_choice")
        for row, code in value.items():
            if row not in row_codes or code not in (codes_for_matrix(q)):
                raise _Invalid("bad_choice", f"{q.id}.{row}")
        missing = [r for r in row_codes if r not in value]
        if complete and missing:
            raise _Invalid("matrix_row", f"{q.id}.{missing[0]}")
    elif q.type == "date":
        if not isinstance(value, str) or parse_date(value) != value:
            raise _Invalid("bad_date")
        if q.min is not None and value < str(q.min):
            raise _Invalid("date_too_early", min=q.min)
        if q.max is not None and value > str(q.max):
            raise _Invalid("date_too_late", max=q.max)
    elif q.type in {"short_text", "long_text"}:
        limit = q.max_length or DEFAULT_MAX_LENGTH[q.type]
        if not isinstance(value, str):
            raise _Invalid("constraint")
        if len(value) > limit:
            raise _Invalid("too_long", max=limit)


def codes_for_matrix(q: Question) -> list[str]:
    extra = [c for c, on in ((DONT_KNOW_CODE, q.dont_know), (NOT_APPLICABLE_CODE, q.not_applicable)) if on]
    return [o.code for o in q.options] + extra


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
    except _Invalid as exc:
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
    errors: list[AnswerError] = []
    for q in section.questions:
        if not q.collects_answer:
            continue
        try:
            value, other_text = form_to_answer(q, form)
        except _Invalid as exc:
            errors.append(AnswerError(q.id, exc.field or first_field(q), t(exc.key, lang, **exc.values)))
            continue
        page[q.id] = value
        page[other_key(q.id)] = other_text
        working[q.id] = value
        working[other_key(q.id)] = other_text
        shown = is_shown(survey, section, q, {k: v for k, v in working.items() if v is not None})
        if not shown:
            continue
        error = check_question(
            q, value, other_text, working, lang=lang, default_language=survey.default_language, require=require
        )
        if error:
            errors.append(error)
    return PageResult(page, errors)


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
    kept = visible_answers(survey, answers)
    errors = []
    for section in survey.sections:
        for q in section.questions:
            if not q.collects_answer or not is_shown(survey, section, q, kept):
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
    kept = visible_answers(survey, answers)
    shown = [q for q in section.questions if q.collects_answer and is_shown(survey, section, q, kept)]
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
    if q.other:
        base.append((OTHER_CODE, pick(q.other_label, lang, default_language) or t("other", lang)))
    if q.dont_know:
        base.append((DONT_KNOW_CODE, t("dont_know", lang)))
    if q.not_applicable:
        base.append((NOT_APPLICABLE_CODE, t("not_applicable", lang)))
    return base
