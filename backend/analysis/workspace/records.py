"""What the workspace computes from: each submitted response with its force's frozen groups,
and the filters staff apply to them (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from backend.i18n import N_
from backend.partners.peer_groups import DIMENSIONS
from backend.surveys import AGGREGATE_KIND, Question, Survey, answer_codes

#: Question kinds a filter or a cross-tab can use: one code (or a set of codes) per force.
CLOSED_KINDS = frozenset({"categorical", "multi"})


@dataclass(frozen=True)
class ForceRecord:
    """One force's submitted response in a round, with the groups frozen when it opened."""

    force_id: int
    force_name: str
    #: {dimension: value} as in `round_force`
    groups: Mapping[str, str]
    answers: Mapping[str, Any]


@dataclass(frozen=True)
class Filters:
    """Which responses every chart and the cross-tab count: a group, and answers to closed questions."""

    #: (dimension, value), or None for every force
    group: tuple[str, str] | None = None
    #: (question id, answer code): the force gave that answer (chose that option)
    answers: tuple[tuple[str, str], ...] = ()

    @property
    def active(self) -> bool:
        return self.group is not None or bool(self.answers)


@dataclass
class FilterProblems:
    filters: Filters
    #: {field: message id}: the fields refused, with an English message (worded by the caller)
    errors: dict[str, str] = field(default_factory=dict)


def closed_questions(survey: Survey) -> list[Question[Any]]:
    """The questions a filter or a cross-tab can use, in questionnaire order."""
    return [q for q in survey.questions() if AGGREGATE_KIND.get(q.type) in CLOSED_KINDS]


def gave(answer: Any, code: str) -> bool:
    """Whether an answer is (single) or holds (multiple) the code."""
    if isinstance(answer, list):
        return code in answer
    return answer == code


def matches(record: ForceRecord, filters: Filters) -> bool:
    if filters.group is not None:
        dimension, value = filters.group
        if record.groups.get(dimension) != value:
            return False
    return all(gave(record.answers.get(qid), code) for qid, code in filters.answers)


def apply(records: Iterable[ForceRecord], filters: Filters) -> list[ForceRecord]:
    return [r for r in records if matches(r, filters)]


def read_filters(survey: Survey, group: str, answer: str | list[str]) -> FilterProblems:
    """Filters from a page's or the API's query: `group` as `dimension:value` (or "" / "all"),
    `answer` as `question:code` (repeatable). Anything unknown is refused by field, never guessed."""
    out = FilterProblems(Filters())
    chosen_group: tuple[str, str] | None = None
    if group and group != "all":
        dimension, _sep, value = group.partition(":")
        if dimension not in DIMENSIONS or not value:
            out.errors["group"] = N_("Choose a group from the list.")
        else:
            chosen_group = (dimension, value)
    pairs: list[tuple[str, str]] = []
    closed = {q.id: q for q in closed_questions(survey)}
    for item in [answer] if isinstance(answer, str) else answer:
        if not item:
            continue
        qid, _sep, code = item.partition(":")
        question = closed.get(qid)
        if question is None or code not in (answer_codes(question) or []):
            out.errors["answer"] = N_("Choose an answer from the list.")
            continue
        if (qid, code) not in pairs:
            pairs.append((qid, code))
    out.filters = Filters(chosen_group, tuple(pairs))
    return out
