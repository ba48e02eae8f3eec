"""Charts are built from disclosed aggregates only, with the viewer's own answer marked."""

from __future__ import annotations

import json
import random
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import plotly.io

from backend.i18n import language_for
from backend.publication.basis import RoundBasis
from backend.publication.charts import (
    OWN_COLOUR,
    chart_for,
    number,
    ordinal,
    peer_chart,
    separators,
    share,
    with_own,
)
from backend.publication.disclosure import DisclosedQuestion, disclose
from backend.publication.specs import question_spec
from backend.surveys.format.files import load_file

ALL = ("all", "all")
EN, FR, ES = language_for("en"), language_for("fr"), language_for("es")
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
    chart = chart_for(SURVEY.question("has_drug_strategy"), dq, dq.overall, SURVEY, EN, own="no", group_label="All")
    assert chart is not None
    bar = chart.figure["data"][0]
    assert list(bar["x"])[:2] == [66.7, 33.3]
    assert bar["marker"]["color"][1] == OWN_COLOUR and bar["marker"]["color"][0] != OWN_COLOUR
    assert chart.rows[1] == ("No", "2", "33.3%", "✔")
    plotly.io.from_json(plotly.io.to_json(chart.figure))  # a valid figure


def test_numeric_uses_quartiles_and_own_value() -> None:
    dq = disclosed_for("drug_staff_pct", [5, 5, 10, 10, 20, 20])
    chart = chart_for(SURVEY.question("drug_staff_pct"), dq, dq.overall, SURVEY, EN, own=7)
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
    chart = chart_for(q, dq, dq.overall, SURVEY, FR, own={q.settings.items[0].code: 100})
    assert chart is not None
    assert [row[1] for row in chart.rows[:2]] == ["32,5\u00a0%", "65,8\u00a0%"]  # as French writes them
    assert all(row[1] == "masqué" for row in chart.rows[2:])  # WITHHELD, in French
    q = SURVEY.question("priority_ranking")
    codes = [i.code for i in q.settings.items]
    rankings = [codes[f % 3 : f % 3 + 3] for f in range(6)]
    dq = disclosed_for(q.id, rankings)
    chart = chart_for(q, dq, dq.overall, SURVEY, ES, own=[i.code for i in q.settings.items[:3]])
    assert chart is not None and len(chart.figure["data"]) == 3
    q = SURVEY.question("partner_frequency")
    scale = [o.code for o in q.settings.options]
    dq = disclosed_for(q.id, [{r.code: scale[(f + i) % 3] for i, r in enumerate(q.settings.rows)} for f in range(6)])
    chart = chart_for(q, dq, dq.overall, SURVEY, EN, own={q.settings.rows[0].code: q.settings.options[0].code})
    assert chart is not None and "you:" in chart.figure["data"][0]["y"][0]


def test_withheld_group_has_no_chart() -> None:
    dq = disclosed_for("has_drug_strategy", ["yes", "no"])
    assert dq.overall is not None and dq.overall.withheld
    assert chart_for(SURVEY.question("has_drug_strategy"), dq, dq.overall, SURVEY, EN) is None


def test_chart_hints_change_the_drawing() -> None:
    from dataclasses import replace

    q = SURVEY.question("has_drug_strategy")
    dq = disclosed_for(q.id, ["yes"] * 4 + ["no"] * 2)
    stacked = chart_for(replace(q, chart="stacked"), dq, dq.overall, SURVEY, EN, own="yes")
    assert stacked is not None and len(stacked.figure["data"]) == 2  # one segment per answer
    assert stacked.figure["layout"]["barmode"] == "stack"
    assert stacked.figure["data"][0]["name"] == "Yes (your force)"
    column = chart_for(replace(q, chart="column"), dq, dq.overall, SURVEY, EN, own="yes")
    assert column is not None and "orientation" not in column.figure["data"][0]
    assert list(column.figure["data"][0]["x"]) == ["Yes", "No"]
    n = SURVEY.question("drug_staff_pct")
    dn = disclosed_for(n.id, [5, 5, 10, 10, 20, 20])
    dot = chart_for(replace(n, chart="dot"), dn, dn.overall, SURVEY, EN)
    assert dot is not None and dot.figure["data"][0]["type"] == "scatter"
    box = chart_for(replace(n, chart=None), dn, dn.overall, SURVEY, EN)
    assert box is not None and box.figure["data"][0]["type"] == "box"


