"""Charts are built from disclosed aggregates only, with the viewer's own answer marked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import plotly.io

from backend.publication.basis import RoundBasis
from backend.publication.charts import OWN_COLOUR, WITHHELD, chart_for
from backend.publication.disclosure import DisclosedQuestion, disclose
from backend.publication.specs import question_spec
from backend.surveys.format.files import load_file

ALL = ("all", "all")
SURVEY = load_file(Path(__file__).resolve().parents[2] / "surveys" / "drug-market-practice.yaml").survey
assert SURVEY is not None


def disclosed_for(qid: str, answers: list[Any]) -> DisclosedQuestion:
    """The question as published from one answer per force (all forces in one group)."""
    spec = question_spec(SURVEY.question(qid), SURVEY)
    basis = RoundBasis(
        key="r1",
        label="Round",
        participants={f: {} for f in range(len(answers))},
        answers={f: {qid: a} for f, a in enumerate(answers)},
        questions={qid: spec},
    )
    return disclose(basis, [], round_id=1, version=1, min_group_size=3, breakdowns={}).round.questions[qid]


def test_categorical_marks_own_answer() -> None:
    dq = disclosed_for("has_drug_strategy", ["yes"] * 4 + ["no"] * 2)
    chart = chart_for(SURVEY.question("has_drug_strategy"), dq, dq.overall, SURVEY, "en", own="no", group_label="All")
    assert chart is not None
    bar = chart.figure["data"][0]
    assert list(bar["x"])[:2] == [66.7, 33.3]
    assert bar["marker"]["color"][1] == OWN_COLOUR and bar["marker"]["color"][0] != OWN_COLOUR
    assert chart.rows[1] == ("No", "2", "33.3%", "✔")
    plotly.io.from_json(plotly.io.to_json(chart.figure))  # a valid figure


def test_numeric_uses_quartiles_and_own_value() -> None:
    dq = disclosed_for("drug_staff_pct", [5, 5, 10, 10, 20, 20])
    chart = chart_for(SURVEY.question("drug_staff_pct"), dq, dq.overall, SURVEY, "en", own=7)
    assert chart is not None
    box, own = chart.figure["data"]
    assert list(box["median"]) == [10] and list(box["q1"]) == [6.2] and list(own["x"]) == [7]
    assert ("Your force", "7") in chart.rows


def test_other_kinds_render() -> None:
    q = SURVEY.question("effort_allocation")
    items = [i.code for i in q.settings.items]
    # two items with varied shares are shown; one that only one force uses (dominated) and the
    # ones nobody uses (every force alike) are withheld, item by item
    shares = [{items[0]: 20 + 5 * f, items[1]: 80 - 5 * f - (10 if f == 0 else 0)} for f in range(6)]
    shares[0][items[3]] = 10
    dq = disclosed_for(q.id, shares)
    chart = chart_for(q, dq, dq.overall, SURVEY, "fr", own={q.settings.items[0].code: 100})
    assert chart is not None
    assert [row[1] for row in chart.rows[:2]] == ["32.5%", "65.8%"]
    assert all(row[1] == WITHHELD for row in chart.rows[2:])
    q = SURVEY.question("priority_ranking")
    codes = [i.code for i in q.settings.items]
    rankings = [codes[f % 3 : f % 3 + 3] for f in range(6)]
    dq = disclosed_for(q.id, rankings)
    chart = chart_for(q, dq, dq.overall, SURVEY, "es", own=[i.code for i in q.settings.items[:3]])
    assert chart is not None and len(chart.figure["data"]) == 3
    q = SURVEY.question("partner_frequency")
    scale = [o.code for o in q.settings.options]
    dq = disclosed_for(q.id, [{r.code: scale[(f + i) % 3] for i, r in enumerate(q.settings.rows)} for f in range(6)])
    chart = chart_for(q, dq, dq.overall, SURVEY, "en", own={q.settings.rows[0].code: q.settings.options[0].code})
    assert chart is not None and "you:" in chart.figure["data"][0]["y"][0]


def test_withheld_group_has_no_chart() -> None:
    dq = disclosed_for("has_drug_strategy", ["yes", "no"])
    assert dq.overall is not None and dq.overall.withheld
    assert chart_for(SURVEY.question("has_drug_strategy"), dq, dq.overall, SURVEY, "en") is None


def test_chart_hints_change_the_drawing() -> None:
    from dataclasses import replace

    q = SURVEY.question("has_drug_strategy")
    dq = disclosed_for(q.id, ["yes"] * 4 + ["no"] * 2)
    stacked = chart_for(replace(q, chart="stacked"), dq, dq.overall, SURVEY, "en", own="yes")
    assert stacked is not None and len(stacked.figure["data"]) == 2  # one segment per answer
    assert stacked.figure["layout"]["barmode"] == "stack"
    assert stacked.figure["data"][0]["name"] == "Yes (your force)"
    column = chart_for(replace(q, chart="column"), dq, dq.overall, SURVEY, "en", own="yes")
    assert column is not None and "orientation" not in column.figure["data"][0]
    assert list(column.figure["data"][0]["x"]) == ["Yes", "No"]
    n = SURVEY.question("drug_staff_pct")
    dn = disclosed_for(n.id, [5, 5, 10, 10, 20, 20])
    dot = chart_for(replace(n, chart="dot"), dn, dn.overall, SURVEY, "en")
    assert dot is not None and dot.figure["data"][0]["type"] == "scatter"
    box = chart_for(replace(n, chart=None), dn, dn.overall, SURVEY, "en")
    assert box is not None and box.figure["data"][0]["type"] == "box"
