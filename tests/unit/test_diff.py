"""`diff_surveys` / `format_diff` on real changes to the shipped questionnaire, and `surveys diff`."""

from __future__ import annotations

import argparse
import copy
import dataclasses
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from backend.cli.runtime import CliError
from backend.cli.surveys import diff_command
from backend.surveys.format.diff import diff_surveys
from backend.surveys.format.diff_text import format_diff
from backend.surveys.format.files import load_file
from backend.surveys.format.model import Survey
from backend.surveys.format.normal_form import survey_to_data, to_yaml
from backend.surveys.format.parse import parse_definition
from tests.unit.test_definition_roundtrip import definitions

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"
LANGS = ("en", "fr", "es")


@pytest.fixture(scope="module")
def original() -> Survey:
    loaded = load_file(SURVEYS / "drug-market-practice.yaml")
    assert loaded.survey is not None
    return loaded.survey


@pytest.fixture
def data(original: Survey) -> dict[str, Any]:
    return copy.deepcopy(survey_to_data(original))


def text(word: str) -> dict[str, str]:
    return {lang: f"{word} ({lang})" for lang in LANGS}


def question(data: dict[str, Any], qid: str) -> dict[str, Any]:
    return next(q for s in data["sections"] for q in s["questions"] if q["id"] == qid)


def section(data: dict[str, Any], sid: str) -> dict[str, Any]:
    return next(s for s in data["sections"] if s["id"] == sid)


def option(q: dict[str, Any], code: str, key: str = "options") -> dict[str, Any]:
    return next(o for o in q[key] if o["code"] == code)


def build(data: dict[str, Any]) -> Survey:
    survey, problems = parse_definition(data)
    assert survey is not None, [p.message for p in problems]
    return survey


# ---- the model -------------------------------------------------------------------------


def test_identical_versions_have_no_differences(original: Survey, data: dict[str, Any]) -> None:
    diff = diff_surveys(original, build(data))
    assert diff.identical
    assert diff.not_comparable == ()
    assert format_diff(diff) == "No differences between drug-market-practice 2026.1 and drug-market-practice 2026.1.\n"


def test_version_label_and_metadata(original: Survey, data: dict[str, Any]) -> None:
    data["version"] = "2026.2"
    data["title"]["fr"] = "Gestion des marchés des drogues"
    diff = diff_surveys(original, build(data))
    assert not diff.identical
    assert [c.field for c in diff.metadata] == ["version", "title"]
    assert diff.metadata[0].detail == 'version: "2026.1" → "2026.2"'
    assert diff.metadata[1].detail == (
        'title [fr]: "Pratiques de gestion des marchés des drogues" → "Gestion des marchés des drogues"'
    )
    assert diff.b == "drug-market-practice 2026.2"
    assert diff.questions_changed == ()


def test_dropping_a_language(original: Survey, data: dict[str, Any]) -> None:
    def drop(node: Any) -> None:
        if isinstance(node, dict):
            node.pop("es", None)
            for value in node.values():
                drop(value)
        elif isinstance(node, list):
            for value in node:
                drop(value)

    drop(data)
    data["languages"] = ["en", "fr"]
    diff = diff_surveys(original, build(data))
    languages = [c for c in diff.metadata if c.field == "languages"]
    assert [c.detail for c in languages] == ["languages: removed es"]
    change = diff.question("has_drug_strategy")
    assert change is not None and change.comparable
    assert any(c.detail.startswith("label [es] removed") for c in change.changes)


def test_question_added(original: Survey, data: dict[str, Any]) -> None:
    new = {"id": "strategy_published", "type": "yes_no", "label": text("Published?")}
    section(data, "strategy")["questions"].insert(3, new)
    diff = diff_surveys(original, build(data))
    assert [(q.id, q.type, q.section) for q in diff.questions_added] == [("strategy_published", "yes_no", "strategy")]
    assert diff.questions_removed == ()
    assert diff.questions_changed == ()  # inserting does not "move" the others
    assert "  + strategy_published (yes_no, section strategy)" in format_diff(diff)


