"""The JSON Schema: generated from the format's tables, committed, and right about real files."""

from __future__ import annotations

import argparse
import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, ValidationError
from jsonschema.protocols import Validator

from backend.cli.surveys import schema_command
from backend.surveys.format import spec
from backend.surveys.format.model import COMPARE_OPS
from backend.surveys.format.normal_form import survey_to_data
from backend.surveys.format.parse import parse_definition
from backend.surveys.format.schema import build_schema, schema_text, write_schema
from backend.surveys.format.yaml_positions import load_located
from backend.surveys.kinds import KINDS, QUESTION_TYPES
from backend.surveys.kinds.choice import WIDGETS
from tests.unit.schema_validation import DIALECTS, schema_errors, where

ROOT = Path(__file__).resolve().parents[2]
SURVEYS = ROOT / "surveys"
SHIPPED = ["drug-market-practice.yaml", "force-profile.yaml"]


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return build_schema()


def shipped(name: str) -> Any:
    return load_located((SURVEYS / name).read_text(encoding="utf-8")).data


# ---- committed and generated agree ------------------------------------------------------


def test_committed_schema_is_current() -> None:
    """If this fails, run `practice-exchange surveys schema --output surveys/schema.json`."""
    committed = (SURVEYS / "schema.json").read_text(encoding="utf-8")
    assert committed == schema_text()
    assert json.loads(committed) == build_schema()


def test_serialisation_is_stable(tmp_path: Path) -> None:
    write_schema(tmp_path / "schema.json")
    text = (tmp_path / "schema.json").read_text(encoding="utf-8")
    assert text == schema_text() == schema_text()
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert text.startswith('{\n  "$schema": "https://json-schema.org/draft/2020-12/schema",\n')


def test_schema_command_prints_or_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert schema_command(argparse.Namespace(output=None)) == 0
    assert capsys.readouterr().out == schema_text()
    target = tmp_path / "out.json"
    assert schema_command(argparse.Namespace(output=str(target))) == 0
    assert target.read_text(encoding="utf-8") == schema_text()
    assert capsys.readouterr().out == f"JSON Schema written to {target}\n"


# ---- the schema follows the code's tables -----------------------------------------------


def test_questionnaire_and_section_keys(schema: dict[str, Any]) -> None:
    assert list(schema["properties"]) == list(spec.SURVEY_KEYS)
    assert schema["additionalProperties"] is False
    section = schema["$defs"]["section"]
    assert list(section["properties"]) == list(spec.SECTION_KEYS)
    assert section["additionalProperties"] is False
    assert list(schema["$defs"]["exclusive_option"]["properties"]) == list(spec.OPTION_KEYS)
    assert list(schema["$defs"]["option"]["properties"]) == list(spec.OPTION_KEYS[:2])
    assert list(schema["$defs"]["constraint"]["properties"]) == list(spec.CONSTRAINT_KEYS)


@pytest.mark.parametrize("qtype", QUESTION_TYPES)
def test_each_question_type_has_exactly_its_keys(schema: dict[str, Any], qtype: str) -> None:
    per_type = schema["$defs"][f"question_{qtype}"]
    assert list(per_type["properties"]) == list(KINDS[qtype].question_keys)
    assert per_type["additionalProperties"] is False
    assert per_type["properties"]["type"] == {
        "const": qtype,
        "description": per_type["properties"]["type"]["description"],
    }


def test_question_dispatch_covers_every_type(schema: dict[str, Any]) -> None:
    dispatch = schema["$defs"]["question"]
    assert dispatch["properties"]["type"]["enum"] == list(QUESTION_TYPES)
    branches = [(b["if"]["properties"]["type"]["const"], b["then"]["$ref"]) for b in dispatch["allOf"]]
    assert branches == [(t, f"#/$defs/question_{t}") for t in QUESTION_TYPES]


def test_enumerations_and_patterns_come_from_the_code(schema: dict[str, Any]) -> None:
    defs = schema["$defs"]
    assert schema["properties"]["purpose"]["enum"] == list(spec.PURPOSES)
    assert schema["properties"]["id"]["pattern"] == spec.SLUG_PATTERN
    assert defs["identifier"]["pattern"] == spec.ID_PATTERN
    assert defs["language"]["pattern"] == spec.LANGUAGE_PATTERN
    assert defs["code"]["oneOf"][0]["pattern"] == spec.CODE_PATTERN
    single = defs["question_single_choice"]["properties"]
    assert single["widget"]["enum"] == list(WIDGETS)
    assert single["chart"]["enum"] == list(spec.CHART_HINTS)
    assert single["publish"]["enum"] == list(spec.PUBLISH_POLICIES)
    assert defs["question_long_text"]["properties"]["publish"]["enum"] == ["staff"]
    comparison = defs["condition"]["oneOf"][0]
    assert [k for k in comparison["properties"] if k != "question"] == list(COMPARE_OPS)


def test_every_property_has_a_description(schema: dict[str, Any]) -> None:
    missing = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, sub in node.get("properties", {}).items():
                if "description" not in sub:
                    missing.append(f"{where}/{key}")
            for key, sub in node.items():
                if key != "if":  # an `if` only tests the type
                    walk(sub, f"{where}/{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{where}/{i}")

    walk(schema, "")
    assert missing == []


def test_conditions_are_recursive(schema: dict[str, Any]) -> None:
    branches = {b["title"]: b for b in schema["$defs"]["condition"]["oneOf"]}
    assert set(branches) == {"comparison", "count_selected", "all", "any", "not"}
    assert branches["all"]["properties"]["all"]["items"] == {"$ref": "#/$defs/condition"}
    assert branches["not"]["properties"]["not"]["$ref"] == "#/$defs/condition"