def every_kind() -> list[tuple[Any, DisclosedQuestion, Any]]:
    """(question, its disclosed figures, an own answer) for each kind of chart and drawing hint."""
    from dataclasses import replace

    q = SURVEY.question("has_drug_strategy")
    categorical = disclosed_for(q.id, ["yes"] * 4 + ["no"] * 2)
    n = SURVEY.question("drug_staff_pct")
    numeric = disclosed_for(n.id, [5, 5, 10, 10, 20, 20])
    a = SURVEY.question("effort_allocation")
    items = [i.code for i in a.settings.items]
    shares = [{items[0]: 20 + 5 * f, items[1]: 80 - 5 * f} for f in range(6)]
    r = SURVEY.question("priority_ranking")
    codes = [i.code for i in r.settings.items]
    m = SURVEY.question("partner_frequency")
    scale = [o.code for o in m.settings.options]
    matrix = [{row.code: scale[(f + i) % 3] for i, row in enumerate(m.settings.rows)} for f in range(6)]
    return [
        (q, categorical, "yes"),
        (replace(q, chart="stacked"), categorical, "no"),
        (replace(q, chart="column"), categorical, "yes"),
        (n, numeric, 7),
        (replace(n, chart="dot"), numeric, 7),
        (a, disclosed_for(a.id, shares), shares[0]),
        (r, disclosed_for(r.id, [codes[f % 3 : f % 3 + 3] for f in range(6)]), codes[:3]),
        (m, disclosed_for(m.id, matrix), matrix[0]),
    ]


def test_figures_are_valid_plotly_with_the_shared_template() -> None:
    """Plain dicts, checked against plotly's own schema, with the template charts.js sets."""
    import plotly.graph_objects as go

    template = plotly.io.templates["plotly"].to_plotly_json()
    for q, dq, own in every_kind():
        for mine in (None, own):
            chart = chart_for(q, dq, dq.overall, SURVEY, EN, own=mine, group_label="All")
            assert chart is not None and "template" not in chart.figure["layout"]
            go.Figure({**chart.figure, "layout": {**chart.figure["layout"], "template": template}})


def test_charts_js_sets_plotlys_template() -> None:
    js = (Path(__file__).resolve().parents[2] / "frontend" / "static" / "js" / "charts.js").read_text()
    found = re.search(r"var TEMPLATE = (\{.*\});\n", js)
    assert found, "charts.js sets no TEMPLATE"
    assert json.loads(found.group(1)) == plotly.io.templates["plotly"].to_plotly_json()


def test_own_answer_is_marked_on_a_copy() -> None:
    """A peer chart is built once and shared by every viewer: marking one viewer's answer
    changes nothing another viewer gets."""
    for q, dq, own in every_kind():
        peer = peer_chart(q, dq, dq.overall, SURVEY, EN, "All")
        assert peer is not None
        before = json.dumps([peer.chart.figure, peer.chart.rows])
        marked = with_own(peer, own)
        assert marked != peer.chart, q.id  # the marker is there…
        assert json.dumps([peer.chart.figure, peer.chart.rows]) == before  # …and only on the copy
        assert with_own(peer, None) == peer.chart