def test_question_removed(original: Survey, data: dict[str, Any]) -> None:
    questions = section(data, "integrity")["questions"]
    questions[:] = [q for q in questions if q["id"] != "corruption_case_count"]
    diff = diff_surveys(original, build(data))
    assert [(q.id, q.type, q.section) for q in diff.questions_removed] == [
        ("corruption_case_count", "number", "integrity")
    ]
    assert diff.questions_added == () and diff.questions_changed == ()
    assert "  - corruption_case_count (number, was in section integrity)" in format_diff(diff)


def test_label_changed_in_one_language(original: Survey, data: dict[str, Any]) -> None:
    question(data, "numeric_targets")["label"]["es"] = "¿Tiene su institución objetivos numéricos?"
    diff = diff_surveys(original, build(data))
    change = diff.question("numeric_targets")
    assert change is not None
    assert change.fields == {"label"}
    assert len(change.changes) == 1
    assert change.changes[0].detail.startswith('label [es]: "¿Tiene actualmente su institución')
    assert change.changes[0].detail.endswith('→ "¿Tiene su institución objetivos numéricos?"')
    assert change.comparable
    assert "Wording changes cannot be judged automatically" in format_diff(diff)


def test_relabelled_option_stays_comparable(original: Survey, data: dict[str, Any]) -> None:
    option(question(data, "targeting_approach"), "mixed")["label"]["en"] = "A mix of these"
    diff = diff_surveys(original, build(data))
    change = diff.question("targeting_approach")
    assert change is not None and change.comparable
    assert change.fields == {"options"}
    [detail] = [c.detail for c in change.changes]
    assert detail.startswith('options mixed label [en]: "')
    assert detail.endswith('→ "A mix of these"')


def test_removed_option_code_is_not_comparable(original: Survey, data: dict[str, Any]) -> None:
    q = question(data, "targeting_approach")
    q["options"] = [o for o in q["options"] if o["code"] != "mixed"]
    diff = diff_surveys(original, build(data))
    change = diff.question("targeting_approach")
    assert change is not None
    assert [c.detail for c in change.changes] == ["options removed: mixed"]
    assert change.not_comparable == ("answer code(s) removed: mixed",)
    assert diff.not_comparable == (change,)
    text_out = format_diff(diff)
    assert "      NOT COMPARABLE: answer code(s) removed: mixed" in text_out
    assert "Not comparable across the two versions" in text_out
    assert "  targeting_approach: answer code(s) removed: mixed" in text_out


def test_recoded_option_is_not_comparable(original: Survey, data: dict[str, Any]) -> None:
    mixed = option(question(data, "targeting_approach"), "mixed")
    mixed["code"] = "combined"
    change = diff_surveys(original, build(data)).question("targeting_approach")
    assert change is not None
    assert [c.detail for c in change.changes] == [
        "options removed: mixed",
        f'options added: combined "{mixed["label"]["en"]}"',
    ]
    assert change.not_comparable == ("answer code(s) removed: mixed",)


def test_added_option_is_reported_and_comparable(original: Survey, data: dict[str, Any]) -> None:
    question(data, "targeting_approach")["options"].append({"code": "intelligence_led", "label": text("Intel")})
    change = diff_surveys(original, build(data)).question("targeting_approach")
    assert change is not None and change.comparable
    assert [c.detail for c in change.changes] == ['options added: intelligence_led "Intel (en)"']


def test_dont_know_switched_off_is_not_comparable(original: Survey, data: dict[str, Any]) -> None:
    del question(data, "numeric_targets")["dont_know"]
    change = diff_surveys(original, build(data)).question("numeric_targets")
    assert change is not None
    assert [c.detail for c in change.changes] == ["dont_know: yes → no"]
    assert change.not_comparable == ("answer code(s) removed: dont_know",)


