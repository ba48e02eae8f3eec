"""The codes an answer to a question may take: its option codes and those the format adds."""

from __future__ import annotations

from backend.surveys.definition import DONT_KNOW_CODE, NO_CODE, NOT_APPLICABLE_CODE, OTHER_CODE, YES_CODE, Question


def answer_codes(q: Question) -> list[str] | None:
    """The codes an answer to `q` may take, or None when answers are not codes."""
    extra = [
        c
        for c, on in ((OTHER_CODE, q.other), (DONT_KNOW_CODE, q.dont_know), (NOT_APPLICABLE_CODE, q.not_applicable))
        if on
    ]
    if q.type in {"single_choice", "multiple_choice", "scale"}:
        return [o.code for o in q.options] + extra
    if q.type == "yes_no":
        return [YES_CODE, NO_CODE, *extra]
    return None
