"""The normalised questionnaire model.

A definition file (YAML) is read into these frozen dataclasses by `parse.py`; everything else
(rendering, answer checking, aggregation, XLSForm) works from this model only. Translatable
strings are `Text`: a mapping from language code to string.

What a question's type means lives in its kind (`backend/surveys/kinds/`): a `Question` holds
the fields every question has, its `kind` and the kind's own frozen `settings` (options, bounds,
limits). The model imports no kind at run time, so the kinds can build on it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

if TYPE_CHECKING:
    from backend.surveys.kinds.base import QuestionKind

Text = dict[str, str]

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
class Settings:
    """The keys one kind of question adds to the common ones; each kind subclasses it."""


S = TypeVar("S", bound=Settings)


def setting_default(f: dataclasses.Field[Any]) -> object:
    """The value a setting has when the definition does not give it (None when it must be given)."""
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return None if f.default is dataclasses.MISSING else f.default


# Keyword-only, so that the fields can stand in the order of the written form (the kind's
# settings between `chart` and `constraints`), which `surveys diff` follows too.
@dataclass(frozen=True, kw_only=True)
class Question(Generic[S]):
    id: str
    #: What the type means: reading, checking, showing and exporting answers (a registered singleton).
    kind: QuestionKind[S]
    label: Text
    help: Text = field(default_factory=dict)
    required: bool = False
    required_message: Text = field(default_factory=dict)
    show_if: Condition | None = None
    #: "compare": in partner dashboards (disclosure-controlled); "staff": staff only.
    publish: str = "compare"
    chart: str | None = None
    settings: S
    constraints: tuple[Constraint, ...] = ()

    @property
    def type(self) -> str:
        return self.kind.name

    @property
    def collects_answer(self) -> bool:
        return self.kind.collects_answer

    @property
    def published(self) -> bool:
        """Whether partners may ever see a (disclosure-controlled) aggregate of it."""
        return self.publish == "compare" and self.kind.aggregate is not None and not self.kind.free_text


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    intro: Text = field(default_factory=dict)
    show_if: Condition | None = None
    questions: tuple[Question[Any], ...] = ()


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

    def questions(self) -> list[Question[Any]]:
        return [q for s in self.sections for q in s.questions]

    def question(self, question_id: str) -> Question[Any]:
        for q in self.questions():
            if q.id == question_id:
                return q
        raise KeyError(question_id)