def test_type_change_is_not_comparable(original: Survey, data: dict[str, Any]) -> None:
    q = question(data, "numeric_targets")
    q["type"] = "single_choice"
    q["options"] = [
        {"code": "yes", "label": text("Yes")},
        {"code": "partly", "label": text("Partly")},
        {"code": "no", "label": text("No")},
    ]
    change = diff_surveys(original, build(data)).question("numeric_targets")
    assert change is not None
    assert change.type == "single_choice"
    assert change.changes[0].detail == "type: yes_no → single_choice"
    assert "options" in change.fields
    assert change.not_comparable == ("type changed (yes_no → single_choice)",)


def test_scale_point_removed_is_not_comparable(original: Survey, data: dict[str, Any]) -> None:
    q = question(data, "fd_effect")
    q["options"] = [o for o in q["options"] if o["code"] != "no_change"]
    change = diff_surveys(original, build(data)).question("fd_effect")
    assert change is not None
    assert change.not_comparable == (
        "answer code(s) removed: no_change",
        "scale points changed (clear_decrease, slight_decrease, no_change, slight_increase, clear_increase → "
        "clear_decrease, slight_decrease, slight_increase, clear_increase)",
    )


def test_scale_points_reordered_are_not_comparable(original: Survey, data: dict[str, Any]) -> None:
    question(data, "fiu_use")["options"].reverse()
    change = diff_surveys(original, build(data)).question("fiu_use")
    assert change is not None
    assert any(c.detail.startswith("options reordered") for c in change.changes)
    assert len(change.not_comparable) == 1
    assert change.not_comparable[0].startswith("scale points changed")


def test_matrix_scale_changed_but_row_added_is_comparable(original: Survey, data: dict[str, Any]) -> None:
    q = question(data, "corruption_risk")
    q["rows"].append({"code": "new_row", "label": text("New row")})
    change = diff_surveys(original, build(data)).question("corruption_risk")
    assert change is not None and change.comparable
    assert [c.detail for c in change.changes] == ['rows added: new_row "New row (en)"']
    q["options"] = q["options"][:-1]
    change = diff_surveys(original, build(data)).question("corruption_risk")
    assert change is not None and not change.comparable
    assert change.not_comparable[0].startswith("scale points changed")


def test_allocation_items_changed_is_not_comparable(original: Survey, data: dict[str, Any]) -> None:
    question(data, "effort_allocation")["items"].append({"code": "prevention", "label": text("Prevention")})
    change = diff_surveys(original, build(data)).question("effort_allocation")
    assert change is not None
    assert change.not_comparable[0].startswith("items changed (")
    assert change.not_comparable[0].endswith(", prevention)")


def test_ranking_top_changed_is_not_comparable(original: Survey, data: dict[str, Any]) -> None:
    question(data, "priority_ranking")["top"] = 2
    change = diff_surveys(original, build(data)).question("priority_ranking")
    assert change is not None
    assert [c.detail for c in change.changes] == ["top: 3 → 2"]
    assert change.not_comparable == ("ranked positions changed (3 → 2)",)


def test_ranking_items_relabelled_and_reordered_stay_comparable(original: Survey, data: dict[str, Any]) -> None:
    q = question(data, "priority_ranking")
    q["items"].reverse()
    change = diff_surveys(original, build(data)).question("priority_ranking")
    assert change is not None and change.comparable
    assert change.fields == {"items"}


def test_exclusive_option_changed_is_not_comparable(original: Survey, data: dict[str, Any]) -> None:
    q = question(data, "indicators_used")
    exclusive = next(o for o in q["options"] if o.get("exclusive"))
    del exclusive["exclusive"]
    change = diff_surveys(original, build(data)).question("indicators_used")
    assert change is not None
    assert [c.detail for c in change.changes] == [f"options {exclusive['code']} exclusive: yes → no"]
    assert change.not_comparable == (f"exclusive option(s) changed: {exclusive['code']}",)


def test_condition_changed(original: Survey, data: dict[str, Any]) -> None:
    question(data, "fd_partners")["show_if"] = {"question": "focused_deterrence", "in": ["yes", "dont_know"]}
    change = diff_surveys(original, build(data)).question("fd_partners")
    assert change is not None and change.comparable
    assert [c.detail for c in change.changes] == [
        'show_if: {"question": "focused_deterrence", "equals": "yes"} → '
        '{"question": "focused_deterrence", "in": ["yes", "dont_know"]}'
    ]


