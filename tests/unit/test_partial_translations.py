"""Partial translations: accepted with warnings (as in ODK), counted per language, named where
missing, errors under `surveys validate --strict`, and refused when a round is opened."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.surveys.format.files import load_file, load_text
from backend.surveys.format.translations import incomplete_message, translation_report
from backend.surveys.xlsform.reader import convert_xlsform, import_xlsform
from tests.unit.test_xlsform_import import messages, run_import
from tests.unit.xlsform_fixtures import CON_EN, EN, FR, HINT_EN, HINT_FR, write_form

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"

PARTIAL = """\
id: partial
version: "1"
title: {en: Partial, fr: Partiel, es: Parcial}
languages: [en, fr, es]
sections:
  - id: main
    title: {en: Main, fr: Principal, es: Principal}
    intro: Only English
    questions:
      - id: kind
        type: single_choice
        label: {en: Kind, fr: Type, es: Tipo}
        help: {en: Pick one, fr: Choisissez}
        options:
          - {code: a, label: {en: A, fr: A, es: A}}
          - {code: b, label: {en: B, es: B}}
      - id: cost
        type: number
        label: {en: Cost, fr: Coût, es: Coste}
        unit: {en: euros, fr: euros, es: euros}
        constraints: [{rule: {question: ".", gte: 0}, message: Not negative}]
"""


def test_each_language_is_counted_and_each_gap_named() -> None:
    loaded = load_text(PARTIAL, "partial.yaml")
    assert loaded.ok and loaded.survey is not None
    report = translation_report(loaded.survey)
    assert [str(c) for c in report.counts] == ["en: 10 of 10 texts", "fr: 7 of 10 texts", "es: 7 of 10 texts"]
    assert report.missing_in("fr") == [
        'section "main" intro',
        'question "kind" options "b"',
        'question "cost" constraint 1 message',
    ]
    assert report.missing_in("es") == [
        'section "main" intro',
        'question "kind" help',
        'question "cost" constraint 1 message',
    ]
    # The validator warns about exactly the texts the report counts as missing.
    assert len(loaded.warnings) == len(report.missing) == 6


def test_a_round_is_refused_naming_what_is_missing() -> None:
    survey = load_text(PARTIAL, "partial.yaml").survey
    assert survey is not None
    assert incomplete_message(survey) == (
        "This version's translations are incomplete: "
        '"fr" lacks 3 of 10 texts (section "main" intro, question "kind" options "b", '
        'question "cost" constraint 1 message); '
        '"es" lacks 3 of 10 texts (section "main" intro, question "kind" help, question "cost" constraint 1 message). '
        "Respondents would see those texts in the default language: complete the translations in the "
        "definition file, load it again and choose the new version."
    )


@pytest.mark.parametrize("name", ["drug-market-practice.yaml", "force-profile.yaml"])
def test_the_shipped_questionnaires_are_fully_translated(name: str) -> None:
    loaded = load_file(SURVEYS / name, strict=True)
    assert loaded.ok, loaded.problems
    assert loaded.survey is not None and incomplete_message(loaded.survey) is None
    assert all(c.complete for c in translation_report(loaded.survey).counts)


def test_long_lists_are_cut_short() -> None:
    questions = "".join(f"      - {{id: q{i}, type: yes_no, label: Q{i}}}\n" for i in range(12))
    text = (
        'id: many\nversion: "1"\ntitle: {en: M, fr: M}\nlanguages: [en, fr]\nsections:\n'
        f"  - id: s\n    title: {{en: S, fr: S}}\n    questions:\n{questions}"
    )
    survey = load_text(text, "many.yaml").survey
    assert survey is not None
    message = incomplete_message(survey)
    assert message is not None
    assert '"fr" lacks 12 of 14 texts (question "q0" label, ' in message
    assert 'question "q7" label and 4 more)' in message


# ---- XLSForm ---------------------------------------------------------------------------------


def partly_translated(path: Path) -> Path:
    return write_form(
        path,
        [
            {"type": "begin group", "name": "main", EN: "Main", FR: "Principal"},  # 2
            {"type": "integer", "name": "staff", EN: "Staff?", FR: "Effectif ?", HINT_EN: "Full-time"},  # 3
            {"type": "select_one yn", "name": "ok", EN: "OK?", FR: "OK ?"},  # 4
            {  # 5
                "type": "decimal",
                "name": "cost",
                EN: "Cost",
                "constraint": ". >= 0",
                CON_EN: "Not negative",
                HINT_EN: "In euros",
                HINT_FR: "En euros",
            },
            {"type": "text", "name": "why", EN: "Why?"},  # 6
            {"type": "end group"},  # 7
        ],
        [
            {"list_name": "yn", "name": "y", EN: "Yes", FR: "Oui"},  # 2
            {"list_name": "yn", "name": "n", EN: "No"},  # 3
        ],
    )


def test_rows_lacking_a_translation_import_with_a_warning_each(tmp_path: Path) -> None:
    converted = convert_xlsform(partly_translated(tmp_path / "partial.xlsx"))
    assert messages(converted.problems) == []
    shown = '(the default language "en" is shown instead)'
    assert messages(converted.warnings) == [
        f"survey row 3: missing translation: hint::fr {shown}",
        f"survey row 5: missing translation: label::fr, constraint_message::fr {shown}",
        f"survey row 6: missing translation: label::fr {shown}",
        f"choices row 3: missing translation: label::fr {shown}",
    ]
    survey = converted.survey
    assert survey is not None and survey.languages == ("en", "fr")
    # Nothing is made up: the missing texts stay missing, and respondents get the default's.
    cost = survey.question("cost")
    assert cost.label == {"en": "Cost"} and cost.constraints[0].message == {"en": "Not negative"}
    assert import_xlsform(tmp_path / "partial.xlsx")[0] == survey
    assert [str(c) for c in translation_report(survey).counts] == ["en: 11 of 11 texts", "fr: 6 of 11 texts"]


def test_a_partly_translated_import_is_valid_and_strict_validation_names_each_gap(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    form, out = partly_translated(tmp_path / "partial.xlsx"), tmp_path / "partial.yaml"
    assert run_import(form, out) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == (
        f'{form}: warning: survey row 3: missing translation: hint::fr (the default language "en" is shown instead)'
    )
    assert len(printed) == 5 and printed[-1].startswith(f"imported {form} as {out}")
    loaded = load_file(out)
    assert loaded.ok and len(loaded.warnings) == 5
    strict = load_file(out, strict=True)
    assert strict.survey is None
    assert [p.message for p in strict.problems] == ['missing "fr" translation'] * 5


def test_printed_yaml_keeps_the_warnings_apart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_import(partly_translated(tmp_path / "partial.xlsx"), None) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("id: partial\n")
    assert captured.err.count("warning: ") == 4
