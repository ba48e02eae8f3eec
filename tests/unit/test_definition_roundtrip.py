"""Property tests: any valid definition survives model → written form → model unchanged.

The strategy builds arbitrary *valid* definitions: 1–3 languages with every string
translated, sections with conditions, every question type with random valid keys,
conditions that refer only to earlier answer-collecting questions with codes and operators
that fit the target's type, constraints (on "." or the question's own id), exclusive options,
and the format's extra options. Strings and codes include the awkward ones (yes, no, on,
1000_4999, numbers written as text, YAML punctuation, non-ASCII, line breaks).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.surveys.format import spec
from backend.surveys.format.files import load_text
from backend.surveys.format.model import DONT_KNOW_CODE, NOT_APPLICABLE_CODE, NUMERIC_OPS, OTHER_CODE
from backend.surveys.format.normal_form import content_hash, survey_to_data, to_json, to_yaml
from backend.surveys.format.parse import parse_definition
from backend.surveys.kinds import QUESTION_TYPES
from backend.surveys.kinds.choice import WIDGETS
from backend.surveys.xlsform.reader import import_xlsform
from backend.surveys.xlsform.writer import write_xlsform
from tests.unit.schema_validation import DIALECTS, schema_errors, where

Raw = dict[str, Any]

LANGUAGE_POOL = ["en", "fr", "es", "de", "no", "on", "yes", "nl", "ar", "pt-BR", "zh-Hant"]

#: Text that trips YAML writers and readers: words YAML 1.1 reads as booleans, numbers in
#: disguise, YAML punctuation, quotes, blank space where it matters, non-ASCII.
AWKWARD_TEXT = [
    "yes",
    "No",
    "on",
    "off",
    "true",
    "null",
    "~",
    "1000_4999",
    "2026.1",
    "1.0",
    "12",
    "-",
    "- item",
    "#hash",
    "a: b",
    "a #b",
    "[list]",
    "{map}",
    "*alias",
    "&anchor",
    "!tag",
    "%percent",
    "@at",
    "'single'",
    '"double"',
    "  leading",
    "trailing  ",
    "two\nlines",
    "para\n\npara\n",
    "tab\there",
    "Très probable ?",
    "¿Qué?",
    "中文",
    "ünïcödé ☃",
    "2020-01-01",
    "0E0",
    "1e5",
    "0o7",
    "09",
    "next\x85line",
    "=",
    "<<",
    "?",
    "|",
    ">",
]

AWKWARD_CODES = [
    "yes",
    "no",
    "on",
    "off",
    "true",
    "false",
    "null",
    "y",
    "n",
    "1",
    "2",
    "10",
    "1.5",
    "2026.1",
    "1000_4999",
    "20000_plus",
    "0x1F",
    "_a",
    "a.b",
    "a-b",
    "Other",
    "TRUE",
    "NaN",
    "inf",
    "2020-01-01",
    "1e5",
    "0o7",
    "09",
]

_plain_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from("\n\t "),
    min_size=1,
    max_size=15,
).filter(lambda s: s.strip() != "")
strings = st.sampled_from(AWKWARD_TEXT) | _plain_text
codes = st.sampled_from(AWKWARD_CODES) | st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,6}", fullmatch=True)
identifiers = st.sampled_from(["yes", "no", "on", "true", "null", "nan", "inf", "q1", "a_b"]) | st.from_regex(
    r"[a-z][a-z0-9_]{0,7}", fullmatch=True
)
slugs = st.sampled_from(["demo", "2026", "yes", "true", "a-b"]) | st.from_regex(
    r"[a-z0-9][a-z0-9-]{0,8}", fullmatch=True
)
# The format's numbers are finite and within ±MAX_NUMBER (10**15).
finite = st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, allow_infinity=False) | st.integers(
    -(10**9), 10**9
)


def _maybe(draw: st.DrawFn, probability_true: float = 0.5) -> bool:
    return draw(st.floats(0, 1)) < probability_true


class _Builder:
    """Draws one definition; remembers what conditions may refer to."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        languages = draw(st.lists(st.sampled_from(LANGUAGE_POOL), min_size=1, max_size=3, unique=True))
        self.languages = languages
        self.default = draw(st.sampled_from(languages))
        self.used_ids: set[str] = set()

    # -- text ---------------------------------------------------------------------------

    def text(self) -> object:
        draw = self.draw
        if len(self.languages) == 1 and _maybe(draw, 0.4):
            return draw(strings | st.integers(0, 3000))  # plain: the default language
        order = draw(st.permutations(self.languages))
        return {lang: draw(strings) for lang in order}

    def maybe_text(self, raw: Raw, key: str, probability: float = 0.3) -> None:
        if _maybe(self.draw, probability):
            raw[key] = self.text()

    # -- options ------------------------------------------------------------------------

    def options(self, minimum: int, maximum: int, reserved: set[str], *, exclusive: bool = False) -> list[Raw]:
        draw = self.draw
        chosen = draw(
            st.lists(
                codes.filter(lambda c: c not in reserved),
                min_size=minimum,
                max_size=maximum,
                unique=True,
            )
        )
        out = []
        for code in chosen:
            option: Raw = {"code": code, "label": self.text()}
            if exclusive and _maybe(draw, 0.3):
                option["exclusive"] = draw(st.booleans())
            out.append(option)
        return out

    def numbered_options(self, count: int) -> list[Raw]:
        as_int = self.draw(st.booleans())
        return [{"code": n if as_int else str(n), "label": self.text()} for n in range(1, count + 1)]

    # -- conditions ---------------------------------------------------------------------

    def atom(self, name: str, q: Raw) -> Raw:
        draw = self.draw
        qtype = q["type"]
        choices: list[Raw] = [{"question": name, "answered": draw(st.booleans())}]
        answer_codes = _answer_codes(q)
        if qtype in {"single_choice", "yes_no", "scale"}:
            code = draw(st.sampled_from(answer_codes))
            subset = draw(st.lists(st.sampled_from(answer_codes), min_size=1, max_size=3, unique=True))
            choices += [
                {"question": name, draw(st.sampled_from(["equals", "not_equals"])): code},
                {"question": name, draw(st.sampled_from(["in", "not_in"])): subset},
            ]
        if qtype == "scale" and all(_numeric(c) for c in answer_codes):
            choices.append({"question": name, draw(st.sampled_from(sorted(NUMERIC_OPS))): draw(finite)})
        if qtype == "multiple_choice":
            op = draw(st.sampled_from(["equals", "not_equals", "gt", "gte", "lt", "lte"]))
            choices += [
                {"question": name, "contains": draw(st.sampled_from(answer_codes))},
                {"count_selected": name, op: draw(st.integers(0, 6))},
            ]
        if qtype == "number":
            op = draw(st.sampled_from(["equals", "not_equals", "gt", "gte", "lt", "lte"]))
            choices.append({"question": name, op: draw(finite)})
            choices.append({"question": name, "in": draw(st.lists(finite, min_size=1, max_size=3))})
        if qtype in {"short_text", "long_text"}:
            choices.append({"question": name, draw(st.sampled_from(["equals", "not_equals"])): draw(strings)})
        if qtype == "date":
            choices.append({"question": name, "equals": draw(st.dates()).isoformat()})
        return draw(st.sampled_from(choices))

    def condition(self, targets: list[tuple[str, Raw]], depth: int = 0) -> Raw:
        draw = self.draw
        if depth < 2 and _maybe(draw, 0.3):
            kind = draw(st.sampled_from(["all", "any", "not"]))
            if kind == "not":
                return {"not": self.condition(targets, depth + 1)}
            size = draw(st.integers(1, 3))
            return {kind: [self.condition(targets, depth + 1) for _ in range(size)]}
        name, q = draw(st.sampled_from(targets))
        return self.atom(name, q)

    # -- questions ----------------------------------------------------------------------

    def new_id(self) -> str:
        qid = self.draw(identifiers.filter(lambda x: x not in self.used_ids))
        self.used_ids.add(qid)
        return qid

    def question(self, earlier: list[tuple[str, Raw]]) -> Raw:
        draw = self.draw
        qtype = draw(st.sampled_from(QUESTION_TYPES))
        q: Raw = {"id": self.new_id(), "type": qtype, "label": self.text()}
        self.maybe_text(q, "help")
        if earlier and _maybe(draw, 0.35):
            q["show_if"] = self.condition(earlier)
        self.type_keys(q)
        if qtype != "info":
            if _maybe(draw, 0.4):
                q["required"] = draw(st.booleans())
            self.maybe_text(q, "required_message", 0.2)
            if _maybe(draw, 0.3):
                free = qtype in {"short_text", "long_text"}
                q["publish"] = "staff" if free else draw(st.sampled_from(spec.PUBLISH_POLICIES))
            if _maybe(draw, 0.3):
                q["chart"] = draw(st.sampled_from(spec.CHART_HINTS))
            if _maybe(draw, 0.25):
                me = draw(st.sampled_from([".", q["id"]]))
                targets = [*earlier, (me, q)]
                q["constraints"] = [
                    {"rule": self.condition(targets), "message": self.text()} for _ in range(draw(st.integers(1, 2)))
                ]
        return q

    def type_keys(self, q: Raw) -> None:
        draw = self.draw
        qtype = q["type"]
        flags = {
            "other": qtype in {"single_choice", "multiple_choice"},
            "dont_know": qtype in {"single_choice", "multiple_choice", "yes_no", "scale", "matrix"},
            "not_applicable": qtype in {"scale", "matrix"},
        }
        for key, allowed in flags.items():
            if allowed and _maybe(draw, 0.4):
                q[key] = draw(st.booleans())
        reserved = {
            code
            for code, key in (
                (OTHER_CODE, "other"),
                (DONT_KNOW_CODE, "dont_know"),
                (NOT_APPLICABLE_CODE, "not_applicable"),
            )
            if q.get(key)
        }
        if qtype in {"single_choice", "multiple_choice"}:
            q["options"] = self.options(2, 5, reserved, exclusive=qtype == "multiple_choice")
            self.maybe_text(q, "other_label")
        if qtype == "single_choice" and _maybe(draw, 0.3):
            q["widget"] = draw(st.sampled_from(WIDGETS))
        if qtype == "scale":
            if _maybe(draw, 0.5):
                q["options"] = self.numbered_options(draw(st.integers(2, 7)))
            else:
                q["options"] = self.options(2, 5, reserved)
        if qtype == "matrix":
            q["rows"] = self.options(1, 4, set())
            q["options"] = self.options(2, 5, reserved)
        if qtype in {"allocation", "ranking"}:
            q["items"] = self.options(2, 5, set())
        if qtype == "ranking" and _maybe(draw, 0.5):
            q["top"] = draw(st.integers(1, len(q["items"])))
        if qtype == "number":
            integer = draw(st.booleans())
            if _maybe(draw, 0.5):
                q["integer"] = integer
            else:
                integer = False
            self.maybe_text(q, "unit", 0.4)
            value = st.integers(-(10**6), 10**6) if integer else finite
            bounds = sorted(draw(st.lists(value, min_size=2, max_size=2)))
            if _maybe(draw):
                q["min"] = bounds[0]
            if _maybe(draw):
                q["max"] = bounds[1]
        if qtype == "date":
            bounds = sorted(draw(st.lists(st.dates(), min_size=2, max_size=2)))
            as_text = draw(st.booleans())
            for key, day in zip(("min", "max"), bounds, strict=True):
                if _maybe(draw):
                    q[key] = day.isoformat() if as_text else day
        if qtype in {"short_text", "long_text"} and _maybe(draw, 0.4):
            q["max_length"] = draw(st.integers(1, 10_000))

    # -- the document -------------------------------------------------------------------

    def definition(self) -> Raw:
        draw = self.draw
        doc: Raw = {"id": draw(slugs), "version": draw(strings | st.integers(1, 3000)), "title": self.text()}
        if self.default != "en" or _maybe(draw):
            doc["default_language"] = self.default
        if len(self.languages) > 1 or self.default != "en" or _maybe(draw):
            doc["languages"] = list(self.languages)
        self.maybe_text(doc, "description")
        self.maybe_text(doc, "privacy_notice")
        if _maybe(draw, 0.3):
            doc["purpose"] = draw(st.sampled_from(spec.PURPOSES))
        section_ids = draw(st.lists(identifiers, min_size=1, max_size=3, unique=True))
        answerable: list[tuple[str, Raw]] = []
        sections = []
        for sid in section_ids:
            section: Raw = {"id": sid, "title": self.text()}
            self.maybe_text(section, "intro")
            if answerable and _maybe(draw, 0.3):
                section["show_if"] = self.condition(answerable)
            questions = []
            for _ in range(draw(st.integers(1, 4))):
                q = self.question(list(answerable))
                questions.append(q)
                if q["type"] != "info":
                    answerable.append((q["id"], q))
            section["questions"] = questions
            sections.append(section)
        doc["sections"] = sections
        return doc


