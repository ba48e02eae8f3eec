"""What disclosure control works from: one round's answers, force by force, with each force's
peer groups as frozen when the round opened.

A basis is staff-only material (it holds every force's answers). This module is pure (no
database, no web framework): the audit and the suppressor work on these values only, so they
can be tested exhaustively and attacked in tests.

How answers become *components*: every published figure is built from one component of each
force's answer. A single choice, a yes/no, a scale point and a number are one component; a
multiple choice has one component per option (chosen or not), an allocation one per item (the
share), a ranking one per item (its position, 0 when not ranked), a matrix one per row (the
scale point). A force that did not answer the question has `None` in every component, so the
number of forces that answered (a follow-up's n counts forces that gave its parent's answer)
is part of what is protected.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

GroupKey = tuple[str, str]  # (dimension, value); ALL for every force of the round
ALL: GroupKey = ("all", "all")

#: The aggregate kinds: how a question's answers are summed up for partners.
KINDS = ("categorical", "multi", "numeric", "allocation", "ranking", "matrix")

#: The one component of kinds whose answer is one value.
WHOLE = ""

Component = Hashable  # a component's value for one force: a code, a number, a position, True/False or None


@dataclass(frozen=True)
class QuestionSpec:
    """A published question as disclosure control sees it."""

    id: str
    kind: str
    #: Cells within a group: option codes (multi), items (allocation, ranking), rows (matrix);
    #: `(WHOLE,)` for kinds whose answer is one value.
    components: tuple[str, ...] = (WHOLE,)
    #: The codes counted in each cell (choices, scale points); ranking: positions "1", "2", …
    codes: tuple[str, ...] = ()
    #: Questions whose answers decide whether this one is asked (its family in the audit).
    depends_on: tuple[str, ...] = ()
    #: A free-text question's coded themes (`publication/themes.py`): a "multi" whose options
    #: are the codebook's themes, in its order, named as staff wrote them.
    coded: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown aggregate kind {self.kind!r}")


@dataclass(frozen=True)
class RoundBasis:
    """One version of a round's results before disclosure control."""

    #: Unique among all published versions, e.g. "round 12 v1".
    key: str
    #: For staff reports, e.g. "Drug market practice 2026".
    label: str
    #: Every force that submitted, with its frozen peer groups: force id → dimension → value.
    participants: Mapping[int, Mapping[str, str]]
    #: Submitted answers: force id → question id → answer (only questions that may be published).
    answers: Mapping[int, Mapping[str, Any]]
    #: The questions that may be published, in questionnaire order.
    questions: Mapping[str, QuestionSpec]
    _members: dict[GroupKey, frozenset[int]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def groups_of(self, force_id: int) -> list[GroupKey]:
        return [ALL, *((dim, value) for dim, value in self.participants[force_id].items() if value)]

    def members(self, group: GroupKey) -> frozenset[int]:
        """The responding forces in a group (cached: the audit asks often)."""
        found = self._members.get(group)
        if found is None:
            if group == ALL:
                found = frozenset(self.participants)
            else:
                dim, value = group
                found = frozenset(f for f, groups in self.participants.items() if groups.get(dim) == value)
            self._members[group] = found
        return found

    def answer(self, force_id: int, question_id: str) -> Any:
        return self.answers.get(force_id, {}).get(question_id)

    def component(self, force_id: int, spec: QuestionSpec, component: str) -> Component:
        return component_value(spec, self.answer(force_id, spec.id), component)

    def answered(self, force_id: int, spec: QuestionSpec) -> bool:
        return component_value(spec, self.answer(force_id, spec.id), spec.components[0]) is not None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def component_value(spec: QuestionSpec, answer: Any, component: str) -> Component:
    """One component of one force's answer; None when the force did not answer."""
    kind = spec.kind
    if kind == "categorical":
        return answer if isinstance(answer, str) else None
    if kind == "numeric":
        return _number(answer)
    if kind == "multi":
        return component in answer if isinstance(answer, list) else None
    if kind == "allocation":
        if not isinstance(answer, dict):
            return None
        return _number(answer.get(component)) or 0.0
    if kind == "ranking":
        if not isinstance(answer, list):
            return None
        return answer.index(component) + 1 if component in answer else 0
    if kind == "matrix":
        if not isinstance(answer, dict):
            return None
        cell = answer.get(component)
        return cell if isinstance(cell, str) else ""
    raise ValueError(f"unknown aggregate kind {kind!r}")


def configured_groups(breakdowns: Mapping[str, Sequence[str]]) -> list[GroupKey]:
    """Every group partners may be shown: all forces, then each value of each breakdown."""
    return [ALL, *((dim, value) for dim, values in breakdowns.items() for value in values)]


def families(questions: Iterable[QuestionSpec]) -> list[list[str]]:
    """Questions linked by conditions, as connected groups (in first-seen order): a follow-up's
    answers say what its parent's were, so the two are audited together."""
    parent: dict[str, str] = {}

    def find(q: str) -> str:
        parent.setdefault(q, q)
        while parent[q] != q:
            parent[q] = parent[parent[q]]
            q = parent[q]
        return q

    order: list[str] = []
    for spec in questions:
        if spec.id not in parent:
            order.append(spec.id)
        find(spec.id)
        for other in spec.depends_on:
            if other not in parent:
                order.append(other)
            parent[find(other)] = find(spec.id)
    grouped: dict[str, list[str]] = {}
    for q in order:
        grouped.setdefault(find(q), []).append(q)
    return list(grouped.values())
