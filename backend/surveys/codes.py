"""The codes an answer to a question may take: its option codes and those the format adds."""

from __future__ import annotations

from backend.surveys.definition import DONT_KNOW_CODE, NO_CODE, NOT_APPLICABLE_CODE, OTHER_CODE, YES_CODE, Question


def added_codes(q: Question) -> list[str]:
    """The codes of the options the format adds to `q` itself, in the order they are shown."""
    return [
        c
        for c, on in ((OTHER_CODE, q.other), (DONT_KNOW_CODE, q.dont_know), (NOT_APPLICABLE_CODE, q.not_applicable))
        if on
    ]


def answer_codes(q: Question) -> list[str] | None:
    """The codes an answer to `q` may take, or None when answers are not codes."""
    if q.type in {"single_choice", "multiple_choice", "scale"}:
        return [o.code for o in q.options] + added_codes(q)
    if q.type == "yes_no":
        return [YES_CODE, NO_CODE, *added_codes(q)]
    return None


def matrix_codes(q: Question) -> list[str]:
    """The codes a row of a matrix may take: its scale points and the added options."""
    return [o.code for o in q.options] + added_codes(q)
