"""Charts of disclosed aggregates: pure functions from a `DisclosedQuestion` (and the
questionnaire's labels) to a Plotly figure and the same figures as a table.

They accept only disclosure-controlled input, so nothing here can show a raw answer of
another force. The viewer's own answer is passed separately (a force may always see its own).

Two steps, so that a publication's charts are built once per group and language: `peer_chart`
(what every reader of the group sees) and `with_own` (the viewer's own answer marked, on copies:
a peer chart is never changed). `chart_for` does both.

Figures are plain dicts as plotly.js takes them (`{"data": [...], "layout": {...}}`): plotly
objects' validation and conversion cost far more than drawing the page. They carry no layout
template: the one the dashboard's charts share (plotly.py's "plotly") is set in `charts.js`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from backend.i18n import pick
from backend.publication.disclosure import DisclosedGroup, DisclosedQuestion
from backend.surveys import Question, Survey, answer_codes_with_labels

PEER_COLOUR = "#5694ca"
OWN_COLOUR = "#d4351c"
SCALE_COLOURS = ["#0b0c0c", "#505a5f", "#5694ca", "#1d70b8", "#003078", "#b1b4b6", "#f3f2f1"]
TICKS = [0, 25, 50, 75, 100]


@dataclass(frozen=True)
class Chart:
    figure: dict[str, Any]
    #: caption, header row and body rows of the accessible table that repeats the chart
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class PeerChart:
    """A chart as every reader of its group sees it, and what `with_own` needs to mark a
    viewer's own answer on it."""

    chart: Chart
    #: the builder that made it ("bars", "stacked", "numeric", "allocation", "ranking", "matrix")
    style: str
    #: the options, items or rows in the chart's order, and their labels
    codes: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    #: matrix: the scale's labels by code
    scale: Mapping[str, str] = field(default_factory=dict)


#: What a withheld figure shows: the same words wherever a figure is withheld, whatever the reason.
WITHHELD = "withheld"


def _pct(count: int, n: int) -> float:
    return round(100.0 * count / n, 1) if n else 0.0


def _cell_pct(cells: dict[str, int] | None, code: str, n: int) -> float | None:
    """Share of one code in an item's or row's counts; None when the item is withheld."""
    return None if cells is None else _pct(cells.get(code, 0), n)


def _cell_text(cells: dict[str, int] | None, code: str) -> str:
    return WITHHELD if cells is None else str(cells.get(code, 0))


def _layout(title: str, height: int, x_title: str, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "title": {"text": title, "x": 0, "font": {"size": 15}},
        "height": height,
        "margin": {"l": 10, "r": 20, "t": 50, "b": 40},
        "xaxis": {"title": {"text": x_title}, "rangemode": "tozero", "fixedrange": True},
        "yaxis": {"automargin": True, "autorange": "reversed", "fixedrange": True},
        "showlegend": False,
        "plot_bgcolor": "white",
        "font": {"family": "Arial, Helvetica, sans-serif", "size": 13},
    }
    for key, value in extra.items():
        layout[key] = {**layout[key], **value} if key in {"xaxis", "yaxis"} else value
    return layout


