"""Conditions in words, for respondents whose browser runs no JavaScript: a conditional
question is then always on the page, introduced by when to answer it."""

from __future__ import annotations

from backend.i18n import pick
from backend.surveys.answers.display import answer_codes_with_labels
from backend.surveys.format.model import AllOf, AnyOf, Compare, Condition, CountSelected, Not, Survey

_WORDS = {
    "en": {
        "if": "Answer only if",
        "and": "and",
        "or": "or",
        "not": "it is not the case that",
        "is": "is",
        "is_not": "is not",
        "one_of": "is one of",
        "includes": "includes",
        "answered": "is answered",
        "unanswered": "is not answered",
        "selected": "options chosen in",
    },
    "fr": {
        "if": "Répondez seulement si",
        "and": "et",
        "or": "ou",
        "not": "il n'est pas vrai que",
        "is": "est",
        "is_not": "n'est pas",
        "one_of": "est l'une des réponses",
        "includes": "comprend",
        "answered": "a une réponse",
        "unanswered": "n'a pas de réponse",
        "selected": "options choisies à",
    },
    "es": {
        "if": "Responda solo si",
        "and": "y",
        "or": "o",
        "not": "no es cierto que",
        "is": "es",
        "is_not": "no es",
        "one_of": "es una de",
        "includes": "incluye",
        "answered": "tiene respuesta",
        "unanswered": "no tiene respuesta",
        "selected": "opciones elegidas en",
    },
}
_SYMBOLS = {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤", "equals": "=", "not_equals": "≠"}


def describe(cond: Condition, survey: Survey, lang: str) -> str:
    w = _WORDS.get(lang, _WORDS["en"])
    return f"{w['if']} {_phrase(cond, survey, lang, w)}."


def _label_of(survey: Survey, qid: str, lang: str) -> str:
    try:
        return "“" + pick(survey.question(qid).label, lang, survey.default_language) + "”"
    except KeyError:
        return qid


def _value(survey: Survey, qid: str, value: object, lang: str) -> str:
    try:
        q = survey.question(qid)
    except KeyError:
        return str(value)
    # Only answers that are codes have labels to say them with.
    coded = q.kind.answer_codes(q) is not None
    labels = dict(answer_codes_with_labels(q, lang, survey.default_language)) if coded else {}
    return "“" + labels.get(str(value), str(value)) + "”"


def _phrase(cond: Condition, survey: Survey, lang: str, w: dict[str, str]) -> str:
    if isinstance(cond, AllOf):
        return f" {w['and']} ".join(_phrase(c, survey, lang, w) for c in cond.conditions)
    if isinstance(cond, AnyOf):
        return f" {w['or']} ".join(_phrase(c, survey, lang, w) for c in cond.conditions)
    if isinstance(cond, Not):
        return f"{w['not']} {_phrase(cond.condition, survey, lang, w)}"
    if isinstance(cond, CountSelected):
        return f"{w['selected']} {_label_of(survey, cond.question, lang)} {_SYMBOLS[cond.op]} {cond.value}"
    assert isinstance(cond, Compare)
    subject = _label_of(survey, cond.question, lang)
    if cond.op == "answered":
        return f"{subject} {w['answered'] if cond.value else w['unanswered']}"
    if cond.op in {"in", "not_in"}:
        values = ", ".join(_value(survey, cond.question, v, lang) for v in cond.value)  # type: ignore[attr-defined]
        return f"{subject} {w['one_of'] if cond.op == 'in' else w['is_not']} {values}"
    if cond.op == "contains":
        return f"{subject} {w['includes']} {_value(survey, cond.question, cond.value, lang)}"
    if cond.op in {"equals", "not_equals"}:
        verb = w["is"] if cond.op == "equals" else w["is_not"]
        return f"{subject} {verb} {_value(survey, cond.question, cond.value, lang)}"
    return f"{subject} {_SYMBOLS[cond.op]} {cond.value}"
