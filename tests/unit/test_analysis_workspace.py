"""The analysis workspace's pure parts: filters, figures, cross-tabs, breakdowns, quality
flags, theme counts, the query's checks and the unpublished charts; and that no partner module
imports the workspace."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import plotly.io
import pytest

from backend.analysis.workspace.breakdown import breakdown
from backend.analysis.workspace.charts import draft_chart
from backend.analysis.workspace.crosstab import crosstab
from backend.analysis.workspace.figures import percentile, question_figures
from backend.analysis.workspace.quality import (
    Correction,
    allocation_misses,
    correction_counts,
    dont_know_rates,
    straight_lines,
)
from backend.analysis.workspace.query import read_query
from backend.analysis.workspace.records import Filters, ForceRecord, apply
from backend.analysis.workspace.themes import CodedAnswer, Theme, theme_counts, theme_name_problem, uncoded
from backend.analysis.workspace.view import build
from backend.i18n import language_for
from backend.surveys import load_file

ROOT = Path(__file__).resolve().parents[2]
SURVEY = load_file(ROOT / "surveys" / "drug-market-practice.yaml").survey
assert SURVEY is not None
EN, FR = language_for("en"), language_for("fr")
ROWS = ["seized_goods", "informants", "information_leaks", "street_enforcement", "case_decisions"]


def force(i: int, region: str, force_type: str = "national", **answers: Any) -> ForceRecord:
    return ForceRecord(
        i, f"Force {i}", {"region": region, "force_type": force_type, "size_band": "under_1000"}, answers
    )


RECORDS = [
    force(
        1,
        "europe",
        has_drug_strategy="yes",
        naloxone_carried="yes",
        indicators_used=["seizures", "arrests"],
        corruption_risk=dict.fromkeys(ROWS, "high"),
        naloxone_trained_pct=10,
        effort_allocation={"possession_use": 50, "retail_dealing": 50},
    ),
    force(
        2,
        "europe",
        "city",
        has_drug_strategy="yes",
        naloxone_carried="no",
        indicators_used=["seizures"],
        corruption_risk=dict.fromkeys(ROWS, "low") | {"informants": "high"},
        naloxone_trained_pct=20,
    ),
    force(
        3,
        "africa",
        has_drug_strategy="no",
        naloxone_carried="dont_know",
        indicators_used=["violence"],
        corruption_risk={"seized_goods": "dont_know"},
        naloxone_trained_pct=40,
    ),
    force(4, "africa", "city", has_drug_strategy="yes", naloxone_carried="yes"),
    force(5, "asia_pacific", naloxone_carried="no"),
]


def test_filters_by_group_and_answers() -> None:
    assert [r.force_id for r in apply(RECORDS, Filters(("region", "europe")))] == [1, 2]
    assert [r.force_id for r in apply(RECORDS, Filters(answers=(("has_drug_strategy", "yes"),)))] == [1, 2, 4]
    both = Filters(("force_type", "national"), (("has_drug_strategy", "yes"), ("indicators_used", "arrests")))
    assert [r.force_id for r in apply(RECORDS, both)] == [1]
    assert apply(RECORDS, Filters()) == RECORDS


def test_query_refuses_what_it_does_not_know_by_field() -> None:
    ok = read_query(
        SURVEY,
        "region:europe",
        ["has_drug_strategy:yes", "has_drug_strategy:yes"],
        "size_band",
        "has_drug_strategy",
        "naloxone_carried",
    )
    assert ok.errors == {} and ok.filters.group == ("region", "europe")
    assert ok.filters.answers == (("has_drug_strategy", "yes"),) and ok.by == "size_band"
    assert ok.pair == ("has_drug_strategy", "naloxone_carried")
    assert set(read_query(SURVEY, "region").errors) == {"group"}
    assert set(read_query(SURVEY, "galaxy:x").errors) == {"group"}
    assert set(read_query(SURVEY, answer="has_drug_strategy:maybe").errors) == {"answer"}
    assert set(read_query(SURVEY, answer="naloxone_trained_pct:5").errors) == {"answer"}
    assert set(read_query(SURVEY, by="colour").errors) == {"by"}
    assert set(read_query(SURVEY, rows="has_drug_strategy").errors) == {"columns"}
    assert set(read_query(SURVEY, rows="x", columns="has_drug_strategy").errors) == {"rows"}
    same = read_query(SURVEY, rows="has_drug_strategy", columns="has_drug_strategy")
    assert set(same.errors) == {"columns"} and same.pair is None


def test_percentile_is_postgres_percentile_cont() -> None:
    assert percentile([10, 20, 40], 0.5) == 20
    assert percentile([10, 20, 40], 0.25) == 15
    assert percentile([1, 2, 3, 4], 0.75) == 3.25
    assert percentile([7], 0.25) == 7
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_figures_of_each_kind() -> None:
    yes_no = question_figures(SURVEY.question("has_drug_strategy"), RECORDS)
    assert yes_no is not None and yes_no.n == 4 and yes_no.figures == {"counts": {"yes": 3, "no": 1}}
    multi = question_figures(SURVEY.question("indicators_used"), RECORDS)
    assert (
        multi is not None and multi.n == 3 and multi.figures["counts"] == {"seizures": 2, "arrests": 1, "violence": 1}
    )
    number = question_figures(SURVEY.question("naloxone_trained_pct"), RECORDS)
    assert number is not None and number.n == 3
    assert number.figures == {"p25": 15.0, "median": 20.0, "p75": 30.0, "mean": pytest.approx(70 / 3)}
    allocation = question_figures(SURVEY.question("effort_allocation"), RECORDS)
    assert allocation is not None and allocation.n == 1 and allocation.figures["means"]["possession_use"] == 50
    matrix = question_figures(SURVEY.question("corruption_risk"), RECORDS)
    assert matrix is not None and matrix.n == 3 and matrix.figures["counts"]["informants"] == {"high": 2}
    assert question_figures(SURVEY.question("targeting_example"), RECORDS) is None


def test_crosstab_counts_row_shares_and_totals() -> None:
    t = crosstab("has_drug_strategy", ["yes", "no"], "naloxone_carried", ["yes", "no", "dont_know"], RECORDS)
    assert t.counts == ((2, 1, 0), (0, 0, 1))
    assert t.row_totals == (3, 1) and t.column_totals == (2, 1, 1) and t.total == 4  # force 5: one answer only
    assert t.row_share(0, 0) == pytest.approx(2 / 3) and t.column_share(2) == 0.25
    empty = crosstab("has_drug_strategy", ["yes"], "naloxone_carried", ["yes"], [])
    assert empty.row_share(0, 0) is None and empty.column_share(0) is None and empty.total == 0
    # multiple choice: a force counts in each option it chose, totals count forces
    multi = crosstab("indicators_used", ["seizures", "arrests"], "has_drug_strategy", ["yes", "no"], RECORDS)
    assert multi.counts == ((2, 0), (1, 0)) and multi.total == 3 and multi.column_totals == (2, 1)


def test_breakdown_by_dimension() -> None:
    closed = breakdown(SURVEY.question("has_drug_strategy"), RECORDS, "region")
    # every group with a responding force, even one whose forces skipped the question
    assert closed.groups == ("africa", "asia_pacific", "europe") and closed.table is not None
    assert closed.table.counts == ((1, 1), (0, 0), (2, 0)) and closed.table.row_totals == (2, 0, 2)
    number = breakdown(SURVEY.question("naloxone_trained_pct"), RECORDS, "force_type")
    assert number.groups == ("city", "national")
    assert [f.n if f else None for f in number.figures] == [1, 2]


def test_quality_flags() -> None:
    lines = straight_lines(SURVEY, RECORDS)
    assert [(s.question_id, s.force_id, s.code) for s in lines] == [("corruption_risk", 1, "high")]
    rates = {r.question_id: r for r in dont_know_rates(SURVEY, RECORDS)}
    assert (rates["naloxone_carried"].n, rates["naloxone_carried"].dont_know) == (5, 1)
    assert rates["naloxone_carried"].rate == 0.2
    assert (rates["corruption_risk"].n, rates["corruption_risk"].dont_know) == (3, 1)
    assert "has_drug_strategy" not in rates  # it offers no "don't know"
    events = [
        Correction("effort_allocation", 1),
        Correction("effort_allocation", 1),
        Correction("effort_allocation", 3),
    ]
    counts = {c.question_id: c for c in correction_counts(SURVEY, RECORDS, events)}
    assert (counts["effort_allocation"].forces, counts["effort_allocation"].times) == (2, 3)
    europe = correction_counts(SURVEY, RECORDS[:2], events)
    assert [(c.forces, c.times) for c in europe] == [(1, 2)]
    assert allocation_misses(SURVEY, {"effort_allocation": {"possession_use": 60}}, ["effort_allocation"]) == [
        "effort_allocation"
    ]
    assert (
        allocation_misses(
            SURVEY, {"effort_allocation": {"possession_use": 60, "retail_dealing": 40}}, ["effort_allocation"]
        )
        == []
    )
    assert allocation_misses(SURVEY, {"effort_allocation": {"possession_use": 60}}, ["has_drug_strategy"]) == []


def test_theme_counts_and_names() -> None:
    violence, health = Theme(1, "Violence"), Theme(2, "health")
    answers = [
        CodedAnswer(10, "A", {"region": "europe"}, "…", frozenset({1, 2})),
        CodedAnswer(11, "B", {"region": "africa"}, "…", frozenset({2})),
        CodedAnswer(12, "C", {"region": "africa"}, "…"),
    ]
    counts = theme_counts([violence, health], answers, "region")
    assert [(c.theme.name, c.count, dict(c.by_group)) for c in counts] == [
        ("health", 2, {"europe": 1, "africa": 1}),
        ("Violence", 1, {"europe": 1}),
    ]
    assert uncoded(answers) == 1
    assert theme_name_problem("", []) and theme_name_problem("x" * 121, [])
    assert theme_name_problem("VIOLENCE", [violence]) and theme_name_problem("Violence", [violence], renaming=1) is None


def test_unpublished_charts_say_so_in_the_readers_language() -> None:
    figures = question_figures(SURVEY.question("has_drug_strategy"), RECORDS)
    assert figures is not None
    chart = draft_chart(SURVEY.question("has_drug_strategy"), figures, SURVEY, EN, "All responding forces")
    assert chart is not None and chart.figure["layout"]["title"]["text"].startswith("Not published")
    assert "Your force" not in chart.header
    plotly.io.from_json(plotly.io.to_json(chart.figure))
    french = draft_chart(SURVEY.question("has_drug_strategy"), figures, SURVEY, FR, "Tous")
    assert french is not None and french.figure["layout"]["title"]["text"].startswith("Non publié")
    nobody = question_figures(SURVEY.question("naloxone_trained_pct"), [])
    assert nobody is not None and draft_chart(SURVEY.question("naloxone_trained_pct"), nobody, SURVEY, EN, "") is None


def test_every_question_has_a_panel_and_filters_apply_to_everything() -> None:
    view = build(
        SURVEY,
        RECORDS,
        RECORDS[:2],
        Filters(("region", "europe")),
        EN,
        "force_type",
        [],
        ("has_drug_strategy", "naloxone_carried"),
    )
    panels = {p.question.id: p for s in view.sections for p in s.panels}
    assert set(panels) == {q.id for q in SURVEY.questions() if q.collects_answer}
    assert panels["has_drug_strategy"].n == 2 and panels["has_drug_strategy"].breakdown_table is not None
    assert panels["targeting_example"].text and panels["targeting_example"].chart is None
    assert view.crosstab is not None and view.crosstab.table.total == 2
    assert view.records == 5 and view.kept == 2


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


@pytest.mark.parametrize("package", ["publication", "exchange"])
def test_partner_modules_do_not_import_the_workspace(package: str) -> None:
    """Also an import-linter contract (`partner_outputs`), which follows indirect imports."""
    for path in (ROOT / "backend" / package).rglob("*.py"):
        assert not any(m.startswith("backend.analysis.workspace") for m in _imports(path)), path


def test_a_round_without_answers_has_empty_panels() -> None:
    view = build(SURVEY, [], [], Filters(), EN, "region", [], ("has_drug_strategy", "naloxone_carried"))
    panels = [p for s in view.sections for p in s.panels]
    assert panels and all(p.n == 0 and p.chart is None and p.breakdown is None for p in panels)
    assert view.crosstab is not None and view.crosstab.table.total == 0