def test_condition_removed(original: Survey, data: dict[str, Any]) -> None:
    del question(data, "strategy_adopted")["show_if"]
    change = diff_surveys(original, build(data)).question("strategy_adopted")
    assert change is not None
    assert change.changes[0].detail.endswith("→ (none)")


def test_required_publish_chart_and_constraint(original: Survey, data: dict[str, Any]) -> None:
    q = question(data, "naloxone_trained_pct")
    q["required"] = True
    q["publish"] = "staff"
    q["chart"] = "dot"
    q["max"] = 90
    q["constraints"][0]["rule"] = {"question": ".", "gte": 1}
    change = diff_surveys(original, build(data)).question("naloxone_trained_pct")
    assert change is not None and change.comparable
    assert [c.detail for c in change.changes] == [
        "required: no → yes",
        "publish: compare → staff",
        "chart: box → dot",
        "max: 100 → 90",
        'constraint 1 rule: {"question": ".", "gt": 0} → {"question": ".", "gte": 1}',
    ]


def test_question_moved_to_another_section(original: Survey, data: dict[str, Any]) -> None:
    measurement = section(data, "measurement")["questions"]
    moved = next(q for q in measurement if q["id"] == "harm_targets")
    measurement.remove(moved)
    section(data, "targeting")["questions"].append(moved)
    diff = diff_surveys(original, build(data))
    change = diff.question("harm_targets")
    assert change is not None and change.comparable
    assert [c.detail for c in change.changes] == ["section: measurement → targeting"]
    assert [q.id for q in diff.questions_changed] == ["harm_targets"]


def test_questions_reordered_within_a_section(original: Survey, data: dict[str, Any]) -> None:
    questions = section(data, "measurement")["questions"]
    questions[2], questions[3] = questions[3], questions[2]  # numeric_targets, harm_targets
    diff = diff_surveys(original, build(data))
    [change] = diff.questions_changed  # one of the two moved past the other
    assert change.id in {"numeric_targets", "harm_targets"}
    assert [c.detail for c in change.changes] == ["moved to another place in its section"]


def test_section_changes(original: Survey, data: dict[str, Any]) -> None:
    barriers = section(data, "barriers")
    barriers["title"]["en"] = "What stands in the way"
    barriers["show_if"] = {"question": "has_drug_strategy", "answered": True}
    data["sections"].remove(barriers)
    data["sections"].insert(0 + 1, barriers)
    data["sections"] = [s for s in data["sections"] if s["id"] != "partnerships"]
    data["sections"].append({"id": "extra", "title": text("Extra"), "questions": [
        {"id": "extra_q", "type": "yes_no", "label": text("Extra?")}
    ]})  # fmt: skip
    diff = diff_surveys(original, build(data))
    assert diff.sections_added == ("extra",)
    assert diff.sections_removed == ("partnerships",)
    change = diff.section("barriers")
    assert change is not None
    assert [c.field for c in change.changes] == ["order", "title", "show_if"]
    assert change.changes[1].detail == 'title [en]: "Barriers to change" → "What stands in the way"'
    assert {q.id for q in diff.questions_removed} == {
        "partner_frequency",
        "health_agreement",
        "health_data_sharing",
        "partnership_example",
    }
    out = format_diff(diff)
    assert "Sections\n  + extra (added)\n  - partnerships (removed)\n  ~ barriers\n" in out


