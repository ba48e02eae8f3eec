"""The question kinds, registered by type name: the one place that says what each type means.

To add a type, write its kind (a module here, or a class in the family module it belongs to),
register it in `KINDS` below, and add its respondent template `respond/questions/<type>.html`;
docs/architecture.md walks through an example.
"""

from __future__ import annotations

from typing import Any

from backend.surveys.format.model import Question
from backend.surveys.kinds.allocation import Allocation
from backend.surveys.kinds.base import QuestionKind
from backend.surveys.kinds.choice import MultipleChoice, Scale, SingleChoice, YesNo
from backend.surveys.kinds.date import Date
from backend.surveys.kinds.info import Info
from backend.surveys.kinds.matrix import Matrix
from backend.surveys.kinds.number import Number
from backend.surveys.kinds.ranking import Ranking
from backend.surveys.kinds.text import LONG_TEXT, SHORT_TEXT

#: Every kind by type name, in the order the format documents them (and messages list them).
KINDS: dict[str, QuestionKind[Any]] = {
    kind.name: kind
    for kind in (
        SingleChoice(),
        MultipleChoice(),
        YesNo(),
        Scale(),
        Number(),
        Allocation(),
        Ranking(),
        Matrix(),
        SHORT_TEXT,
        LONG_TEXT,
        Date(),
        Info(),
    )
}

# What the registry holds, as other features read it (the format itself reads KINDS when it runs).
QUESTION_TYPES: tuple[str, ...] = tuple(KINDS)
#: Types whose answers are free text: never published, whatever the file says.
FREE_TEXT_TYPES = frozenset(name for name, kind in KINDS.items() if kind.free_text)
#: How the answers of each comparable type are summed up (analysis and disclosure control):
#: counts per code, counts per option, quartiles, mean shares, counts per rank, counts per row.
AGGREGATE_KIND: dict[str, str] = {name: kind.aggregate for name, kind in KINDS.items() if kind.aggregate}


def answer_codes(q: Question[Any]) -> list[str] | None:
    """The codes an answer to `q` may take, or None when answers are not codes."""
    return q.kind.answer_codes(q)
