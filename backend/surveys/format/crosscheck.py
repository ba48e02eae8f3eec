"""The checks that need the whole definition: references between questions, and translations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.surveys.format.conditions import SELF, referenced_questions
from backend.surveys.format.model import NUMERIC_OPS, Compare, Condition, CountSelected, Question, Section
from backend.surveys.format.problems import did_you_mean
from backend.surveys.format.reader import Reader
from backend.surveys.format.yaml_positions import Path

_CODE_OPS = frozenset({"equals", "not_equals", "in", "not_in", "contains"})


@dataclass(frozen=True)
class Placed:
    """A question as written: where, its id as written, and the question read from it (None
    when it could not be read: an unknown type, a bad id)."""

    path: Path
    id: str | None
    question: Question[Any] | None


@dataclass(frozen=True)
class PlacedSection:
    """A section read, where it is written, and every question written in it."""

    path: Path
    section: Section
    questions: list[Placed]


def check_references(r: Reader, sections: list[PlacedSection]) -> None:
    """Conditions and constraints refer to earlier questions only, in ways their kind allows.

    Questions that could not be read still count as written: a condition naming one is not
    told the question is unknown (its own problem is reported where it is), and is not checked
    against a kind nobody knows.
    """
    seen: dict[str, Question[Any] | None] = {}
    all_ids = {p.id for s in sections for p in s.questions if p.id is not None}
    for placed_section in sections:
        section, spath = placed_section.section, placed_section.path
        if section.show_if is not None:
            _check_condition(r, section.show_if, (*spath, "show_if"), seen, all_ids, None)
        for placed in placed_section.questions:
            qpath, q = placed.path, placed.question
            if placed.id is not None and placed.id in seen:
                r.problem((*qpath, "id"), f'duplicate question id "{placed.id}"')
            if q is not None:
                if q.show_if is not None:
                    _check_condition(r, q.show_if, (*qpath, "show_if"), seen, all_ids, None)
                for ci, c in enumerate(q.constraints):
                    _check_condition(r, c.rule, (*qpath, "constraints", ci, "rule"), seen, all_ids, q)
            if placed.id is not None:
                seen.setdefault(placed.id, q)


def _check_condition(
    r: Reader,
    cond: Condition,
    path: Path,
    earlier: dict[str, Question[Any] | None],
    all_ids: set[str],
    this: Question[Any] | None,
) -> None:
    for qid, atom in referenced_questions(cond):
        target: Question[Any] | None
        if qid == SELF or (this is not None and qid == this.id):
            if this is None:
                r.problem(path, '"." (this question) can only be used in constraints')
                continue
            target = this
        elif qid in earlier:
            target = earlier[qid]
        elif qid in all_ids:
            r.problem(
                path,
                f'condition refers to question "{qid}", which comes later; a condition can only use earlier answers',
            )
            continue
        else:
            known = sorted(k for k in earlier if earlier[k] is not None)
            r.problem(path, f'condition refers to unknown question "{qid}"{did_you_mean(qid, known)}')
            continue
        if target is not None:  # None: written but unreadable, its own problem said where
            _check_atom(r, atom, target, path)


def _check_atom(r: Reader, atom: Condition, target: Question[Any], path: Path) -> None:
    """One comparison against the question it names: it must fit what the answer is."""
    kind = target.kind
    if not kind.collects_answer:
        r.problem(path, f'question "{target.id}" is information only and has no answer')
        return
    if isinstance(atom, CountSelected):
        if not kind.selects_many:
            r.problem(path, f'count_selected needs a multiple_choice question; "{target.id}" is {target.type}')
        return
    assert isinstance(atom, Compare)
    if atom.op == "contains" and not kind.selects_many:
        r.problem(path, f'"contains" needs a multiple_choice question; "{target.id}" is {target.type}')
        return
    if atom.op in NUMERIC_OPS:
        reason = kind.numeric_problem(target, atom.op)
        if reason:
            r.problem(path, reason)
        return
    codes = kind.answer_codes(target)
    if codes is not None and atom.op in _CODE_OPS:
        values = atom.value if isinstance(atom.value, tuple) else (atom.value,)
        for v in values:
            if str(v) not in codes:
                r.problem(
                    path,
                    f'"{v}" is not an option code of "{target.id}" ({", ".join(codes)}){did_you_mean(str(v), codes)}',
                )


def check_translations(r: Reader) -> None:
    """Every text read has the default language (a problem), and every other language of the
    questionnaire (a warning: respondents see the default language's text instead;
    `surveys validate --strict` makes it a problem, and rounds refuse such a version)."""
    for path, text in r.texts:
        if r.default_language not in text:
            r.problem(path, f'missing text in the default language "{r.default_language}"')
        for lang in r.languages:
            if lang != r.default_language and lang not in text:
                r.warn(path, f'missing "{lang}" translation')