def _ordinal(n: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


def chart_for(
    question: Question,
    disclosed: DisclosedQuestion,
    group: DisclosedGroup,
    survey: Survey,
    lang: str,
    own: Any = None,
    group_label: str = "",
) -> Chart | None:
    """The chart of one question for one (shown) group, or None when it is withheld."""
    peer = peer_chart(question, disclosed, group, survey, lang, group_label)
    return None if peer is None else with_own(peer, own)


def peer_chart(
    question: Question, disclosed: DisclosedQuestion, group: DisclosedGroup, survey: Survey, lang: str, group_label: str
) -> PeerChart | None:
    """The chart of one question for one (shown) group as every reader sees it; None when withheld."""
    if group.withheld or group.n is None:
        return None
    n = group.n
    title = f"{group_label} (n = {n})" if group_label else f"n = {n}"
    builder = {
        "categorical": _categorical,
        "multi": _categorical,
        "numeric": _numeric,
        "allocation": _allocation,
        "ranking": _ranking,
        "matrix": _matrix,
    }[disclosed.kind]
    return builder(question, group, survey, lang, title)


def _categorical(q: Question, group: DisclosedGroup, survey: Survey, lang: str, title: str) -> PeerChart:
    n = group.n or 0
    counts = group.figures.get("counts", {})
    options = answer_codes_with_labels(q, lang, survey.default_language)
    codes = tuple(code for code, _ in options)
    labels = [label for _, label in options]
    # A withheld option (multiple choice) has no bar: None, and says so in its label.
    values = [None if counts.get(code, 0) is None else _pct(counts.get(code, 0), n) for code in codes]
    rows = tuple(
        (
            label,
            WITHHELD if value is None else str(counts.get(code, 0)),
            WITHHELD if value is None else f"{value:g}%",
            "",
        )
        for (code, label), value in zip(options, values, strict=True)
    )
    header = ("Answer", "Forces", "Share", "Your force")
    if q.chart == "stacked":
        # One bar of 100%: each answer a segment, the viewer's own answer outlined and named.
        data = [
            {
                "type": "bar",
                "x": [value],
                "y": ["All"],
                "orientation": "h",
                "name": label,
                "marker": {"color": SCALE_COLOURS[index % len(SCALE_COLOURS)], "line": {"color": "white", "width": 1}},
                "text": [WITHHELD if value is None else f"{value:g}%"],
                "textposition": "inside",
                "hovertemplate": label.replace("%", "%%") + ": %{x}% of forces<extra></extra>",
            }
            for index, ((_, label), value) in enumerate(zip(options, values, strict=True))
        ]
        layout = _layout(
            title,
            200,
            "% of forces",
            barmode="stack",
            showlegend=True,
            legend={"orientation": "h", "y": -0.5},
            yaxis={"showticklabels": False},
        )
        return PeerChart(Chart({"data": data, "layout": layout}, title, header, rows), "stacked", codes)
    texts = [
        WITHHELD if v is None else f"{v:g}% ({counts.get(code, 0)})" for code, v in zip(codes, values, strict=True)
    ]
    bar: dict[str, Any] = {
        "type": "bar",
        "marker": {"color": [PEER_COLOUR] * len(codes)},
        "text": texts,
        "textposition": "outside",
        "cliponaxis": False,
    }
    if q.chart == "column":
        bar |= {"x": labels, "y": values, "hovertemplate": "%{x}: %{y}% of forces<extra></extra>"}
        yaxis = {"title": {"text": "% of forces"}, "range": [0, 115], "autorange": False, "tickvals": TICKS}
        layout = _layout(title, 380, "", yaxis=yaxis)
    else:
        bar |= {"x": values, "y": labels, "orientation": "h", "hovertemplate": "%{y}: %{x}% of forces<extra></extra>"}
        layout = _layout(title, 90 + 34 * len(options), "% of forces", xaxis={"range": [0, 130], "tickvals": TICKS})
    return PeerChart(Chart({"data": [bar], "layout": layout}, title, header, rows), "bars", codes)


def _numeric(q: Question, group: DisclosedGroup, survey: Survey, lang: str, title: str) -> PeerChart:
    f = group.figures
    unit = pick(q.settings.unit, lang, survey.default_language)
    trace: dict[str, Any]
    if q.chart == "dot":
        trace = {
            "type": "scatter",
            "x": [f["p25"], f["median"], f["p75"]],
            "y": ["Peers"] * 3,
            "mode": "markers+text",
            "text": ["25th", "median", "75th"],
            "textposition": "bottom center",
            "marker": {"color": PEER_COLOUR, "size": [10, 16, 10]},
            "name": "Peers",
        }
    else:
        trace = {
            "type": "box",
            "q1": [f["p25"]],
            "median": [f["median"]],
            "q3": [f["p75"]],
            "lowerfence": [f["p25"]],
            "upperfence": [f["p75"]],
            "y": ["Peers"],
            "orientation": "h",
            "marker": {"color": PEER_COLOUR},
            "name": "Peers",
            "hovertemplate": "25th: %{q1}<br>median: %{median}<br>75th: %{q3}<extra></extra>",
        }
    rows: tuple[tuple[str, str], ...] = (
        ("25th percentile", f"{f['p25']:g}"),
        ("Median", f"{f['median']:g}"),
        ("75th percentile", f"{f['p75']:g}"),
    )
    figure = {"data": [trace], "layout": _layout(title, 220, unit or "value")}
    return PeerChart(Chart(figure, title, ("Measure", unit or "Value"), rows), "numeric")


def _allocation(q: Question, group: DisclosedGroup, survey: Survey, lang: str, title: str) -> PeerChart:
    means = group.figures.get("means", {})
    items = [(i.code, pick(i.label, lang, survey.default_language)) for i in q.settings.items]
    labels = [label for _, label in items]
    bar = {
        "type": "bar",
        "x": [means.get(code) for code, _ in items],
        "y": labels,
        "orientation": "h",
        "marker": {"color": PEER_COLOUR},
        "name": "Peer average",
        "hovertemplate": "%{y}: %{x}% on average<extra></extra>",
    }
    rows = tuple((label, WITHHELD if means.get(code) is None else f"{means[code]:g}%", "") for code, label in items)
    figure = {"data": [bar], "layout": _layout(title, 90 + 36 * len(items), "average share of effort (%)")}
    chart = Chart(figure, title, ("Item", "Peer average", "Your force"), rows)
    return PeerChart(chart, "allocation", tuple(code for code, _ in items), tuple(labels))


def _stacked_layout(title: str, height: int, legend_y: float) -> dict[str, Any]:
    legend = {"orientation": "h", "y": legend_y}
    return _layout(title, height, "% of forces", barmode="stack", showlegend=True, legend=legend)


def _ranking(q: Question, group: DisclosedGroup, survey: Survey, lang: str, title: str) -> PeerChart:
    n = group.n or 0
    counts = group.figures.get("counts", {})
    positions = q.settings.top or len(q.settings.items)
    items = [(i.code, pick(i.label, lang, survey.default_language)) for i in q.settings.items]
    labels = [label for _, label in items]
    data = [
        {
            "type": "bar",
            "x": [_cell_pct(counts.get(code, {}), str(pos), n) for code, _ in items],
            "y": labels,
            "orientation": "h",
            "name": f"ranked {_ordinal(pos)}",
            "marker": {"color": SCALE_COLOURS[(pos - 1) % len(SCALE_COLOURS)]},
            "hovertemplate": "%{y}: %{x}% ranked it " + _ordinal(pos) + "<extra></extra>",
        }
        for pos in range(1, positions + 1)
    ]
    header = ("Item", *(f"Ranked {_ordinal(p)}" for p in range(1, positions + 1)), "Your force")
    rows = tuple(
        (label, *(_cell_text(counts.get(code, {}), str(p)) for p in range(1, positions + 1)), "")
        for code, label in items
    )
    figure = {"data": data, "layout": _stacked_layout(title, 110 + 36 * len(items), -0.25)}
    return PeerChart(Chart(figure, title, header, rows), "ranking", tuple(code for code, _ in items), tuple(labels))


def _matrix(q: Question, group: DisclosedGroup, survey: Survey, lang: str, title: str) -> PeerChart:
    n = group.n or 0
    counts = group.figures.get("counts", {})
    scale = answer_codes_with_labels(q, lang, survey.default_language)
    rows_def = [(r.code, pick(r.label, lang, survey.default_language)) for r in q.settings.rows]
    labels = [label for _, label in rows_def]
    data = [
        {
            "type": "bar",
            "x": [_cell_pct(counts.get(row, {}), code, n) for row, _ in rows_def],
            "y": labels,
            "orientation": "h",
            "name": label,
            "marker": {"color": SCALE_COLOURS[index % len(SCALE_COLOURS)]},
            "hovertemplate": "%{y}: %{x}% " + label.replace("%", "%%") + "<extra></extra>",
        }
        for index, (code, label) in enumerate(scale)
    ]
    header = ("Row", *(label for _, label in scale), "Your force")
    rows = tuple((label, *(_cell_text(counts.get(row, {}), code) for code, _ in scale), "") for row, label in rows_def)
    figure = {"data": data, "layout": _stacked_layout(title, 120 + 40 * len(rows_def), -0.3)}
    chart = Chart(figure, title, header, rows)
    return PeerChart(chart, "matrix", tuple(row for row, _ in rows_def), tuple(labels), dict(scale))


def with_own(peer: PeerChart, own: Any) -> Chart:
    """The peer chart with the viewer's own answer marked (None or {}: nothing to mark)."""
    marker = _MARKERS[peer.style]
    return marker(peer, own) if own is not None else peer.chart


def _with(chart: Chart, data: list[dict[str, Any]], rows: list[tuple[str, ...]]) -> Chart:
    return replace(chart, figure={"data": data, "layout": chart.figure["layout"]}, rows=tuple(rows))


def _mark_answers(peer: PeerChart, own: Any) -> Chart:
    """Choices: the viewer's answers red (bars) or outlined and named (segments), and ticked."""
    own_codes = set(own) if isinstance(own, list) else {own}
    mine = {i for i, code in enumerate(peer.codes) if code in own_codes}
    if not mine:
        return peer.chart
    data = list(peer.chart.figure["data"])
    rows = [(*row[:3], "✔") if i in mine else row for i, row in enumerate(peer.chart.rows)]
    if peer.style == "stacked":
        for i in mine:
            marker = {**data[i]["marker"], "line": {"color": OWN_COLOUR, "width": 4}}
            data[i] = {**data[i], "name": data[i]["name"] + " (your force)", "marker": marker}
    else:
        bar = data[0]
        colours = [OWN_COLOUR if i in mine else c for i, c in enumerate(bar["marker"]["color"])]
        texts = [t + "  ◀ your force" if i in mine else t for i, t in enumerate(bar["text"])]
        data = [{**bar, "marker": {**bar["marker"], "color": colours}, "text": texts}]
    return _with(peer.chart, data, rows)


def _mark_numeric(peer: PeerChart, own: Any) -> Chart:
    if not isinstance(own, int | float):
        return peer.chart
    point = {
        "type": "scatter",
        "x": [own],
        "y": ["Peers"],
        "mode": "markers+text",
        "text": ["your force"],
        "textposition": "top center",
        "marker": {"color": OWN_COLOUR, "size": 14, "symbol": "diamond"},
    }
    return _with(peer.chart, [*peer.chart.figure["data"], point], [*peer.chart.rows, ("Your force", f"{own:g}")])


def _mark_allocation(peer: PeerChart, own: Any) -> Chart:
    if not isinstance(own, dict) or not own:
        return peer.chart
    points = {
        "type": "scatter",
        "x": [own.get(code, 0) for code in peer.codes],
        "y": list(peer.labels),
        "mode": "markers",
        "name": "Your force",
        "marker": {"color": OWN_COLOUR, "size": 13, "symbol": "diamond"},
    }
    rows = [
        (*row[:2], f"{own[code]:g}%" if code in own else "")
        for code, row in zip(peer.codes, peer.chart.rows, strict=True)
    ]
    return _with(peer.chart, [*peer.chart.figure["data"], points], rows)


def _mark_rows(peer: PeerChart, says: Mapping[str, str], column: Mapping[str, str]) -> Chart:
    """Ranking and matrix: each item or row the viewer answered says so in the chart's label
    (`says`) and in the table's last column (`column`)."""
    if not says:
        return peer.chart
    labels = [
        label + (f"  (you: {says[code]})" if code in says else "")
        for code, label in zip(peer.codes, peer.labels, strict=True)
    ]
    data = [{**trace, "y": labels} for trace in peer.chart.figure["data"]]
    rows = [(*row[:-1], column.get(code, "")) for code, row in zip(peer.codes, peer.chart.rows, strict=True)]
    return _with(peer.chart, data, rows)


def _mark_ranking(peer: PeerChart, own: Any) -> Chart:
    ranks = {code: _ordinal(i + 1) for i, code in enumerate(own)} if isinstance(own, list) else {}
    return _mark_rows(peer, ranks, ranks)


def _mark_matrix(peer: PeerChart, own: Any) -> Chart:
    own_map = own if isinstance(own, dict) else {}
    says = {row: peer.scale.get(code, code) for row, code in own_map.items()}
    return _mark_rows(peer, says, {row: peer.scale.get(code, "") for row, code in own_map.items()})


_MARKERS = {
    "bars": _mark_answers,
    "stacked": _mark_answers,
    "numeric": _mark_numeric,
    "allocation": _mark_allocation,
    "ranking": _mark_ranking,
    "matrix": _mark_matrix,
}