def test_dashboard_keeps_peer_charts_per_publication_and_marks_each_viewer() -> None:
    """A publication's peer charts are built once per group and language; each viewer's own
    answers are marked on what they get, and are the same as when nothing is kept."""
    from backend.demo.answers import random_answers
    from backend.publication import dashboard
    from backend.publication.specs import published_specs

    rng = random.Random(3)
    answers = {f: random_answers(SURVEY, rng) for f in range(12)}
    specs = published_specs(SURVEY)
    basis = RoundBasis(
        key="r1",
        label="Round",
        participants={f: {} for f in answers},
        answers={f: {qid: a[qid] for qid in specs if qid in a} for f, a in answers.items()},
        questions=specs,
    )
    disclosed = disclose(basis, [], round_id=1, version=1, min_group_size=3, breakdowns={}).round
    key = ("publication", 1)
    first = dashboard.build_panels(SURVEY, disclosed, ALL, answers[0], EN, key)
    kept = dashboard._CACHE[(key, ALL, "en")]
    second = dashboard.build_panels(SURVEY, disclosed, ALL, answers[1], EN, key)
    assert dashboard._CACHE[(key, ALL, "en")] is kept  # built once
    for own, panels in ((answers[0], first), (answers[1], second)):
        assert panels == dashboard.build_panels(SURVEY, disclosed, ALL, own, EN)  # as if built afresh
    charts = [p.chart for s in first for p in s.panels if p.chart is not None]
    assert any("your force" in json.dumps(c.figure) or "✔" in json.dumps(c.rows) for c in charts)
    assert first != second


# -- the reader's language (issue 9) ------------------------------------------------------------


def test_categorical_chart_speaks_french_and_spanish() -> None:
    """Title, axis, table headers, hover text and the own-answer marks in the reader's language;
    answers in the questionnaire's words for it; shares written as the language writes them."""
    q = SURVEY.question("has_drug_strategy")
    dq = disclosed_for(q.id, ["yes"] * 4 + ["no"] * 2)
    group = language_for("fr").gettext("All partner forces")
    french = chart_for(q, dq, dq.overall, SURVEY, FR, own="no", group_label=group)
    assert french is not None
    layout, bar = french.figure["layout"], french.figure["data"][0]
    assert layout["title"]["text"] == "Toutes les organisations partenaires (n = 6)"
    assert layout["xaxis"]["title"]["text"] == "% des organisations"
    assert layout["separators"] == ",\u202f"  # plotly.js's decimal and thousands symbols
    assert french.header == ("Réponse", "Organisations", "Proportion", "Votre organisation")
    assert french.rows[1] == ("Non", "2", "33,3\u00a0%", "✔")
    assert bar["customdata"][0] == "Oui\u00a0: 66,7\u00a0% des organisations"
    assert bar["text"][1] == "33,3\u00a0% (2)  ◀ votre organisation"
    spanish = chart_for(q, dq, dq.overall, SURVEY, ES, own="yes", group_label="Europa")
    assert spanish is not None
    assert spanish.figure["layout"]["title"]["text"] == "Europa (n = 6)"
    assert spanish.figure["layout"]["separators"] == ",."
    assert spanish.header[-1] == "Su institución"
    assert spanish.rows[0][:3] == ("Sí", "4", "66,7\u00a0%")
    stacked = chart_for(replace(q, chart="stacked"), dq, dq.overall, SURVEY, ES, own="yes")
    assert stacked is not None and stacked.figure["data"][0]["name"] == "Sí (su institución)"


def test_numeric_and_ranking_charts_in_french() -> None:
    n = SURVEY.question("drug_staff_pct")
    dn = disclosed_for(n.id, [5, 5, 10, 10, 20, 20])
    chart = chart_for(n, dn, dn.overall, SURVEY, FR, own=7.5)
    assert chart is not None
    assert chart.header[0] == "Mesure"
    assert chart.rows[0] == ("25e centile", "6,2")
    assert chart.rows[-1] == ("Votre organisation", "7,5")
    box, own = chart.figure["data"]
    assert box["name"] == "Pairs" and "médiane\u00a0: 10" in box["hovertemplate"]
    assert own["text"] == ["votre organisation"]
    r = SURVEY.question("priority_ranking")
    codes = [i.code for i in r.settings.items]
    dr = disclosed_for(r.id, [codes[f % 3 : f % 3 + 3] for f in range(6)])
    ranking = chart_for(r, dr, dr.overall, SURVEY, FR, own=codes[:3])
    assert ranking is not None
    assert [t["name"] for t in ranking.figure["data"]] == ["classé 1er", "classé 2e", "classé 3e"]
    assert ranking.header[1:3] == ("Classé 1er", "Classé 2e")
    assert "(vous\u00a0: 1er)" in ranking.figure["data"][0]["y"][0]
    spanish = chart_for(r, dr, dr.overall, SURVEY, ES, own=codes[:3])
    assert spanish is not None and spanish.header[1] == "En 1.º lugar"
    assert ordinal(EN, 1) == "1st" and ordinal(EN, 22) == "22nd" and ordinal(EN, 13) == "13th"


