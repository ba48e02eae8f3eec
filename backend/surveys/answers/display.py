"""Answers in words (for "check your answers", staff views and exports), and the options a page shows."""

from __future__ import annotations

from typing import Any

from backend.surveys.answers.fields import Answers, other_key
from backend.surveys.format.model import Question


def answer_text(q: Question[Any], answers: Answers, lang: str, default_language: str) -> str:
    """The answer to `q` as a respondent would say it; "" when unanswered."""
    value = answers.get(q.id)
    if value is None:
        return ""
    return q.kind.answer_text(q, value, answers.get(other_key(q.id)), lang, default_language)


def answer_codes_with_labels(q: Question[Any], lang: str, default_language: str) -> list[tuple[str, str]]:
    """(code, label) of every answer a choice, yes/no, scale or matrix question offers, in
    order, including the options the format adds itself (other, don't know, not applicable)."""
    return q.kind.codes_with_labels(q, lang, default_language)


def choice_options(q: Question[Any], lang: str, default_language: str) -> list[tuple[str, str, bool]]:
    """(code, label, exclusive) of each option a choice, yes/no, scale or matrix question shows."""
    return q.kind.choice_options(q, lang, default_language)
