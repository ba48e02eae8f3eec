"""Staff's questions for discussion, checked: pure (no database, no web). Each problem is said
against its field (`questions_en`, ...), in English for translation by the caller (`N_`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from backend.i18n import LANGUAGES, N_

#: A pack's page of questions holds about this many, with room to write under each.
MAX_QUESTIONS = 12
MAX_LENGTH = 400

TOO_MANY = N_("Write at most %(max)s questions in each language.")
TOO_LONG = N_("Each question can be at most %(max)s characters long.")
UNKNOWN_LANGUAGE = N_("Questions can be written in English, French or Spanish (en, fr, es).")


class QuestionsInvalid(Exception):
    """Problems by field: {"questions_fr": (message, values)}."""

    def __init__(self, problems: dict[str, tuple[str, dict[str, int]]]) -> None:
        super().__init__(", ".join(problems))
        self.problems = problems


def from_text(text: str) -> list[str]:
    """The questions of a text box: one per line, blank lines left out."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def check_questions(questions: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The questions to store, by language (each trimmed, empty ones left out); raises
    `QuestionsInvalid` naming every field with a problem."""
    problems: dict[str, tuple[str, dict[str, int]]] = {}
    out: dict[str, list[str]] = {}
    for code, items in questions.items():
        field = f"questions_{code}"
        if code not in LANGUAGES:
            problems[field] = (UNKNOWN_LANGUAGE, {})
            continue
        kept = [q.strip() for q in items if q.strip()]
        if len(kept) > MAX_QUESTIONS:
            problems[field] = (TOO_MANY, {"max": MAX_QUESTIONS})
        elif any(len(q) > MAX_LENGTH for q in kept):
            problems[field] = (TOO_LONG, {"max": MAX_LENGTH})
        out[code] = kept
    if problems:
        raise QuestionsInvalid(problems)
    return {code: out.get(code, []) for code in LANGUAGES}
