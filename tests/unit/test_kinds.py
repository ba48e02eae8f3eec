"""The question kinds: one registry, one template per type, and what adding a type takes.

`Count` below is the worked example of docs/architecture.md ("How to add a question kind"):
a whole number of 0 or more. Registered for one test, it is read, checked, written back,
described by the JSON Schema, exported to XLSForm and imported again, and shown on the
respondent page, with no file of the format touched: its class and its template are all.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import pytest

from backend.i18n import pick, t
from backend.surveys.answers.checks import read_page
from backend.surveys.answers.display import answer_text, choice_options
from backend.surveys.answers.fields import Form, one
from backend.surveys.answers.forms import InvalidAnswer, answer_to_form
from backend.surveys.answers.numbers import read_number
from backend.surveys.format.files import load_text
from backend.surveys.format.model import Question, Settings
from backend.surveys.format.normal_form import survey_to_data, to_yaml
from backend.surveys.format.parse import parse_definition
from backend.surveys.format.reader import Reader
from backend.surveys.format.schema import build_schema
from backend.surveys.format.yaml_positions import Path as DocPath
from backend.surveys.kinds import AGGREGATE_KIND, FREE_TEXT_TYPES, KINDS, QUESTION_TYPES
from backend.surveys.kinds.base import QuestionKind, Setting
from backend.surveys.xlsform.conventions import PX, XlsColumn, XlsType
from backend.surveys.xlsform.reader import import_xlsform
from backend.surveys.xlsform.writer import Cells, SheetWriter, write_xlsform
from tests.unit.schema_validation import schema_errors, where

TEMPLATES = Path(__file__).resolve().parents[2] / "frontend" / "templates"

# ---- the registry ---------------------------------------------------------------------------


def test_the_registry_is_the_list_of_types() -> None:
    assert tuple(KINDS) == QUESTION_TYPES and all(name == kind.name for name, kind in KINDS.items())
    assert set(AGGREGATE_KIND.values()) == {"categorical", "multi", "numeric", "allocation", "ranking", "matrix"}
    assert {"short_text", "long_text"} == FREE_TEXT_TYPES


@pytest.mark.parametrize("name", QUESTION_TYPES)
def test_every_kind_has_its_template(name: str) -> None:
    assert (TEMPLATES / KINDS[name].template).is_file()


# ---- a new kind: the worked example -----------------------------------------------------------


@dataclass(frozen=True)
class CountSettings(Settings):
    max: int | None = None


class Count(QuestionKind[CountSettings]):
    name = "count"
    help = "How many: a whole number of 0 or more. Stored as a JSON number."
    settings_keys = (Setting("max", {"type": "integer", "minimum": 1}, "The largest count allowed."),)
    aggregate = "numeric"  # analysis and charts treat it as they treat `number`
    numeric_answer = True
    xlsform_types = (XlsType("integer", px_type="count"),)
    xlsform_columns = (XlsColumn("max", "number"),)

    def read_settings(self, r: Reader, raw: dict[str, Any], path: DocPath) -> CountSettings:
        return CountSettings(r.positive_int(raw, "max", path))

    def numeric_problem(self, q: Question[CountSettings], op: str) -> str | None:
        return None  # conditions may compare it with gt, gte, lt and lte

    def form_to_answer(self, q: Question[CountSettings], form: Form, lang: str) -> tuple[Any, str | None]:
        raw = one(form, q.id)
        return (read_number(raw, lang, integer=True) if raw else None), None

    def check(
        self, q: Question[CountSettings], value: Any, other_text: str | None, lang: str, default: str, complete: bool
    ) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidAnswer("not_whole")
        if q.settings.max is not None and value > q.settings.max:
            raise InvalidAnswer("too_large", max=q.settings.max)

    def demo_answer(self, q: Question[CountSettings], rng: random.Random, lang: str) -> Any:
        return rng.randint(0, q.settings.max or 20)

    def to_xlsform(self, w: SheetWriter, q: Question[CountSettings], row: Cells, required: Cells) -> None:
        row |= required
        row["type"] = "integer"
        row[PX + "type"] = self.name
        w.add(row)


#: What `frontend/templates/respond/questions/count.html` would hold.
COUNT_TEMPLATE = """{% from "respond/questions/_parts.html" import val, described, intro, legend_text %}
<label class="label" for="{{ q.id }}">{{ legend_text(q, survey, lang) }}</label>
{{ intro(v, survey, lang) }}
<input class="input w5" type="text" inputmode="numeric" id="{{ q.id }}" name="{{ q.id }}" value="{{ val(v, q.id) }}"
  {{ described(v) }}>"""

DEFINITION = """
id: example
version: "1"
title: Example
sections:
  - id: main
    title: Main
    questions:
      - {id: officers, type: count, label: "How many officers?", max: 500, required: true}
      - {id: many, type: yes_no, label: "That many?", show_if: {question: officers, gte: 100}}