def _numeric(code: str) -> bool:
    try:
        float(code)
    except ValueError:
        return False
    return True


def _answer_codes(q: Raw) -> list[str]:
    extra = [c for c in (OTHER_CODE, DONT_KNOW_CODE, NOT_APPLICABLE_CODE) if q.get(c)]
    if q["type"] == "yes_no":
        return ["yes", "no", *extra]
    return [str(o["code"]) for o in q.get("options", [])] + extra


@st.composite
def definitions(draw: st.DrawFn) -> Raw:
    return _Builder(draw).definition()


def _problems(found: list[Any]) -> list[str]:
    return [f"{p.path}: {p.message}" for p in found]


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
@given(definitions())
def test_valid_definitions_survive_every_round_trip(data: Raw) -> None:
    survey, problems = parse_definition(data)
    assert _problems(problems) == []
    assert survey is not None
    digest = content_hash(survey)

    canonical = survey_to_data(survey)
    again, problems = parse_definition(canonical)
    assert _problems(problems) == []
    assert again == survey
    assert survey_to_data(again) == canonical

    text = to_yaml(survey)
    loaded = load_text(text, "roundtrip.yaml")
    assert [str(p) for p in loaded.problems] == [], text
    assert loaded.survey == survey, text
    assert content_hash(loaded.survey) == digest

    from_json, problems = parse_definition(json.loads(to_json(survey)))
    assert _problems(problems) == []
    assert from_json == survey
    assert from_json is not None and content_hash(from_json) == digest


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
@given(definitions())
def test_valid_definitions_survive_xlsform_export_and_import(data: Raw) -> None:
    """Any valid definition → XLSForm workbook → import gives the same questionnaire."""
    survey, problems = parse_definition(data)
    assert survey is not None, _problems(problems)
    buffer = io.BytesIO()
    write_xlsform(survey, buffer)
    buffer.seek(0)
    imported, xls_problems = import_xlsform(buffer, "roundtrip.xlsx")
    assert [str(p) for p in xls_problems] == []
    assert imported == survey
    assert imported is not None and content_hash(imported) == content_hash(survey)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(definitions())
