"""Conditions in words, for respondents whose browser runs no JavaScript: a conditional
question is then always on the page, introduced by when to answer it.

Each shape of condition is one message with placeholders (`respondent.po`); a combination
fills one message's placeholders with the words of its parts."""

from __future__ import annotations

from backend.i18n import Language, language_for, pick
from backend.surveys.answers.display import answer_codes_with_labels
from backend.surveys.format.model import AllOf, AnyOf, Compare, Condition, CountSelected, Not, Survey

_SYMBOLS = {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤", "equals": "=", "not_equals": "≠"}


def describe(cond: Condition, survey: Survey, lang: str) -> str:
    language = language_for(lang)
    # TRANSLATORS: before a question shown only when an earlier answer is given; "condition" is
    # e.g. “Does your force have a strategy?” is “Yes”.
    return language.gettext("Answer only if %(condition)s.", condition=_phrase(cond, survey, language))


def _label_of(survey: Survey, qid: str, language: Language) -> str:
    try:
        label = pick(survey.question(qid).label, language.code, survey.default_language)
    except KeyError:
        label = qid
    # TRANSLATORS: a question's or an answer's words quoted in a sentence (“…” in English).
    return language.gettext("“%(text)s”", text=label)


def _value(survey: Survey, qid: str, value: object, language: Language) -> str:
    try:
        q = survey.question(qid)
    except KeyError:
        return _number_or_text(value, language)
    # Only answers that are codes have labels to say them with.
    if q.kind.answer_codes(q) is None:
        return _number_or_text(value, language)
    labels = dict(answer_codes_with_labels(q, language.code, survey.default_language))
    return language.gettext("“%(text)s”", text=labels.get(str(value), str(value)))


def _number_or_text(value: object, language: Language) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return language.number(value)
    return language.gettext("“%(text)s”", text=str(value))


def _phrase(cond: Condition, survey: Survey, language: Language) -> str:
    gettext = language.gettext
    if isinstance(cond, AllOf | AnyOf):
        parts = [_phrase(c, survey, language) for c in cond.conditions]
        text = parts[0]
        for part in parts[1:]:
            if isinstance(cond, AllOf):
                # TRANSLATORS: two conditions that must both hold (“…” is “Yes” and “…” is answered).
                text = gettext("%(first)s and %(second)s", first=text, second=part)
            else:
                # TRANSLATORS: two conditions of which one must hold.
                text = gettext("%(first)s or %(second)s", first=text, second=part)
        return text
    if isinstance(cond, Not):
        return gettext("it is not the case that %(condition)s", condition=_phrase(cond.condition, survey, language))
    if isinstance(cond, CountSelected):
        return gettext(
            "the number of options chosen in %(question)s %(comparison)s %(value)s",
            question=_label_of(survey, cond.question, language),
            comparison=_SYMBOLS[cond.op],
            value=language.number(cond.value),
        )
    assert isinstance(cond, Compare)
    subject = _label_of(survey, cond.question, language)
    if cond.op == "answered":
        if cond.value:
            return gettext("%(question)s is answered", question=subject)
        return gettext("%(question)s is not answered", question=subject)
    if cond.op in {"in", "not_in"}:
        values = ", ".join(_value(survey, cond.question, v, language) for v in cond.value)  # type: ignore[attr-defined]
        if cond.op == "in":
            return gettext("%(question)s is one of %(values)s", question=subject, values=values)
        return gettext("%(question)s is none of %(values)s", question=subject, values=values)
    if cond.op == "contains":
        return gettext(
            "%(question)s includes %(value)s",
            question=subject,
            value=_value(survey, cond.question, cond.value, language),
        )
    if cond.op in {"equals", "not_equals"}:
        value = _value(survey, cond.question, cond.value, language)
        if cond.op == "equals":
            return gettext("%(question)s is %(value)s", question=subject, value=value)
        return gettext("%(question)s is not %(value)s", question=subject, value=value)
    # A comparison with a number: its symbol reads the same in every language.
    return f"{subject} {_SYMBOLS[cond.op]} {_number_or_text(cond.value, language)}"
