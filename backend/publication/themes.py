"""A free-text question's coded themes as disclosure control sees them (pure).

Staff may choose to publish the theme counts of a text question they have coded
(docs/analysis.md, "Publishing theme counts"). The text is never published; its themes are
treated as the options of a multiple-choice question, one answer per force: a force "has" a
theme when staff tagged its answer with it. So the derived question is an ordinary "multi" of
the basis, and the threshold, the crowd rule, the audit across rounds and secondary suppression
apply to each theme exactly as to an option (docs/disclosure-control.md).

- Its id is the text question's id, so it is linked across rounds like any question, and to the
  questions it follows (its `show_if`) within a round.
- Its options are the codebook's themes, named as staff wrote them (a theme's name is its code:
  names are unique in a codebook whatever their case). Themes of two rounds with the same name
  are the same option to the audit, which is what a reader would assume.
- A force that answered the question (any text that is not blank) is "answered", with the themes
  of its answer (none while it is not coded); a force that did not answer is "not answered", so
  the question's n is protected like a follow-up's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from backend.publication.basis import QuestionSpec, RoundBasis
from backend.publication.specs import depends_on
from backend.surveys import FREE_TEXT_TYPES, Question, Survey


def codable(question: Question) -> bool:
    """Whether a question's coded themes may be published: a free-text question (whose text is
    always staff only: the questionnaire format allows nothing else)."""
    return question.type in FREE_TEXT_TYPES


def theme_spec(question: Question, survey: Survey, themes: Sequence[str]) -> QuestionSpec:
    """The text question as a multiple choice whose options are `themes` (the codebook's names)."""
    codes = tuple(themes)
    return QuestionSpec(question.id, "multi", codes, codes, depends_on(question, survey), coded=True)


def theme_answers(tags: Mapping[int, Iterable[str]], themes: Sequence[str]) -> dict[int, list[str]]:
    """Each answering force's themes (in the codebook's order) from the names its answer is
    tagged with; `tags` holds every force that answered, coded or not. A tag of a name the
    codebook does not have is ignored."""
    order = {name: i for i, name in enumerate(themes)}
    return {force: sorted({t for t in names if t in order}, key=order.__getitem__) for force, names in tags.items()}


def with_themes(
    basis: RoundBasis,
    survey: Survey,
    coded: Mapping[str, tuple[Sequence[str], Mapping[int, Iterable[str]]]],
) -> RoundBasis:
    """`basis` with the coded text questions added: `coded` maps a question id to its codebook's
    theme names (in order) and each answering force's theme names. Questions that may not be
    published (`codable`), are not in the questionnaire or have no theme are left out. The
    questions stay in questionnaire order."""
    specs: dict[str, QuestionSpec] = {}
    extra: dict[str, dict[int, list[str]]] = {}
    for qid, (themes, tags) in coded.items():
        try:
            question = survey.question(qid)
        except KeyError:
            continue
        if not themes or not codable(question):
            continue
        specs[qid] = theme_spec(question, survey, themes)
        extra[qid] = theme_answers(tags, themes)
    if not specs:
        return basis
    questions = {
        q.id: basis.questions.get(q.id) or specs[q.id]
        for q in survey.questions()
        if q.id in basis.questions or q.id in specs
    }
    answers = {
        force: {**basis.answers.get(force, {}), **{qid: got[force] for qid, got in extra.items() if force in got}}
        for force in basis.participants
    }
    return replace(basis, questions=questions, answers=answers)


def own_themes(basis: RoundBasis, force_id: int) -> dict[str, list[str]]:
    """One force's themes in each coded question of `basis` (what its own dashboard marks)."""
    return {
        q.id: list(basis.answer(force_id, q.id))
        for q in basis.questions.values()
        if q.coded and isinstance(basis.answer(force_id, q.id), list)
    }
