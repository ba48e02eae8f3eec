"""The JSON Schema: generated from the format's tables, committed, and right about real files."""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import pytest

from backend.cli.surveys_extra import schema_command
from backend.surveys import spec
from backend.surveys.definition import COMPARE_OPS, QUESTION_TYPES
from backend.surveys.jsonschema import build_schema, schema_errors, schema_text, write_schema
from backend.surveys.normalise import survey_to_data
from backend.surveys.parser import parse_definition
from backend.surveys.yamlpos import load_located

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
    assert list(per_type["properties"]) == list(spec.question_keys(qtype))
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
    assert single["widget"]["enum"] == list(spec.WIDGETS)
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


# ---- the schema on real documents -------------------------------------------------------


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_questionnaires_conform(name: str) -> None:
    data = shipped(name)
    assert schema_errors(data) == []
    survey, problems = parse_definition(data)
    assert survey is not None, problems
    assert schema_errors(survey_to_data(survey)) == []


@pytest.mark.skipif(importlib.util.find_spec("jsonschema") is None, reason="the jsonschema package is not installed")
@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_questionnaires_conform_by_the_reference_validator(name: str) -> None:
    import jsonschema  # type: ignore[import-untyped]

    schema = build_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads(json.dumps(shipped(name), default=str))
    jsonschema.Draft202012Validator(schema).validate(data)


def _broken(change: Any) -> list[str]:
    data = copy.deepcopy(shipped("force-profile.yaml"))
    change(data)
    return schema_errors(data)


def _first_question(data: dict[str, Any]) -> dict[str, Any]:
    return data["sections"][0]["questions"][0]


@pytest.mark.parametrize(
    ("what", "change", "expected"),
    [
        ("unknown top-level key", lambda d: d.update(colour="red"), "/: unknown key 'colour'"),
        ("unknown question key", lambda d: _first_question(d).update(requird=True), "unknown key 'requird'"),
        ("key of another type", lambda d: _first_question(d).update(top=2), "unknown key 'top'"),
        ("unknown type", lambda d: _first_question(d).update(type="choice"), "is not one of"),
        ("bad purpose", lambda d: d.update(purpose="profile"), "/purpose: 'profile' is not one of"),
        ("bad widget", lambda d: _first_question(d).update(widget="select"), "widget: 'select' is not one of"),
        ("bad question id", lambda d: _first_question(d).update(id="Force type"), "does not match"),
        ("too few options", lambda d: _first_question(d)["options"].__delitem__(slice(1, None)), "at least 2"),
        (
            "exclusive outside multiple choice",
            lambda d: _first_question(d)["options"][0].update(exclusive=True),
            "exclusive",
        ),
        ("text in a bad language code", lambda d: d["title"].update(English="x"), "does not match"),
        ("required not a boolean", lambda d: _first_question(d).update(required="yes"), "expected boolean"),
        ("missing sections", lambda d: d.pop("sections"), "missing required key 'sections'"),
        (
            "two comparisons in a condition",
            lambda d: _first_question(d).update(show_if={"question": "x", "gt": 1, "lt": 3}),
            "show_if",
        ),
        (
            "count_selected with in",
            lambda d: _first_question(d).update(show_if={"count_selected": "x", "in": [1]}),
            "show_if",
        ),
        (
            "free text published",
            lambda d: d["sections"][0]["questions"].append(
                {"id": "t", "type": "short_text", "label": "x", "publish": "compare"}
            ),
            "publish: 'compare' is not one of ['staff']",
        ),
    ],
)
def test_schema_rejects(what: str, change: Any, expected: str) -> None:
    errors = _broken(change)
    assert errors, what
    assert any(expected in e for e in errors), (what, errors)


def test_nested_conditions_are_checked() -> None:
    good = {"all": [{"question": "a", "answered": True}, {"not": {"count_selected": "b", "gte": 2}}]}
    bad = {"all": [{"question": "a", "answered": "yes"}]}
    question_schema = {"$ref": "#/$defs/question", "$defs": build_schema()["$defs"]}
    q = _first_question(shipped("force-profile.yaml"))
    assert schema_errors({**q, "show_if": good}, question_schema) == []
    errors = schema_errors({**q, "show_if": bad}, question_schema)
    assert len(errors) == 1 and errors[0].startswith("/show_if: matches 0 of the alternatives")


def test_the_small_validator_refuses_keywords_it_does_not_know() -> None:
    with pytest.raises(ValueError, match="not supported: maxItems"):
        schema_errors([1, 2], {"type": "array", "maxItems": 1})


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
