"""What a question kind is: everything one question type means, in one object.

A kind gives its type name a meaning everywhere the format goes. It declares its settings (the
keys it adds to the common ones, with their JSON Schema shape and help) and reads them from a
definition; it reads its answer from form fields and fills them back, checks an answer, says
it in words, lists its codes; it maps itself onto XLSForm, makes up demo answers, names its
respondent template, and says which aggregate family analysis and charts treat it as.

The defaults below are those of a question that asks nothing; each kind overrides what it has.
Kinds are singletons, registered by type name in `backend/surveys/kinds/__init__.py`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic

from backend.surveys.answers.fields import Form
from backend.surveys.format import spec
from backend.surveys.format.model import Option, Question, S, setting_default
from backend.surveys.format.spec import Schema
from backend.surveys.xlsform.conventions import XlsColumn, XlsType

if TYPE_CHECKING:
    from backend.surveys.format.reader import Reader
    from backend.surveys.format.yaml_positions import Path
    from backend.surveys.xlsform.cells import ImportState
    from backend.surveys.xlsform.sheets import Row
    from backend.surveys.xlsform.writer import Cells, SheetWriter


@dataclass(frozen=True)
class Setting:
    """A key a kind adds to the common question keys: its JSON Schema shape and its help text."""

    key: str
    shape: Schema
    help: str


class QuestionKind(Generic[S]):
    """One question type; `S` is the frozen dataclass of its settings (`Question.settings`)."""

    #: The type name written in definitions (`type: number`).
    name: str
    #: The keys the type adds to the common ones, in the order the schema and the docs list them.
    settings_keys: tuple[Setting, ...] = ()
    #: Keys a definition must give (besides id, type and label).
    required_keys: tuple[str, ...] = ()
    #: What the type is, for the JSON Schema (editors show it as help).
    help: str = ""
    #: Wording of common keys where the general one would mislead.
    key_help: Mapping[str, str] = MappingProxyType({})
    #: How analysis and charts sum up its answers (their own dispatch is keyed by it): categorical,
    #: multi, numeric, allocation, ranking or matrix; None: never compared in dashboards.
    aggregate: str | None = None
    #: Free text: never published, whatever the file says.
    free_text = False
    #: False for text shown between questions: no answer, no answer keys (required, publish, …).
    collects_answer = True
    #: Its answer is a list of chosen codes (count_selected and contains apply to it).
    selects_many = False
    #: Its answer is a number (an XLSForm `selected()` list compares as numbers).
    numeric_answer = False
    #: The XLSForm type cells that mean this kind, and the `px_` columns of its settings.
    xlsform_types: tuple[XlsType, ...] = ()
    xlsform_columns: tuple[XlsColumn, ...] = ()
    #: (key, child types) when the kind is a group of rows in XLSForm (matrix rows, allocation items).
    xlsform_group: tuple[str, frozenset[str]] | None = None

    def __repr__(self) -> str:
        return f"<question kind {self.name}>"

    @property
    def template(self) -> str:
        """The respondent template (`{% include q.kind.template %}` in `respond/_questions.html`)."""
        return f"respond/questions/{self.name}.html"

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.settings_keys)

    @property
    def question_keys(self) -> tuple[str, ...]:
        """Every key a question of this type may carry, in the order the schema lists them."""
        common: tuple[str, ...] = spec.COMMON_QUESTION_KEYS
        if not self.collects_answer:
            common = tuple(k for k in common if k not in spec.ANSWER_KEYS)
        return common + self.keys

    @property
    def default_publish(self) -> str:
        return "staff" if self.free_text else "compare"

    # ---- the definition ----------------------------------------------------------------

    def read_settings(self, r: Reader, raw: dict[str, Any], path: Path) -> S:
        """The settings written in question `raw` at `path`; faults go to `r`."""
        raise NotImplementedError

    def settings_to_data(self, settings: S) -> dict[str, Any]:
        """The written form of the settings: each one that differs from its default, as plain data."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(settings):
            value = getattr(settings, f.name)
            if value is None or value is False or value == () or value == {} or value == setting_default(f):
                continue
            out[f.name] = _plain(value)
        return out

    def not_comparable(self, a: Question[S], b: Question[S]) -> list[str]:
        """Why answers to `a` and to `b` (two versions of one question of this type) cannot be in one trend."""
        return []

    def numeric_problem(self, q: Question[S], op: str) -> str | None:
        """Why a condition cannot compare `q`'s answer as a number with `op` (None: it can)."""
        return f'"{op}" compares numbers; "{q.id}" is {q.type}'

    # ---- codes and options ---------------------------------------------------------------

    def answer_codes(self, q: Question[S]) -> list[str] | None:
        """The codes an answer may take, or None when answers are not codes."""
        return None

    def parts(self, q: Question[S]) -> tuple[Option, ...]:
        """Every coded part of the question (options, items, rows), for labelling codes."""
        return ()

    def codes_with_labels(self, q: Question[S], lang: str, default: str) -> list[tuple[str, str]]:
        """(code, label) of every answer the question offers, in order, added options included."""
        return []

    def choice_options(self, q: Question[S], lang: str, default: str) -> list[tuple[str, str, bool]]:
        """(code, label, exclusive) of each option the respondent page shows, in order."""
        return [(code, label, False) for code, label in self.codes_with_labels(q, lang, default)]

    # ---- answers -------------------------------------------------------------------------

    def first_field(self, q: Question[S]) -> str:
        """The first form control (error summary links go there)."""
        return q.id

    def form_to_answer(self, q: Question[S], form: Form, lang: str) -> tuple[Any, str | None]:
        """The answer the fields hold (None when empty) and the "other" text, as a respondent in
        `lang` types them (numbers: `answers/numbers.read_number`); InvalidAnswer for input that
        is no value of this kind at all, or could be two."""
        return None, None

    def answer_to_form(self, q: Question[S], value: Any, lang: str) -> dict[str, list[str]]:
        """The fields that show `value` again, as a respondent in `lang` would type it."""
        return {q.id: [str(value)]}

    def check(
        self, q: Question[S], value: Any, other_text: str | None, lang: str, default: str, complete: bool
    ) -> None:
        """Raise InvalidAnswer when a non-empty `value` breaks the question's own rules.

        `complete` False (a draft save) lets a half-done answer through where that makes sense."""

    def answer_text(self, q: Question[S], value: Any, other_text: str | None, lang: str, default: str) -> str:
        """The answer as a respondent would say it."""
        return str(value)

    def demo_answer(self, q: Question[S], rng: random.Random, lang: str) -> Any:
        """A plausible answer (demo data, tests, benchmarks); checked by the caller."""
        return None

    # ---- XLSForm -------------------------------------------------------------------------

    def from_xlsform(self, state: ImportState, q: dict[str, Any], row: Row, words: list[str]) -> dict[Any, Row]:
        """Kind-specific cells of a question row into `q`; the rows its options came from."""
        return {}

    def from_xlsform_group(self, state: ImportState, q: dict[str, Any], row: Row, lists: set[str]) -> dict[Any, Row]:
        """For a group kind: what its children's choice lists add to `q`; the rows options came from."""
        return {}

    def to_xlsform(self, w: SheetWriter, q: Question[S], row: Cells, required: Cells) -> None:
        """Write the question's rows (and choices): `row` holds its common cells, `required` the
        required cells for the rows that take an answer."""
        raise NotImplementedError


def _plain(value: object) -> object:
    if isinstance(value, tuple) and all(isinstance(o, Option) for o in value):
        return [option_to_data(o) for o in value]
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def option_to_data(o: Option) -> dict[str, Any]:
    d: dict[str, Any] = {"code": o.code, "label": dict(o.label)}
    if o.exclusive:
        d["exclusive"] = True
    return d
