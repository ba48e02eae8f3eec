"""The normalised questionnaire model.

A definition file (YAML) is parsed into these frozen dataclasses by `parser.py`; everything
else (rendering, answer checking, aggregation, XLSForm) works from this model only.
Translatable strings are `Text`: a mapping from language code to string.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Text = dict[str, str]

QuestionType = Literal[
    "single_choice",
    "multiple_choice",
    "yes_no",
    "scale",
    "number",
    "allocation",
    "ranking",
    "matrix",
    "short_text",
    "long_text",
    "date",
    "info",
]

QUESTION_TYPES: tuple[str, ...] = QuestionType.__args__  # type: ignore[attr-defined]

#: Types whose answers are free text: never published, whatever the file says.
FREE_TEXT_TYPES = frozenset({"short_text", "long_text"})
#: Types that collect no answer.
DISPLAY_ONLY_TYPES = frozenset({"info"})
#: Types that can be compared in partner dashboards.
COMPARABLE_TYPES = frozenset(
    {"single_choice", "multiple_choice", "yes_no", "scale", "number", "allocation", "ranking", "matrix"}
)

#: How the answers of each comparable type are summed up (analysis and disclosure control):
#: counts per code, counts per option, quartiles, mean shares, counts per rank, counts per row.
AGGREGATE_KIND: dict[str, str] = {
    "single_choice": "categorical",
    "yes_no": "categorical",
    "scale": "categorical",
    "multiple_choice": "multi",
    "number": "numeric",
    "allocation": "allocation",
    "ranking": "ranking",
    "matrix": "matrix",
}

#: Codes of options that the format adds itself.
OTHER_CODE = "other"
DONT_KNOW_CODE = "dont_know"
NOT_APPLICABLE_CODE = "not_applicable"
YES_CODE = "yes"
NO_CODE = "no"

CompareOp = Literal["equals", "not_equals", "in", "not_in", "contains", "gt", "gte", "lt", "lte", "answered"]
COMPARE_OPS: tuple[str, ...] = CompareOp.__args__  # type: ignore[attr-defined]
NUMERIC_OPS = frozenset({"gt", "gte", "lt", "lte"})


@dataclass(frozen=True)
class Compare:
    """`question` compared with `value` by `op`; `question` "." means the question itself."""

    question: str
    op: str
    value: object


@dataclass(frozen=True)
class CountSelected:
    """The number of options chosen in a multiple-choice question, compared with `value`."""

    question: str
    op: str
    value: int


@dataclass(frozen=True)
class AllOf:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    condition: Condition


Condition = Compare | CountSelected | AllOf | AnyOf | Not


@dataclass(frozen=True)
class Constraint:
    """A rule the answer must satisfy; `message` is shown when it does not."""

    rule: Condition
    message: Text


@dataclass(frozen=True)
class Option:
    code: str
    label: Text
    #: In multiple choice: choosing it clears every other choice ("none of these").
    exclusive: bool = False


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    label: Text
    help: Text = field(default_factory=dict)
    required: bool = False
    required_message: Text = field(default_factory=dict)
    show_if: Condition | None = None
    #: "compare": in partner dashboards (disclosure-controlled); "staff": staff only.
    publish: str = "compare"
    chart: str | None = None
    # choices, scale points, matrix columns
    options: tuple[Option, ...] = ()
    widget: str = "radios"
    other: bool = False
    other_label: Text = field(default_factory=dict)
    dont_know: bool = False
    not_applicable: bool = False
    # allocation and ranking items; matrix rows
    items: tuple[Option, ...] = ()
    rows: tuple[Option, ...] = ()
    top: int | None = None
    # number / date
    integer: bool = False
    unit: Text = field(default_factory=dict)
    min: float | str | None = None
    max: float | str | None = None
    # text
    max_length: int | None = None
    constraints: tuple[Constraint, ...] = ()

    @property
    def collects_answer(self) -> bool:
        return self.type not in DISPLAY_ONLY_TYPES

    @property
    def published(self) -> bool:
        """Whether partners may ever see a (disclosure-controlled) aggregate of it."""
        return self.publish == "compare" and self.type in COMPARABLE_TYPES and self.type not in FREE_TEXT_TYPES


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    intro: Text = field(default_factory=dict)
    show_if: Condition | None = None
    questions: tuple[Question, ...] = ()


@dataclass(frozen=True)
class Survey:
    id: str
    version: str
    title: Text
    default_language: str
    languages: tuple[str, ...]
    description: Text = field(default_factory=dict)
    privacy_notice: Text = field(default_factory=dict)
    #: "peer_profile": answers describe the force (type, size band, region) for peer groups.
    purpose: str = "practice"
    sections: tuple[Section, ...] = ()

    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    def question(self, question_id: str) -> Question:
        for q in self.questions():
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def section_of(self, question_id: str) -> Section:
        for s in self.sections:
            if any(q.id == question_id for q in s.questions):
                return s
        raise KeyError(question_id)