"""


@pytest.fixture
def count() -> Iterator[Count]:
    kind = Count()
    # Registering is one line in backend/surveys/kinds/__init__.py; here only for this test.
    KINDS[kind.name] = kind
    yield kind
    del KINDS[kind.name]


def test_a_new_kind_is_read_checked_and_written_back(count: Count) -> None:
    loaded = load_text(DEFINITION, "example.yaml")
    assert [str(p) for p in loaded.problems] == []
    survey = loaded.survey
    assert survey is not None
    q = survey.question("officers")
    assert q.kind is count and q.settings == CountSettings(max=500) and q.published
    assert survey_to_data(survey)["sections"][0]["questions"][0] == {
        "id": "officers",
        "type": "count",
        "label": {"en": "How many officers?"},
        "required": True,
        "max": 500,
    }
    assert load_text(to_yaml(survey), "again.yaml").survey == survey
    _, problems = parse_definition({**survey_to_data(survey), "sections": [
        {"id": "main", "title": "Main", "questions": [{"id": "n", "type": "count", "label": "N", "top": 3}]}
    ]})  # fmt: skip
    assert [p.message for p in problems] == ['unknown key "top" in a count question']


def test_a_new_kind_answers_on_its_page(count: Count) -> None:
    survey = load_text(DEFINITION, "example.yaml").survey
    assert survey is not None
    q = survey.question("officers")

    def errors(form: dict[str, list[str]]) -> dict[str, str]:
        page = read_page(survey, survey.sections[0], form, {}, lang="en", require=True)
        return {e.question_id: e.message for e in page.errors}

    assert errors({"officers": ["1,200"]}) == {"officers": "Enter a number of 500 or less."}
    assert errors({"officers": ["-3"]}) == {"officers": "Enter a whole number."}
    assert errors({"officers": ["120"], "many": ["yes"]}) == {}
    assert answer_to_form(q, {"officers": 120}, "en") == {"officers": ["120"]}
    assert answer_text(q, {"officers": 120}, "en", "en") == "120"


def test_a_new_kind_is_in_the_json_schema(count: Count) -> None:
    schema = build_schema()
    assert list(schema["$defs"]["question_count"]["properties"])[-1] == "max"
    assert "count" in schema["$defs"]["question"]["properties"]["type"]["enum"]
    data = load_text(DEFINITION, "example.yaml").survey
    assert data is not None
    good = survey_to_data(data)
    assert where(schema_errors(good, build_schema())) == []
    good["sections"][0]["questions"][0]["max"] = 0
    assert where(schema_errors(good, build_schema())) == [("minimum", ["sections", 0, "questions", 0, "max"])]


def test_a_new_kind_goes_to_xlsform_and_back(count: Count) -> None:
    survey = load_text(DEFINITION, "example.yaml").survey
    assert survey is not None
    buffer = io.BytesIO()
    write_xlsform(survey, buffer)
    buffer.seek(0)
    imported, problems = import_xlsform(buffer, "example.xlsx")
    assert [str(p) for p in problems] == []
    assert imported == survey


def test_a_new_kind_is_shown_by_its_template(count: Count) -> None:
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.DictLoader({count.template: COUNT_TEMPLATE}), jinja2.FileSystemLoader(TEMPLATES)]
        ),
        autoescape=True,
    )
    env.globals |= {"pick": pick, "t": t, "choice_options": choice_options}
    survey = load_text(DEFINITION, "example.yaml").survey
    assert survey is not None
    view = {"q": survey.question("officers"), "values": {"officers": ["12"]}, "error": None}
    page = env.from_string('{% from "respond/_questions.html" import question %}{{ question(v, survey, "en") }}')
    html = page.render(v={**view, "condition": None, "condition_json": None}, survey=survey)
    assert 'data-type="count"' in html and 'inputmode="numeric"' in html and 'value="12"' in html
