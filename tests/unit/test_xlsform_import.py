"""XLSForm import: realistic ODK forms become our model; what we cannot carry is reported
with its sheet and row, and nothing is written."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from backend.cli.runtime import CliError
from backend.cli.xlsform import import_command
from backend.surveys.format.files import load_file
from backend.surveys.format.model import AllOf, AnyOf, Compare, Constraint, CountSelected, Not, Option
from backend.surveys.xlsform.expressions import ExpressionError, parse_expression
from backend.surveys.xlsform.reader import convert_xlsform, import_xlsform, read_xlsform
from tests.unit.xlsform_fixtures import EN, ES, FR, station_form, write_form


def messages(problems: list) -> list[str]:
    return [str(p) for p in problems]


# ---- a realistic form ------------------------------------------------------------------------


@pytest.fixture
def station(tmp_path: Path):
    survey, problems = import_xlsform(station_form(tmp_path / "station.xlsx"))
    assert messages(problems) == []
    assert survey is not None
    return survey


def test_settings_languages_and_sections(station) -> None:
    assert station.id == "station-practice-v2"  # form_id made into a slug
    assert station.version == "2024031501"  # a number cell, kept as text
    assert station.default_language == "en"
    assert station.languages == ("en", "fr")
    assert station.title == {"en": "Station practice", "fr": "Station practice"}
    assert [s.id for s in station.sections] == ["profile", "practice", "main"]
    assert station.sections[0].title == {"en": "About your station", "fr": "Votre poste"}
    # The question after the last group goes to a default section titled like the form.
    assert station.sections[2].title == station.title
    assert [q.id for q in station.sections[2].questions] == ["comments"]
    # start / end metadata ask nothing and are skipped.
    assert "started" not in [q.id for q in station.questions()]


def test_question_types(station) -> None:
    types = {q.id: q.type for q in station.questions()}
    assert types == {
        "station_type": "single_choice",
        "staff_count": "number",
        "budget_share": "number",
        "has_unit": "single_choice",  # a yes/no list stays a choice with its own labels
        "opened": "date",
        "tactics": "multiple_choice",
        "region": "single_choice",
        "tactics_note": "info",
        "patrol_detail": "short_text",
        "lessons": "long_text",
        "confidence": "scale",
        "priorities": "ranking",
        "comments": "short_text",
    }
    assert station.question("staff_count").settings.integer is True
    assert station.question("budget_share").settings.integer is False
    assert station.question("region").settings.widget == "dropdown"
    assert station.question("station_type").settings.widget == "radios"


def test_choices_translations_and_required(station) -> None:
    q = station.question("station_type")
    assert q.label == {"en": "What kind of station is it?", "fr": "De quel type de poste s'agit-il ?"}
    assert q.help == {"en": "Choose the closest.", "fr": "Choisissez le plus proche."}
    assert q.required is True
    assert q.required_message == {"en": "Please choose a type.", "fr": "Veuillez choisir un type."}
    assert q.settings.options == (
        Option("city", {"en": "City", "fr": "Ville"}),
        Option("rural", {"en": "Rural", "fr": "Rurale"}),
        Option("mobile", {"en": "Mobile", "fr": "Mobile"}),
    )
    assert station.question("tactics").required is True  # an Excel TRUE cell
    assert station.question("has_unit").settings.options[0] == Option("yes", {"en": "Yes", "fr": "Oui"})
    assert [o.code for o in station.question("priorities").settings.items] == ["violence", "supply", "health"]


def test_range_becomes_a_numbered_scale(station) -> None:
    q = station.question("confidence")
    assert [o.code for o in q.settings.options] == ["1", "2", "3", "4", "5"]
    assert q.settings.options[2].label == {"en": "3", "fr": "3"}


def test_relevant_expressions_become_conditions(station) -> None:
    assert station.question("staff_count").show_if == Compare("station_type", "not_equals", "mobile")
    assert station.question("opened").show_if == Compare("has_unit", "equals", "yes")
    assert station.question("tactics_note").show_if == CountSelected("tactics", "gte", 2)
    assert station.question("patrol_detail").show_if == AllOf(
        (Compare("tactics", "contains", "patrols"), Not(Compare("tactics", "contains", "none")))
    )
    assert station.question("lessons").show_if == AnyOf(
        (
            Compare("station_type", "equals", "city"),
            AllOf((Compare("staff_count", "gt", 100), Compare("has_unit", "answered", True))),
        )
    )


def test_constraints_with_messages(station) -> None:
    assert station.question("staff_count").constraints == (
        Constraint(
            AllOf((Compare(".", "gte", 1), Compare(".", "lte", 5000))),
            {"en": "Between 1 and 5000.", "fr": "Entre 1 et 5000."},
        ),
    )
    assert station.question("budget_share").constraints == (
        Constraint(Compare(".", "lte", 100), {"en": "At most 100.", "fr": "Au plus 100."}),
    )


# ---- headers, languages, groups ----------------------------------------------------------------


def test_three_languages_and_default_from_settings(tmp_path: Path) -> None:
    path = write_form(
        tmp_path / "three.xlsx",
        [
            {"type": "select_one yn", "name": "ok", ES: "¿Bien?", EN: "Fine?", FR: "Bien ?", "required": "TRUE"},
            {"type": "note", "name": "bye", ES: "Adiós", EN: "Bye", FR: "Au revoir"},
        ],
        [
            {"list_name": "yn", "name": "y", EN: "Yes", FR: "Oui", ES: "Sí"},
            {"list_name": "yn", "name": "n", EN: "No", FR: "Non", ES: "No"},
        ],
        [{"form_title": "Tres", "default_language": "es"}],
    )
    survey, problems = import_xlsform(path)
    assert messages(problems) == []
    assert survey is not None
    assert survey.languages == ("es", "en", "fr")  # the order of the label columns
    assert survey.default_language == "es"
    assert survey.id == "three"  # no form_id: the file name
    assert survey.version == "1"  # no version
    assert survey.question("ok").label == {"es": "¿Bien?", "en": "Fine?", "fr": "Bien ?"}
    assert survey.question("ok").settings.options[0].label == {"en": "Yes", "fr": "Oui", "es": "Sí"}


def test_headers_are_case_insensitive_in_any_order_with_bare_codes(tmp_path: Path) -> None:
    path = write_form(
        tmp_path / "plain.xlsx",
        [
            {"LABEL::en": "Size?", "Label::fr": "Taille ?", "NAME": "size", "TYPE": "integer", "Required": "1"},
            {},
            {"TYPE": "select_multiple things", "NAME": "things", "LABEL::en": "Things", "Label::fr": "Choses"},
        ],
        [
            {"List Name": "things", "Name": "a", "label::en": "A", "label::fr": "A"},
            {"List Name": "things", "Name": "b", "label::en": "B", "label::fr": "B"},
        ],
        None,
    )
    survey, problems = import_xlsform(path)
    assert messages(problems) == []
    assert survey is not None
    assert survey.languages == ("en", "fr")
    assert survey.question("size").required is True
    assert [o.code for o in survey.question("things").settings.options] == ["a", "b"]


def test_plain_label_columns_are_english_by_default(tmp_path: Path) -> None:
    path = write_form(tmp_path / "x.xlsx", [{"type": "text", "name": "who", "label": "Who?", "hint": "Name"}])
    survey, problems = import_xlsform(path)
    assert messages(problems) == [] and survey is not None
    assert (survey.default_language, survey.languages) == ("en", ("en",))
    assert survey.question("who").help == {"en": "Name"}


def test_nested_group_is_flattened_and_its_relevant_applies(tmp_path: Path) -> None:
    path = write_form(
        tmp_path / "nested.xlsx",
        [
            {"type": "begin group", "name": "outer", "label": "Outer", "relevant": ""},
            {"type": "select_one yn", "name": "police", "label": "Police?"},
            {"type": "begin_group", "name": "inner", "label": "Inner", "relevant": "${police} = 'y'"},
            {"type": "integer", "name": "officers", "label": "Officers", "relevant": "${police} != ''"},
            {"type": "text", "name": "unit", "label": "Unit"},
            {"type": "end_group"},
            {"type": "end group"},
        ],
        [{"list_name": "yn", "name": "y", "label": "Yes"}, {"list_name": "yn", "name": "n", "label": "No"}],
    )
    survey, problems = import_xlsform(path)
    assert messages(problems) == [] and survey is not None
    assert [s.id for s in survey.sections] == ["outer"]
    assert [q.id for q in survey.sections[0].questions] == ["police", "officers", "unit"]
    inner = Compare("police", "equals", "y")
    assert survey.question("officers").show_if == AllOf((inner, Compare("police", "answered", True)))
    assert survey.question("unit").show_if == inner


def test_group_relevant_becomes_section_show_if_and_or_other(tmp_path: Path) -> None:
    path = write_form(
        tmp_path / "g.xlsx",
        [
            {"type": "select_one yn or_other", "name": "police", "label": "Police?"},
            {"type": "begin group", "name": "more", "label": "More", "relevant": "selected(${police}, 'y')"},
            {"type": "text", "name": "why", "label": "Why?"},
            {"type": "end group"},
        ],
        [{"list_name": "yn", "name": "y", "label": "Yes"}, {"list_name": "yn", "name": "n", "label": "No"}],
    )
    survey, problems = import_xlsform(path)
    assert messages(problems) == [] and survey is not None
    assert [s.id for s in survey.sections] == ["main", "more"]
    assert survey.sections[1].show_if == Compare("police", "equals", "y")  # selected() on select_one
    assert survey.question("police").settings.other is True


def test_constraint_without_message_gets_a_generic_one(tmp_path: Path) -> None:
    path = write_form(tmp_path / "c.xlsx", [{"type": "integer", "name": "n", "label": "N", "constraint": ". > 0"}])
    survey, problems = import_xlsform(path)
    assert messages(problems) == [] and survey is not None
    assert survey.question("n").constraints[0].message == {"en": "This answer is not allowed."}


# ---- expressions -------------------------------------------------------------------------------

TYPES = {"a": "single_choice", "m": "multiple_choice", "n": "number", "t": "short_text"}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("${a} = 'x'", {"question": "a", "equals": "x"}),
        ('${a} != "x"', {"question": "a", "not_equals": "x"}),
        ("${n} > 3", {"question": "n", "gt": 3}),
        ("${n}>=2.5", {"question": "n", "gte": 2.5}),
        ("${n} < '10'", {"question": "n", "lt": 10}),
        ("3 <= ${n}", {"question": "n", "gte": 3}),
        (". <= -1", {"question": ".", "lte": -1}),
        ("${t} = ''", {"question": "t", "answered": False}),
        ("${t} != ''", {"question": "t", "answered": True}),
        ("selected(${m}, 'x')", {"question": "m", "contains": "x"}),
        ("selected( ${a} , 'x' )", {"question": "a", "equals": "x"}),
        ("selected('x y', ${a})", {"question": "a", "in": ["x", "y"]}),
        ("selected('1 2', ${n})", {"question": "n", "in": [1, 2]}),
        ("not(selected('x y', ${a}))", {"question": "a", "not_in": ["x", "y"]}),
        ("not((selected('x y', ${a})))", {"not": {"question": "a", "in": ["x", "y"]}}),
        ("count-selected(${m}) = 1", {"count_selected": "m", "equals": 1}),
        ("not(${a} = 'x')", {"not": {"question": "a", "equals": "x"}}),
        (
            "${a} = 'x' or ${a} = 'y' and ${n} > 1",
            {
                "any": [
                    {"question": "a", "equals": "x"},
                    {"all": [{"question": "a", "equals": "y"}, {"question": "n", "gt": 1}]},
                ]
            },
        ),
        (
            "(${a} = 'x' or ${a} = 'y') and ${n} > 1",
            {
                "all": [
                    {"any": [{"question": "a", "equals": "x"}, {"question": "a", "equals": "y"}]},
                    {"question": "n", "gt": 1},
                ]
            },
        ),
        (
            "${a} = 'x' and ${a} = 'y' and ${n} > 1",
            {"all": [{"question": "a", "equals": "x"}, {"question": "a", "equals": "y"}, {"question": "n", "gt": 1}]},
        ),
    ],
)
def test_supported_expressions(expression: str, expected: dict) -> None:
    assert parse_expression(expression, TYPES) == expected


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("string-length(.) <= 10", "function string-length() is not supported"),
        ("${n} + 1 > 3", "arithmetic"),
        ("${n} > ${a}", "only a question compared with a value"),
        ("${a} = yes", 'unexpected word "yes"'),
        ("${a}", "on its own is not a condition"),
        ("${a} = 'x' and", "ends too early"),
        ("(${a} = 'x'", 'expected ")"'),
        ("${n} > 'many'", "compares with a number"),
        ("count-selected(${m}) > 1.5", "whole number"),
        ("jr:choice-name(${a}, '${a}') = 'x'", "function jr:choice-name() is not supported"),
        ("", "empty"),
    ],
)
def test_unsupported_expressions(expression: str, reason: str) -> None:
    with pytest.raises(ExpressionError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_expression(expression, TYPES)


# ---- what cannot be imported -------------------------------------------------------------------


def unsupported_form(path: Path) -> Path:
    return write_form(
        path,
        [
            {"type": "select_one yn", "name": "ok", "label": "OK?"},  # 2
            {"type": "begin repeat", "name": "people", "label": "People"},  # 3
            {"type": "text", "name": "person", "label": "Person"},  # 4: inside the repeat
            {"type": "end repeat"},  # 5
            {"type": "calculate", "name": "total", "calculation": "1 + 1"},  # 6
            {"type": "geopoint", "name": "where", "label": "Where?"},  # 7
            {"type": "select_one places", "name": "place", "label": "Place", "choice_filter": "region = ${ok}"},  # 8
            {"type": "select_one nowhere", "name": "lost", "label": "Lost"},  # 9
            {"type": "text", "name": "ok", "label": "Again"},  # 10: duplicate name
            {"type": "text", "name": "short", "label": "Short", "constraint": "string-length(.) <= 10"},  # 11
            {"type": "integer", "name": "age", "label": "Age", "relevant": "${ok} = 'y' + 1"},  # 12
            {"type": "barcode", "name": "code", "label": "Code"},  # 13
            {"type": "integer", "name": "kids", "label": "Kids", "required": "${ok} = 'y'"},  # 14
            {"type": "username", "name": "user"},  # 15: metadata, skipped silently
            {"type": "note", "name": "logo", "label": "Logo", "media::image": "logo.png"},  # 16
            {"type": "integer", "name": "size", "label": "Size", "default": 3, "read_only": "no"},  # 17
        ],
        [
            {"list_name": "yn", "name": "y", "label": "Yes"},
            {"list_name": "yn", "name": "n", "label": "No"},
            {"list_name": "places", "name": "a", "label": "A", "region": "y"},
            {"list_name": "places", "name": "b", "label": "B", "region": "n"},
            {"list_name": "yn", "name": "y", "label": "Yes again"},  # 6
        ],
    )


def test_every_unsupported_feature_is_reported_with_its_row(tmp_path: Path) -> None:
    data, problems = read_xlsform(unsupported_form(tmp_path / "bad.xlsx"))
    assert "person" not in str(data)  # the questions of a repeat are left out
    found = messages(problems)
    expected = [
        "survey row 3: repeats are not supported (begin repeat)",
        "survey row 6: calculations are not supported (calculate)",
        "survey row 7: geopoint questions are not supported (geopoint)",
        "survey row 8: choice filters are not supported (choice_filter region = ${ok})",
        'survey row 9: select_one refers to missing choice list "nowhere"',
        'survey row 10: duplicate name "ok" (also on row 2)',
        'survey row 11: constraint "string-length(.) <= 10": function string-length() is not supported',
        "survey row 12: relevant \"${ok} = 'y' + 1\": arithmetic is not supported",
        "survey row 13: barcode questions are not supported (barcode)",
        "survey row 14: required must be yes or no, not \"${ok} = 'y'\" (required expressions are not supported)",
        "survey row 16: media are not supported (media logo.png)",
        "survey row 17: default answers are not supported (default 3)",
        'choices row 6: choice "y" appears twice in list "yn"',
    ]
    assert found == expected
    assert not any("row 4" in m or "row 15" in m for m in found)


def test_a_repeat_is_reported_once_and_what_it_holds_is_left_out(tmp_path: Path) -> None:
    path = write_form(
        tmp_path / "r.xlsx",
        [
            {"type": "begin_repeat", "name": "people", "label": "People"},  # 2
            {"type": "begin group", "name": "g", "label": "G"},
            {"type": "geopoint", "name": "where", "label": "Where?"},
            {"type": "end group"},
            {"type": "end_repeat"},
            {"type": "text", "name": "after", "label": "After"},
        ],
    )
    data, problems = read_xlsform(path)
    assert messages(problems) == ["survey row 2: repeats are not supported (begin_repeat)"]
    assert [q["id"] for s in data["sections"] for q in s["questions"]] == ["after"]


def test_definition_problems_point_at_rows_and_columns(tmp_path: Path) -> None:
    path = write_form(
        tmp_path / "p.xlsx",
        [
            {"type": "select_one yn", "name": "ok", EN: "OK?", FR: "OK ?"},  # 2
            {"type": "text", "name": "why", EN: "Why?", "relevant": "${later} = 'y'"},  # 3
            {"type": "integer", "name": "Later", EN: "Later", FR: "Plus tard"},  # 4
            {"type": "text", "name": "later", EN: "L", FR: "L", "px_top": 2},  # 5
        ],
        [
            {"list_name": "yn", "name": "y", EN: "Yes", FR: "Oui"},  # 2
            {"list_name": "yn", "name": "n", EN: "No"},  # 3
        ],
    )
    converted = convert_xlsform(path)
    assert converted.survey is None
    assert messages(converted.problems) == [
        'survey row 3: relevant: condition refers to question "later", which comes later; '
        "a condition can only use earlier answers",
        "survey row 4: name: \"id\" 'Later' is not valid: start with a letter; use a-z, 0-9 and _",
        'survey row 5: px_top: unknown key "top" in a short_text question',
    ]
    assert messages(converted.warnings) == [
        'survey row 3: missing translation: label::fr (the default language "en" is shown instead)',
        'choices row 3: missing translation: label::fr (the default language "en" is shown instead)',
    ]


def test_workbook_level_problems(tmp_path: Path) -> None:
    not_xlsx = tmp_path / "form.xlsx"
    not_xlsx.write_text("type,name\n")
    assert messages(import_xlsform(not_xlsx)[1])[0].startswith("not a readable .xlsx workbook")
    no_survey = write_form(tmp_path / "s.xlsx", [{"type": "text"}], sheet_names=("Questions", "choices", "settings"))
    assert messages(import_xlsform(no_survey)[1]) == ['the workbook has no "survey" sheet']
    unknown_language = write_form(tmp_path / "l.xlsx", [{"type": "text", "name": "a", "label::Klingon": "A"}])
    assert messages(import_xlsform(unknown_language)[1]) == [
        'survey row 1: cannot tell the language of column "label::Klingon"; write label::English (en)'
    ]
    unclosed = write_form(
        tmp_path / "u.xlsx",
        [{"type": "begin group", "name": "g", "label": "G"}, {"type": "note", "name": "n", "label": "N"}],
    )
    assert messages(import_xlsform(unclosed)[1]) == ['survey row 2: "begin group" has no matching end']


# ---- the command -----------------------------------------------------------------------------


def run_import(form: Path, output: Path | None) -> int:
    return import_command(argparse.Namespace(form=str(form), output=str(output) if output else None))


def test_cli_import_writes_a_valid_definition(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "station.yaml"
    assert run_import(station_form(tmp_path / "station.xlsx"), out) == 0
    assert "13 question(s) in 3 section(s)" in capsys.readouterr().out
    loaded = load_file(out)
    assert loaded.ok, loaded.problems
    assert loaded.survey is not None and loaded.survey.id == "station-practice-v2"


def test_cli_import_prints_yaml_without_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_import(station_form(tmp_path / "station.xlsx"), None) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("id: station-practice-v2\n")
    assert "count_selected: tactics" in printed


def test_cli_import_reports_every_problem_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    form = unsupported_form(tmp_path / "bad.xlsx")
    out = tmp_path / "bad.yaml"
    assert run_import(form, out) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{form}: survey row 3: repeats are not supported (begin repeat)"
    assert len(lines) == 14 and all(line.startswith(f"{form}: ") and " row " in line for line in lines[:13])
    assert lines[-1] == "13 problem(s); nothing imported"
    assert not out.exists()
    # An existing file is left as it was.
    out.write_text("keep me")
    assert run_import(form, out) == 1
    assert out.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.xlsx", "bad.yaml"]


def test_cli_import_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(CliError) as missing:
        run_import(tmp_path / "none.xlsx", None)
    assert missing.value.status == 2 and "no such file" in missing.value.message
    with pytest.raises(CliError) as folder:
        run_import(station_form(tmp_path / "s.xlsx"), tmp_path / "nowhere" / "s.yaml")
    assert folder.value.status == 2 and "no such folder" in folder.value.message
