"""Answers in words (for "check your answers", staff views and exports)."""

from __future__ import annotations

from backend.i18n import pick
from backend.surveys.answers import Answers, answer_codes_with_labels, other_key
from backend.surveys.definition import Question


def _num(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def answer_text(q: Question, answers: Answers, lang: str, default_language: str) -> str:
    """The answer to `q` as a respondent would say it; "" when unanswered."""
    value = answers.get(q.id)
    if value is None:
        return ""
    if q.type in {"single_choice", "yes_no", "scale", "multiple_choice"}:
        labels = dict(answer_codes_with_labels(q, lang, default_language))
        codes = value if isinstance(value, list) else [value]
        words = [labels.get(str(c), str(c)) for c in codes]
        other = answers.get(other_key(q.id))
        if other:
            words = [f"{w}: {other}" if c == "other" else w for c, w in zip(codes, words, strict=True)]
        return "; ".join(words)
    if q.type == "number":
        unit = pick(q.unit, lang, default_language)
        return f"{_num(value)} {unit}".strip()
    if q.type == "allocation" and isinstance(value, dict):
        return "; ".join(f"{pick(i.label, lang, default_language)}: {_num(value.get(i.code, 0))}%" for i in q.items)
    if q.type == "ranking" and isinstance(value, list):
        labels = {i.code: pick(i.label, lang, default_language) for i in q.items}
        return "; ".join(f"{n}. {labels.get(c, c)}" for n, c in enumerate(value, start=1))
    if q.type == "matrix" and isinstance(value, dict):
        scale = dict(answer_codes_with_labels(q, lang, default_language))
        return "; ".join(
            f"{pick(r.label, lang, default_language)}: {scale.get(value[r.code], value[r.code])}"
            for r in q.rows
            if r.code in value
        )
    return str(value)


def choice_options(q: Question, lang: str, default_language: str) -> list[tuple[str, str, bool]]:
    """(code, label, exclusive) of each option a choice, yes/no, scale or matrix question shows.

    In a multiple choice the exclusive options ("none of these", "don't know") come last,
    after "other", so that the page can set them apart with an "or"."""
    exclusive = {o.code for o in q.options if o.exclusive}
    if q.type == "multiple_choice" and q.dont_know:
        exclusive.add("dont_know")
    options = [(code, label, code in exclusive) for code, label in answer_codes_with_labels(q, lang, default_language)]
    if q.type == "multiple_choice":
        options.sort(key=lambda option: option[2])  # stable: the order within each part is kept
    return options
