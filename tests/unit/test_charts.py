"""Charts are built from disclosed aggregates only, with the viewer's own answer marked."""

from __future__ import annotations

from pathlib import Path

import plotly.io

from backend.analysis.aggregates import RawQuestion, RawRound
from backend.publication.charts import OWN_COLOUR, chart_for
from backend.publication.disclosure import disclose
from backend.surveys.files import load_file

ALL = ("all", "all")
SURVEY = load_file(Path(__file__).resolve().parents[2] / "surveys" / "drug-market-practice.yaml").survey
assert SURVEY is not None


def disclosed_for(qid: str, kind: str, data: dict, n: int = 6):  # type: ignore[no-untyped-def,type-arg]
    q = RawQuestion(qid, kind)
    q.n = {ALL: n}
    q.data = {ALL: data}
    return disclose(RawRound(1, {ALL: n}, {qid: q}), 3, {qid}).questions[qid]


def test_categorical_marks_own_answer() -> None:
    dq = disclosed_for("has_drug_strategy", "categorical", {"counts": {"yes": 4, "no": 2}})
    chart = chart_for(SURVEY.question("has_drug_strategy"), dq, dq.overall, SURVEY, "en", own="no", group_label="All")
    assert chart is not None
    bar = chart.figure["data"][0]
    assert list(bar["x"]) == [66.7, 33.3]
    assert bar["marker"]["color"][1] == OWN_COLOUR and bar["marker"]["color"][0] != OWN_COLOUR
    assert chart.rows[1] == ("No", "2", "33.3%", "✔")
    plotly.io.from_json(plotly.io.to_json(chart.figure))  # a valid figure


def test_numeric_uses_quartiles_and_own_value() -> None:
    dq = disclosed_for("drug_staff_pct", "numeric", {"p25": 5, "median": 10, "p75": 20, "mean": 12})
    chart = chart_for(SURVEY.question("drug_staff_pct"), dq, dq.overall, SURVEY, "en", own=7)
    assert chart is not None
    box, own = chart.figure["data"]
    assert list(box["median"]) == [10] and list(own["x"]) == [7]
    assert ("Your force", "7") in chart.rows


def test_other_kinds_render() -> None:
    q = SURVEY.question("effort_allocation")
    sums = {i.code: 100.0 for i in q.items}
    dq = disclosed_for(q.id, "allocation", {"sums": sums}, n=len(q.items))
    assert chart_for(q, dq, dq.overall, SURVEY, "fr", own={q.items[0].code: 100}) is not None
    q = SURVEY.question("priority_ranking")
    dq = disclosed_for(q.id, "ranking", {"counts": {q.items[0].code: {"1": 4, "2": 2}}})
    chart = chart_for(q, dq, dq.overall, SURVEY, "es", own=[i.code for i in q.items[:3]])
    assert chart is not None and len(chart.figure["data"]) == 3
    q = SURVEY.question("partner_frequency")
    dq = disclosed_for(q.id, "matrix", {"counts": {q.rows[0].code: {q.options[0].code: 6}}})
    chart = chart_for(q, dq, dq.overall, SURVEY, "en", own={q.rows[0].code: q.options[0].code})
    assert chart is not None and "you:" in chart.figure["data"][0]["y"][0]


def test_withheld_group_has_no_chart() -> None:
    dq = disclosed_for("has_drug_strategy", "categorical", {"counts": {"yes": 2}}, n=2)
    assert dq.overall.suppressed
    assert chart_for(SURVEY.question("has_drug_strategy"), dq, dq.overall, SURVEY, "en") is None


def test_chart_hints_change_the_drawing() -> None:
    from dataclasses import replace

    q = SURVEY.question("has_drug_strategy")
    dq = disclosed_for(q.id, "categorical", {"counts": {"yes": 4, "no": 2}})
    stacked = chart_for(replace(q, chart="stacked"), dq, dq.overall, SURVEY, "en", own="yes")
    assert stacked is not None and len(stacked.figure["data"]) == 2  # one segment per answer
    assert stacked.figure["layout"]["barmode"] == "stack"
    assert stacked.figure["data"][0]["name"] == "Yes (your force)"
    column = chart_for(replace(q, chart="column"), dq, dq.overall, SURVEY, "en", own="yes")
    assert column is not None and "orientation" not in column.figure["data"][0]
    assert list(column.figure["data"][0]["x"]) == ["Yes", "No"]
    n = SURVEY.question("drug_staff_pct")
    dn = disclosed_for(n.id, "numeric", {"p25": 5, "median": 10, "p75": 20, "mean": 12})
    dot = chart_for(replace(n, chart="dot"), dn, dn.overall, SURVEY, "en")
    assert dot is not None and dot.figure["data"][0]["type"] == "scatter"
    box = chart_for(replace(n, chart=None), dn, dn.overall, SURVEY, "en")
    assert box is not None and box.figure["data"][0]["type"] == "box"