# ---- the schema on real documents, by the reference validators --------------------------


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.__name__)
def test_the_schema_is_valid_in_both_dialects(dialect: type[Validator]) -> None:
    dialect.check_schema(build_schema())


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_questionnaires_conform(name: str, dialect: type[Validator]) -> None:
    data = shipped(name)
    assert where(schema_errors(data, dialect=dialect)) == []
    survey, problems = parse_definition(data)
    assert survey is not None, problems
    assert where(schema_errors(survey_to_data(survey), dialect=dialect)) == []


def _broken(change: Any, dialect: type[Validator]) -> list[ValidationError]:
    data = copy.deepcopy(shipped("force-profile.yaml"))
    change(data)
    return schema_errors(data, dialect=dialect)


def _first_question(data: dict[str, Any]) -> dict[str, Any]:
    return data["sections"][0]["questions"][0]


Q0 = ["sections", 0, "questions", 0]


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.__name__)
@pytest.mark.parametrize(
    ("what", "change", "keyword", "path"),
    [
        ("unknown top-level key", lambda d: d.update(colour="red"), "additionalProperties", []),
        ("unknown question key", lambda d: _first_question(d).update(requird=True), "additionalProperties", Q0),
        ("key of another type", lambda d: _first_question(d).update(top=2), "additionalProperties", Q0),
        ("unknown type", lambda d: _first_question(d).update(type="choice"), "enum", [*Q0, "type"]),
        ("bad purpose", lambda d: d.update(purpose="profile"), "enum", ["purpose"]),
        ("bad widget", lambda d: _first_question(d).update(widget="select"), "enum", [*Q0, "widget"]),
        ("bad question id", lambda d: _first_question(d).update(id="Force type"), "pattern", [*Q0, "id"]),
        (
            "too few options",
            lambda d: _first_question(d)["options"].__delitem__(slice(1, None)),
            "minItems",
            [*Q0, "options"],
        ),
        (
            "exclusive outside multiple choice",
            lambda d: _first_question(d)["options"][0].update(exclusive=True),
            "additionalProperties",
            [*Q0, "options", 0],
        ),
        ("text in a bad language code", lambda d: d["title"].update(English="x"), "oneOf", ["title"]),
        ("required not a boolean", lambda d: _first_question(d).update(required="yes"), "type", [*Q0, "required"]),
        ("missing sections", lambda d: d.pop("sections"), "required", []),
        (
            "two comparisons in a condition",
            lambda d: _first_question(d).update(show_if={"question": "x", "gt": 1, "lt": 3}),
            "oneOf",
            [*Q0, "show_if"],
        ),
        (
            "count_selected with in",
            lambda d: _first_question(d).update(show_if={"count_selected": "x", "in": [1]}),
            "oneOf",
            [*Q0, "show_if"],
        ),
        (
            "free text published",
            lambda d: d["sections"][0]["questions"].append(
                {"id": "t", "type": "short_text", "label": "x", "publish": "compare"}
            ),
            "enum",
            ["sections", 0, "questions", 6, "publish"],
        ),
    ],
)
def test_schema_rejects(what: str, change: Any, keyword: str, path: list[str | int], dialect: type[Validator]) -> None:
    assert where(_broken(change, dialect)) == [(keyword, path)], what


def test_rejected_values_are_the_ones_written() -> None:
    [purpose] = _broken(lambda d: d.update(purpose="profile"), Draft202012Validator)
    assert purpose.instance == "profile" and purpose.validator_value == list(spec.PURPOSES)
    [publish] = _broken(
        lambda d: d["sections"][0]["questions"].append(
            {"id": "t", "type": "short_text", "label": "x", "publish": "compare"}
        ),
        Draft202012Validator,
    )
    assert publish.instance == "compare" and publish.validator_value == ["staff"]
    [unknown] = _broken(lambda d: _first_question(d).update(requird=True), Draft202012Validator)
    assert "requird" in unknown.instance and "requird" not in unknown.schema["properties"]


def test_nested_conditions_are_checked() -> None:
    good = {"all": [{"question": "a", "answered": True}, {"not": {"count_selected": "b", "gte": 2}}]}
    bad = {"all": [{"question": "a", "answered": "yes"}]}
    question_schema = {"$ref": "#/$defs/question", "$defs": build_schema()["$defs"]}
    q = _first_question(shipped("force-profile.yaml"))
    assert where(schema_errors({**q, "show_if": good}, question_schema)) == []
    assert where(schema_errors({**q, "show_if": bad}, question_schema)) == [("oneOf", ["show_if"])]


DRAFT_07_KEYWORDS = {
    "$schema", "$id", "$ref", "title", "description", "format", "type", "enum", "const", "pattern", "minLength",
    "minimum", "properties", "required", "additionalProperties", "propertyNames", "minProperties", "items",
    "minItems", "uniqueItems", "allOf", "oneOf", "if", "then", "else",
}  # fmt: skip


def test_only_keywords_draft_07_tools_understand(schema: dict[str, Any]) -> None:
    """Editors' YAML language server validates draft-07: stay within what it knows."""
    used: set[str] = set()

    def walk(node: Any, in_properties: bool = False) -> None:
        if isinstance(node, dict):
            for key, sub in node.items():
                if not in_properties:
                    used.add(key)
                walk(sub, in_properties=key in {"properties", "$defs"} and not in_properties)
        elif isinstance(node, list):
            for sub in node:
                walk(sub)

    walk(schema)
    assert used - {"$defs"} <= DRAFT_07_KEYWORDS
    refs = re.findall(r'"\$ref": "([^"]+)"', schema_text())
    assert refs and all(r.startswith("#/$defs/") and r[len("#/$defs/") :] in schema["$defs"] for r in refs)
