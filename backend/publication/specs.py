"""How each published question of a questionnaire looks to disclosure control (pure)."""

from __future__ import annotations

from backend.publication.basis import WHOLE, QuestionSpec
from backend.surveys import (
    AGGREGATE_KIND,
    Question,
    Survey,
    answer_codes,
    matrix_codes,
    rank_positions,
    referenced_questions,
)


def depends_on(question: Question, survey: Survey) -> tuple[str, ...]:
    """The questions whose answers decide whether `question` is asked (its `show_if`, its section's)."""
    section = next(s for s in survey.sections if any(q.id == question.id for q in s.questions))
    found: list[str] = []
    for condition in (question.show_if, section.show_if):
        if condition is not None:
            refs = [q for q, _ in referenced_questions(condition)]
            found.extend(q for q in refs if q not in found and q not in {".", question.id})
    return tuple(found)


def question_spec(question: Question, survey: Survey) -> QuestionSpec:
    kind = AGGREGATE_KIND[question.type]
    parents = depends_on(question, survey)
    if kind == "categorical":
        return QuestionSpec(question.id, kind, (WHOLE,), tuple(answer_codes(question) or ()), parents)
    if kind == "multi":
        codes = tuple(answer_codes(question) or ())
        return QuestionSpec(question.id, kind, codes, codes, parents)
    if kind == "numeric":
        return QuestionSpec(question.id, kind, (WHOLE,), (), parents)
    if kind == "allocation":
        return QuestionSpec(question.id, kind, tuple(i.code for i in question.settings.items), (), parents)
    if kind == "ranking":
        positions = tuple(str(p) for p in range(1, rank_positions(question) + 1))
        return QuestionSpec(question.id, kind, tuple(i.code for i in question.settings.items), positions, parents)
    rows = tuple(r.code for r in question.settings.rows)
    return QuestionSpec(question.id, kind, rows, tuple(matrix_codes(question)), parents)


def published_specs(survey: Survey) -> dict[str, QuestionSpec]:
    """The questions partners may see figures of (never free text or staff-only), in order."""
    return {q.id: question_spec(q, survey) for q in survey.questions() if q.published and q.type in AGGREGATE_KIND}