def test_every_chart_has_no_english_words_in_french() -> None:
    """Every kind's figure and table, in French, holds none of the English words of the charts'
    messages (titles, axes, legends, hover text, headers)."""
    english = {"forces", "force", "average", "ranked", "median", "percentile", "your", "withheld", "share", "peers"}
    shown = {"text", "name", "customdata", "hovertemplate", "x", "y"}  # what plotly.js writes on the page

    def texts(value: Any, key: str = "") -> list[str]:
        if isinstance(value, dict):
            return [t for k, v in value.items() for t in texts(v, k)]
        if isinstance(value, list | tuple):
            return [t for v in value for t in texts(v, key)]
        return [value] if isinstance(value, str) and key in shown else []

    for q, dq, own in every_kind():
        chart = chart_for(q, dq, dq.overall, SURVEY, FR, own=own, group_label="Europe")
        assert chart is not None
        words = set(
            re.findall(r"[a-z]+", " ".join([*texts(chart.figure), *chart.header, *sum(chart.rows, ())]).lower())
        )
        assert not english & words, (q.id, english & words)


def test_numbers_and_shares_as_each_language_writes_them() -> None:
    assert share(EN, 66.7) == "66.7%" and share(FR, 66.7) == "66,7\u00a0%" and share(ES, 50.0) == "50\u00a0%"
    assert number(FR, 1500) == "1\u202f500" and number(ES, 1500) == "1.500" and number(EN, 6.25) == "6.25"
    assert separators(EN) == ".,"


def test_the_dashboard_keeps_a_publication_per_language() -> None:
    from backend.publication import dashboard

    q = SURVEY.question("has_drug_strategy")
    answers = ["yes"] * 4 + ["no"] * 2
    spec = question_spec(q, SURVEY)
    basis = RoundBasis(
        key="r1",
        label="Round",
        participants={f: {} for f in range(6)},
        answers={f: {q.id: a} for f, a in enumerate(answers)},
        questions={q.id: spec},
    )
    disclosed = disclose(basis, [], round_id=1, version=1, min_group_size=3, breakdowns={}).round
    key = ("publication", "languages")
    french = dashboard.build_panels(SURVEY, disclosed, ALL, {}, FR, key)
    spanish = dashboard.build_panels(SURVEY, disclosed, ALL, {}, ES, key)
    assert (key, ALL, "fr") in dashboard._CACHE and (key, ALL, "es") in dashboard._CACHE
    fr_panel, es_panel = french[0].panels[0], spanish[0].panels[0]
    assert fr_panel.chart is not None and es_panel.chart is not None
    assert fr_panel.chart.caption.startswith("Toutes les organisations partenaires")
    assert es_panel.chart.caption.startswith("Todas las instituciones asociadas")
    assert fr_panel.label.lang == "fr" and not fr_panel.label.fell_back
    # a language the questionnaire lacks: its words in the default language, and said so
    german = dashboard.build_panels(SURVEY, disclosed, ALL, {}, language_for("de"), key)
    assert german[0].panels[0].label.fell_back and german[0].panels[0].label.lang == "en"
    assert german[0].title.fell_back and german[0].title.lang == "en"
    choices = dashboard.group_choices({"region": "europe", "size_band": "under_1000"}, False, disclosed, FR)
    assert [c.label for c in choices] == [
        "Toutes les organisations partenaires",
        "Ma région\u00a0: Europe",
        "Ma taille\u00a0: Moins de 1\u202f000 agents",
    ]