def test_format_diff_layout(original: Survey, data: dict[str, Any]) -> None:
    data["version"] = "2026.2"
    q = question(data, "targeting_approach")
    q["options"] = [o for o in q["options"] if o["code"] != "mixed"]
    question(data, "priority_ranking")["top"] = 2
    section(data, "strategy")["questions"].append({"id": "new_q", "type": "yes_no", "label": text("New")})
    out = format_diff(diff_surveys(original, build(data)))
    assert out == (
        "Comparing drug-market-practice 2026.1 → drug-market-practice 2026.2\n"
        "\n"
        "Questionnaire\n"
        '  version: "2026.1" → "2026.2"\n'
        "\n"
        "Questions\n"
        "  + new_q (yes_no, section strategy)\n"
        "  ~ priority_ranking\n"
        "      top: 3 → 2\n"
        "      NOT COMPARABLE: ranked positions changed (3 → 2)\n"
        "  ~ targeting_approach\n"
        "      options removed: mixed\n"
        "      NOT COMPARABLE: answer code(s) removed: mixed\n"
        "\n"
        "Not comparable across the two versions (do not put their answers in one trend):\n"
        "  priority_ranking: ranked positions changed (3 → 2)\n"
        "  targeting_approach: answer code(s) removed: mixed\n"
        "\n"
        "1 question(s) added, 0 removed, 2 changed, 2 not comparable.\n"
    )


def test_every_field_difference_is_reported(original: Survey) -> None:
    """Whatever differs in the model shows up: each field of a question, set to the value
    another question of the file has."""
    questions = original.questions()
    for first in questions:
        for f in dataclasses.fields(first):
            if f.name == "id":
                continue
            other = next((q for q in questions if getattr(q, f.name) != getattr(first, f.name)), None)
            if other is None:
                continue
            changed = dataclasses.replace(first, **{f.name: getattr(other, f.name)})
            sections = tuple(
                dataclasses.replace(s, questions=tuple(changed if q.id == first.id else q for q in s.questions))
                for s in original.sections
            )
            diff = diff_surveys(original, dataclasses.replace(original, sections=sections))
            assert [q.id for q in diff.questions_changed] == [first.id], (first.id, f.name)
            assert diff.questions_changed[0].changes, (first.id, f.name)


# ---- the command -------------------------------------------------------------------------


def _write(tmp_path: Path, name: str, survey: Survey) -> str:
    path = tmp_path / name
    path.write_text(to_yaml(survey), encoding="utf-8")
    return str(path)


def test_command_exit_0_when_identical(original: Survey, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = _write(tmp_path, "a.yaml", original)
    assert diff_command(argparse.Namespace(a=a, b=str(SURVEYS / "drug-market-practice.yaml"))) == 0
    assert capsys.readouterr().out.startswith("No differences")


def test_command_exit_1_with_differences(
    original: Survey, data: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data["version"] = "2026.2"
    b = _write(tmp_path, "b.yaml", build(data))
    assert diff_command(argparse.Namespace(a=str(SURVEYS / "drug-market-practice.yaml"), b=b)) == 1
    out = capsys.readouterr().out
    assert out.startswith("Comparing drug-market-practice 2026.1 → drug-market-practice 2026.2\n")


def test_command_exit_2_for_an_invalid_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text('id: demo\nversion: "1"\ntitle: Demo\nsections: []\n', encoding="utf-8")
    status = diff_command(argparse.Namespace(a=str(SURVEYS / "force-profile.yaml"), b=str(bad)))
    assert status == 2
    assert capsys.readouterr().out == (
        f'{bad}:4:11: "sections" must be a non-empty list of sections\ncannot compare: {bad} is not valid\n'
    )


def test_command_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CliError) as caught:
        diff_command(argparse.Namespace(a=str(tmp_path / "nope.yaml"), b=str(SURVEYS / "force-profile.yaml")))
    assert caught.value.status == 2
    assert caught.value.message == f"no such file: {tmp_path / 'nope.yaml'}"


# ---- on arbitrary valid definitions ---------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(definitions(), definitions())
def test_any_difference_is_reported(first: dict[str, Any], second: dict[str, Any]) -> None:
    a, b = build(first), build(second)
    assert diff_surveys(a, a).identical
    diff = diff_surveys(a, b)
    assert diff.identical == (a == b)
    assert format_diff(diff).endswith("\n")
    assert all(q.changes for q in diff.questions_changed)
