"""XLSForm export: the workbook follows the documented conventions, and importing it gives
back the same Survey, for the shipped questionnaires and for one that uses every feature."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.cli.runtime import CliError
from backend.cli.xlsform import export_command, import_command
from backend.surveys.format.conditions import parse_condition
from backend.surveys.format.files import load_file
from backend.surveys.format.model import AllOf, AnyOf, Compare, Condition, CountSelected, Not, Survey
from backend.surveys.format.normal_form import content_hash
from backend.surveys.format.parse import parse_definition
from backend.surveys.xlsform.expressions import ExpressionError, parse_expression, to_expression
from backend.surveys.xlsform.reader import import_xlsform
from backend.surveys.xlsform.writer import write_xlsform

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"


def de(en: str) -> dict[str, str]:
    return {"en": en, "de": f"{en} (de)"}


def options(*codes: str, exclusive: str = "") -> list[dict[str, Any]]:
    return [{"code": c, "label": de(f"Option {c}"), **({"exclusive": True} if c == exclusive else {})} for c in codes]


#: Every question type and every optional feature of the format, in English and German
#: (a language without a name in the column convention).
EVERYTHING: dict[str, Any] = {
    "id": "every-feature",
    "version": "3.1",
    "title": de("Everything"),
    "default_language": "en",
    "languages": ["en", "de"],
    "purpose": "peer_profile",
    "description": de("What it is about"),
    "privacy_notice": {"en": "Private.\n\nReally private.\n", "de": "Privat.\n\nWirklich.\n"},
    "sections": [
        {
            "id": "first",
            "title": de("First"),
            "intro": de("Some intro"),
            "questions": [
                {
                    "id": "kind",
                    "type": "single_choice",
                    "label": de('Which kind? It\'s "quoted"'),
                    "help": de("Help text"),
                    "required": True,
                    "required_message": de("Please answer"),
                    "widget": "dropdown",
                    "other": True,
                    "other_label": de("Something else"),
                    "dont_know": True,
                    "publish": "staff",
                    "chart": "column",
                    "options": [*options("a", "b"), {"code": "1000_4999", "label": de("=1,000 to 4,999")}],
                },
                {
                    "id": "yes_no",
                    "type": "single_choice",
                    "label": de("A list named yes_no"),
                    "options": options("y", "n"),
                },
                {
                    "id": "many",
                    "type": "multiple_choice",
                    "label": de("Which ones?"),
                    "other": True,
                    "options": options("x", "y", "none", exclusive="none"),
                },
                {"id": "agree", "type": "yes_no", "label": de("Agree?"), "dont_know": True, "chart": "bar"},
                {
                    "id": "rating",
                    "type": "scale",
                    "label": de("Rate it"),
                    "dont_know": True,
                    "not_applicable": True,
                    "options": options("1", "2", "3", "4", "5"),
                },
                {
                    "id": "count",
                    "type": "number",
                    "label": de("How many?"),
                    "integer": True,
                    "min": 0,
                    "max": 100,
                    "unit": de("people"),
                    "constraints": [
                        {"rule": {"question": ".", "gt": 0}, "message": de("More than none")},
                        {"rule": {"not": {"question": "count", "equals": 13}}, "message": de("Not 13")},
                        {"rule": {"question": ".", "not_in": [7, 8]}, "message": de("Not 7 or 8")},
                    ],
                },
                {"id": "share", "type": "number", "label": de("Share"), "min": 0.5, "max": 99.5, "publish": "staff"},
            ],
        },
        {
            "id": "second",
            "title": de("Second"),
            "show_if": {"question": "agree", "in": ["yes", "dont_know"]},
            "questions": [
                {
                    "id": "split",
                    "type": "allocation",
                    "label": de("Split 100"),
                    "help": de("Roughly"),
                    "required": True,
                    "required_message": de("Please split"),
                    "chart": "box",
                    "items": options("p", "q", "r"),
                },
                {"id": "order", "type": "ranking", "label": de("Rank"), "top": 2, "items": options("p", "q", "r")},
                {
                    "id": "grid",
                    "type": "matrix",
                    "label": de("Grid"),
                    "help": de("One answer per row"),
                    "required": True,
                    "dont_know": True,
                    "not_applicable": True,
                    "publish": "staff",
                    "show_if": {"count_selected": "many", "gte": 1},
                    "rows": options("r1", "r2"),
                    "options": options("lo", "mid", "hi"),
                },
                {
                    "id": "name",
                    "type": "short_text",
                    "label": de("Name"),
                    "max_length": 80,
                    "show_if": {
                        "all": [
                            {"question": "kind", "not_in": ["a"]},
                            {"any": [{"question": "count", "lte": 10}, {"not": {"question": "many", "contains": "x"}}]},
                        ]
                    },
                },
                {
                    "id": "story",
                    "type": "long_text",
                    "label": de("Story"),
                    "show_if": {
                        "any": [
                            {"all": [{"question": "rating", "gte": 4}, {"question": "kind", "equals": "1000_4999"}]},
                            {"not": {"question": "kind", "in": ["a", "b"]}},
                            {"any": [{"question": "count", "in": [1, 2]}, {"question": "share", "lt": 2.5}]},
                        ]
                    },
                },
                {
                    "id": "when",
                    "type": "date",
                    "label": de("When?"),
                    "min": "2000-01-01",
                    "max": "2030-12-31",
                    "show_if": {"question": "share", "answered": False},
                },
                {
                    "id": "note",
                    "type": "info",
                    "label": de("Thanks"),
                    "help": de("Nothing to answer"),
                    "show_if": {
                        "all": [
                            {"all": [{"question": "kind", "not_equals": "other"}, {"question": "count", "gt": -5}]},
                            {"question": "many", "answered": True},
                        ]
                    },
                },
            ],
        },
    ],
}


def everything() -> Survey:
    survey, problems = parse_definition(EVERYTHING)
    assert problems == []
    assert survey is not None
    return survey


def round_trip(survey: Survey, tmp_path: Path) -> Survey:
    path = tmp_path / f"{survey.id}.xlsx"
    write_xlsform(survey, path)
    back, problems = import_xlsform(path)
    assert [str(p) for p in problems] == []
    assert back is not None
    return back


@pytest.mark.parametrize("name", ["drug-market-practice.yaml", "force-profile.yaml"])
def test_shipped_questionnaires_round_trip(name: str, tmp_path: Path) -> None:
    loaded = load_file(SURVEYS / name)
    assert loaded.survey is not None
    back = round_trip(loaded.survey, tmp_path)
    assert back == loaded.survey
    assert content_hash(back) == content_hash(loaded.survey)


def test_every_feature_round_trips(tmp_path: Path) -> None:
    survey = everything()
    back = round_trip(survey, tmp_path)
    for before, after in zip(survey.questions(), back.questions(), strict=True):
        assert after == before, before.id
    assert back == survey


def sheet(path: Path, name: str) -> list[dict[str, Any]]:
    rows = list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_workbook_follows_the_conventions(tmp_path: Path) -> None:
    path = tmp_path / "every.xlsx"
    write_xlsform(everything(), path)
    survey = {r["name"]: r for r in sheet(path, "survey") if r["name"]}
    header = list(sheet(path, "survey")[0])
    assert header[:4] == ["type", "name", "label::English (en)", "label::de (de)"]
    assert survey["kind"]["type"] == "select_one kind"
    assert survey["kind"]["appearance"] == "minimal"
    assert survey["kind"]["required"] == "yes"
    assert survey["kind"]["px_other_label::de (de)"] == "Something else (de)"
    assert survey["yes_no"]["type"] == "select_one yes_no"
    assert (survey["agree"]["type"], survey["agree"]["px_type"]) == ("select_one px_yes_no", "yes_no")
    assert (survey["rating"]["appearance"], survey["rating"]["px_type"]) == ("likert", "scale")
    assert survey["count"]["type"] == "integer" and survey["share"]["type"] == "decimal"
    assert survey["count"]["constraint"] == ". > 0"
    assert survey["count"]["px_constraint_2"] == "not(${count} = 13)"
    assert survey["count"]["px_constraint_message_3::English (en)"] == "Not 7 or 8"
    assert survey["order"]["type"] == "rank order" and survey["order"]["px_top"] == 2
    assert survey["story"]["type"] == "text" and survey["story"]["appearance"] == "multiline"
    assert survey["note"]["type"] == "note"
    grid = survey["grid"]
    assert (grid["type"], grid["appearance"], grid["px_type"]) == ("begin group", "table-list", "matrix")
    assert grid["relevant"] == "count-selected(${many}) >= 1"
    assert survey["grid__r1"]["type"] == "select_one grid" and survey["grid__r1"]["required"] == "yes"
    assert (survey["split"]["px_type"], survey["split__p"]["type"]) == ("allocation", "integer")
    assert survey["second"]["relevant"] == "selected('yes dont_know', ${agree})"
    assert survey["story"]["relevant"] == (
        "(${rating} >= 4 and ${kind} = '1000_4999') or not((selected('a b', ${kind}))) "
        "or (selected('1 2', ${count}) or ${share} < 2.5)"
    )
    choices = sheet(path, "choices")
    assert {
        "list_name": "px_yes_no",
        "name": "yes",
        "label::English (en)": "Yes",
        "label::de (de)": "Yes",
        "px_exclusive": None,
    } in choices
    assert [c["px_exclusive"] for c in choices if c["list_name"] == "many"] == [None, None, "yes"]
    (settings_row,) = sheet(path, "settings")
    assert settings_row["form_id"] == "every-feature" and settings_row["default_language"] == "English (en)"
    assert settings_row["px_purpose"] == "peer_profile"
    # A label that starts with "=" stays text (Excel would take it for a formula).
    cell = next(c for c in openpyxl.load_workbook(path)["choices"]["C"] if c.value == "=1,000 to 4,999")
    assert cell.data_type == "s"


# ---- expressions both ways ---------------------------------------------------------------------

TYPES = {"a": "single_choice", "m": "multiple_choice", "n": "number"}
values = st.one_of(st.sampled_from(["x", "y", "it's", "1000_4999", "3"]), st.integers(-50, 50))
atoms = st.one_of(
    st.builds(
        Compare,
        st.just("a"),
        st.sampled_from(["equals", "not_equals"]),
        values,
    ),
    st.builds(Compare, st.just("m"), st.just("contains"), values),
    st.builds(Compare, st.sampled_from(["n", "."]), st.sampled_from(["gt", "gte", "lt", "lte"]), st.integers(-9, 99)),
    st.builds(Compare, st.sampled_from(["a", "n"]), st.just("answered"), st.booleans()),
    st.builds(
        Compare,
        st.just("a"),
        st.sampled_from(["in", "not_in"]),
        st.lists(st.sampled_from("xyz"), min_size=1, max_size=3).map(tuple),
    ),
    st.builds(
        Compare,
        st.just("n"),
        st.sampled_from(["in", "not_in"]),
        st.lists(st.integers(0, 9), min_size=1, max_size=3).map(tuple),
    ),
    st.builds(
        CountSelected,
        st.just("m"),
        st.sampled_from(["equals", "not_equals", "gt", "gte", "lt", "lte"]),
        st.integers(0, 5),
    ),
)
conditions = st.recursive(
    atoms,
    lambda inner: st.one_of(
        st.builds(Not, inner),
        st.lists(inner, min_size=2, max_size=3).map(lambda cs: AllOf(tuple(cs))),
        st.lists(inner, min_size=2, max_size=3).map(lambda cs: AnyOf(tuple(cs))),
    ),
    max_leaves=8,
)


@given(conditions)
@settings(max_examples=300, deadline=None)
def test_expressions_round_trip(cond: Condition) -> None:
    problems: list = []
    back = parse_condition(parse_expression(to_expression(cond), TYPES, "number"), (), problems)
    assert problems == []
    assert back == cond


def test_text_with_both_kinds_of_quote_is_written_with_concat() -> None:
    cond = Compare("a", "equals", 'it\'s "odd"')
    text = to_expression(cond)
    assert text == "${a} = concat('it', \"'\", 's \"odd\"')"
    problems: list = []
    assert parse_condition(parse_expression(text, TYPES, "number"), (), problems) == cond and not problems


def test_values_xlsform_cannot_write() -> None:
    with pytest.raises(ExpressionError, match="has a space"):
        to_expression(Compare("a", "in", ("two words", "x")))


# ---- the commands ------------------------------------------------------------------------------


def run_export(file: Path, output: Path | str | None) -> int:
    return export_command(argparse.Namespace(file=str(file), output=str(output) if output else None))


def test_cli_export_then_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xlsx = tmp_path / "profile.xlsx"
    assert run_export(SURVEYS / "force-profile.yaml", xlsx) == 0
    assert capsys.readouterr().out == f"exported {SURVEYS / 'force-profile.yaml'} to {xlsx}\n"
    yaml_out = tmp_path / "profile.yaml"
    assert import_command(argparse.Namespace(form=str(xlsx), output=str(yaml_out))) == 0
    assert load_file(yaml_out).survey == load_file(SURVEYS / "force-profile.yaml").survey
    assert sorted(p.name for p in tmp_path.iterdir()) == ["profile.xlsx", "profile.yaml"]


def test_cli_export_refuses_an_invalid_definition(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\nversion: '1'\ntitle: Bad\nsections: []\n", encoding="utf-8")
    out = tmp_path / "bad.xlsx"
    assert run_export(bad, out) == 1
    assert "bad.yaml:4:" in capsys.readouterr().out
    assert not out.exists()


def test_cli_export_usage_errors(tmp_path: Path) -> None:
    cases = [
        (tmp_path / "missing.yaml", tmp_path / "x.xlsx", "no such file"),
        (SURVEYS / "force-profile.yaml", None, "-o FORM.xlsx"),
        (SURVEYS / "force-profile.yaml", tmp_path / "x.csv", "must be an .xlsx file"),
        (SURVEYS / "force-profile.yaml", tmp_path / "no" / "x.xlsx", "no such folder"),
    ]
    for file, output, message in cases:
        with pytest.raises(CliError) as error:
            run_export(file, output)
        assert error.value.status == 2
        assert message in error.value.message