def test_the_json_schema_accepts_every_valid_definition(data: Raw) -> None:
    """The schema never flags what the validator accepts (as written, and in canonical form)."""
    survey, _ = parse_definition(data)
    assert survey is not None
    for dialect in DIALECTS:
        assert where(schema_errors(data, dialect=dialect)) == []
        assert where(schema_errors(survey_to_data(survey), dialect=dialect)) == []


# ---- minimal reproducers of the faults the property found (see the module docstring) ----


def _one_question(**extra: Any) -> Raw:
    return {
        "id": "demo",
        "version": "1",
        "title": "Demo",
        "sections": [{"id": "main", "title": "Main", "questions": [{"id": "q1", "label": "Q1", **extra}]}],
    }


def _through_yaml(data: Raw) -> tuple[Any, list[str], Any]:
    survey, problems = parse_definition(data)
    assert survey is not None, _problems(problems)
    loaded = load_text(to_yaml(survey), "roundtrip.yaml")
    return survey, [str(p) for p in loaded.problems], loaded.survey


@pytest.mark.parametrize("code", ["1e5", "0o7", "09"])
def test_yaml_round_trip_keeps_codes_that_yaml_1_2_reads_as_numbers(code: str) -> None:
    # to_yaml writes YAML 1.1 (PyYAML), which leaves 1e5, 0o7 and 09 unquoted because they
    # are not numbers in YAML 1.1; CoreSchemaLoader reads YAML 1.2, where they are.
    data = _one_question(type="single_choice", options=[{"code": code, "label": "A"}, {"code": "b", "label": "B"}])
    survey, problems, again = _through_yaml(data)
    assert problems == []
    assert again == survey


def test_yaml_round_trip_keeps_text_that_yaml_1_2_reads_as_a_number() -> None:
    survey, problems, again = _through_yaml(_one_question(type="yes_no", help="0E0"))
    assert problems == []
    assert again == survey


def test_yaml_round_trip_keeps_a_next_line_character() -> None:
    # U+0085 (NEL) is written raw inside a quoted scalar; YAML reads it as a line break.
    survey, problems, again = _through_yaml(_one_question(type="yes_no", help="a\x85b"))
    assert problems == []
    assert again == survey


def test_dates_written_as_text_or_as_dates_give_the_same_model() -> None:
    as_date = _one_question(type="date", min=dt.date(2020, 1, 1))
    as_text = _one_question(type="date", min="2020-01-01")
    assert parse_definition(as_date)[0] == parse_definition(as_text)[0]
