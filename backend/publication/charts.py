"""Charts of disclosed aggregates: pure functions from a `DisclosedQuestion` (and the
questionnaire's labels) to a Plotly figure and the same figures as a table.

They accept only disclosure-controlled input, so nothing here can show a raw answer of
another force. The viewer's own answer is passed separately (a force may always see its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from backend.i18n import pick
from backend.publication.disclosure import DisclosedGroup, DisclosedQuestion
from backend.surveys import Question, Survey, answer_codes_with_labels

PEER_COLOUR = "#5694ca"
OWN_COLOUR = "#d4351c"
SCALE_COLOURS = ["#0b0c0c", "#505a5f", "#5694ca", "#1d70b8", "#003078", "#b1b4b6", "#f3f2f1"]


@dataclass(frozen=True)
class Chart:
    figure: dict[str, Any]
    #: caption, header row and body rows of the accessible table that repeats the chart
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


#: What a withheld figure shows: the same words wherever a figure is withheld, whatever the reason.
WITHHELD = "withheld"


def _pct(count: int, n: int) -> float:
    return round(100.0 * count / n, 1) if n else 0.0


def _cell_pct(cells: dict[str, int] | None, code: str, n: int) -> float | None:
    """Share of one code in an item's or row's counts; None when the item is withheld."""
    return None if cells is None else _pct(cells.get(code, 0), n)


def _cell_text(cells: dict[str, int] | None, code: str) -> str:
    return WITHHELD if cells is None else str(cells.get(code, 0))


def _layout(fig: go.Figure, title: str, height: int, x_title: str) -> None:
    fig.update_layout(
        title={"text": title, "x": 0, "font": {"size": 15}},
        height=height,
        margin={"l": 10, "r": 20, "t": 50, "b": 40},
        xaxis={"title": x_title, "rangemode": "tozero", "fixedrange": True},
        yaxis={"automargin": True, "autorange": "reversed", "fixedrange": True},
        showlegend=False,
        plot_bgcolor="white",
        font={"family": "Arial, Helvetica, sans-serif", "size": 13},
    )


def _figure_json(fig: go.Figure) -> dict[str, Any]:
    return fig.to_plotly_json()  # type: ignore[no-any-return]


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
    return builder(question, group, survey, lang, own, title)


def _categorical(q: Question, group: DisclosedGroup, survey: Survey, lang: str, own: Any, title: str) -> Chart:
    n = group.n or 0
    counts = group.figures.get("counts", {})
    options = answer_codes_with_labels(q, lang, survey.default_language)
    own_codes = set(own) if isinstance(own, list) else ({own} if own is not None else set())
    labels = [label for _, label in options]
    # A withheld option (multiple choice) has no bar: None, and says so in its label.
    values = [None if counts.get(code, 0) is None else _pct(counts.get(code, 0), n) for code, _ in options]
    colours = [OWN_COLOUR if code in own_codes else PEER_COLOUR for code, _ in options]
    texts = [
        (WITHHELD if v is None else f"{v:g}% ({counts.get(code, 0)})") + ("  ◀ your force" if code in own_codes else "")
        for (code, _), v in zip(options, values, strict=True)
    ]
    if q.chart == "stacked":
        # One bar of 100%: each answer a segment, the viewer's own answer outlined and named.
        fig = go.Figure()
        for index, ((code, label), value) in enumerate(zip(options, values, strict=True)):
            mine = code in own_codes
            fig.add_trace(
                go.Bar(
                    x=[value],
                    y=["All"],
                    orientation="h",
                    name=label + (" (your force)" if mine else ""),
                    marker={
                        "color": SCALE_COLOURS[index % len(SCALE_COLOURS)],
                        "line": {"color": OWN_COLOUR if mine else "white", "width": 4 if mine else 1},
                    },
                    text=[WITHHELD if value is None else f"{value:g}%"],
                    textposition="inside",
                    hovertemplate=label.replace("%", "%%") + ": %{x}% of forces<extra></extra>",
                )
            )
        _layout(fig, title, 200, "% of forces")
        fig.update_layout(barmode="stack", showlegend=True, legend={"orientation": "h", "y": -0.5})
        fig.update_yaxes(showticklabels=False)
    elif q.chart == "column":
        fig = go.Figure(
            go.Bar(
                x=labels,
                y=values,
                marker_color=colours,
                text=texts,
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{x}: %{y}% of forces<extra></extra>",
            )
        )
        _layout(fig, title, 380, "")
        fig.update_layout(
            yaxis={"title": "% of forces", "range": [0, 115], "autorange": False, "tickvals": [0, 25, 50, 75, 100]}
        )
    else:
        fig = go.Figure(
            go.Bar(
                x=values,
                y=labels,
                orientation="h",
                marker_color=colours,
                text=texts,
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: %{x}% of forces<extra></extra>",
            )
        )
        _layout(fig, title, 90 + 34 * len(options), "% of forces")
        fig.update_xaxes(range=[0, 130], tickvals=[0, 25, 50, 75, 100])
    rows = tuple(
        (
            label,
            WITHHELD if value is None else str(counts.get(code, 0)),
            WITHHELD if value is None else f"{value:g}%",
            "✔" if code in own_codes else "",
        )
        for (code, label), value in zip(options, values, strict=True)
    )
    return Chart(_figure_json(fig), title, ("Answer", "Forces", "Share", "Your force"), rows)


def _numeric(q: Question, group: DisclosedGroup, survey: Survey, lang: str, own: Any, title: str) -> Chart:
    f = group.figures
    unit = pick(q.settings.unit, lang, survey.default_language)
    if q.chart == "dot":
        fig = go.Figure(
            go.Scatter(
                x=[f["p25"], f["median"], f["p75"]],
                y=["Peers"] * 3,
                mode="markers+text",
                text=["25th", "median", "75th"],
                textposition="bottom center",
                marker={"color": PEER_COLOUR, "size": [10, 16, 10]},
                name="Peers",
            )
        )
    else:
        fig = go.Figure(
            go.Box(
                q1=[f["p25"]],
                median=[f["median"]],
                q3=[f["p75"]],
                lowerfence=[f["p25"]],
                upperfence=[f["p75"]],
                y=["Peers"],
                orientation="h",
                marker_color=PEER_COLOUR,
                name="Peers",
                hovertemplate="25th: %{q1}<br>median: %{median}<br>75th: %{q3}<extra></extra>",
            )
        )
    if isinstance(own, int | float):
        fig.add_trace(
            go.Scatter(
                x=[own],
                y=["Peers"],
                mode="markers+text",
                text=["your force"],
                textposition="top center",
                marker={"color": OWN_COLOUR, "size": 14, "symbol": "diamond"},
            )
        )
    _layout(fig, title, 220, unit or "value")
    rows: tuple[tuple[str, str], ...] = (
        ("25th percentile", f"{f['p25']:g}"),
        ("Median", f"{f['median']:g}"),
        ("75th percentile", f"{f['p75']:g}"),
    )
    if isinstance(own, int | float):
        rows = (*rows, ("Your force", f"{own:g}"))
    return Chart(_figure_json(fig), title, ("Measure", unit or "Value"), rows)


def _allocation(q: Question, group: DisclosedGroup, survey: Survey, lang: str, own: Any, title: str) -> Chart:
    means = group.figures.get("means", {})
    items = [(i.code, pick(i.label, lang, survey.default_language)) for i in q.settings.items]
    labels = [label for _, label in items]
    fig = go.Figure(
        go.Bar(
            x=[means.get(code) for code, _ in items],
            y=labels,
            orientation="h",
            marker_color=PEER_COLOUR,
            name="Peer average",
            hovertemplate="%{y}: %{x}% on average<extra></extra>",
        )
    )
    own_map = own if isinstance(own, dict) else {}
    if own_map:
        fig.add_trace(
            go.Scatter(
                x=[own_map.get(code, 0) for code, _ in items],
                y=labels,
                mode="markers",
                name="Your force",
                marker={"color": OWN_COLOUR, "size": 13, "symbol": "diamond"},
            )
        )
    _layout(fig, title, 90 + 36 * len(items), "average share of effort (%)")
    rows = tuple(
        (
            label,
            WITHHELD if means.get(code) is None else f"{means[code]:g}%",
            f"{own_map[code]:g}%" if code in own_map else "",
        )
        for code, label in items
    )
    return Chart(_figure_json(fig), title, ("Item", "Peer average", "Your force"), rows)


def _ordinal(n: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


def _ranking(q: Question, group: DisclosedGroup, survey: Survey, lang: str, own: Any, title: str) -> Chart:
    n = group.n or 0
    counts = group.figures.get("counts", {})
    positions = q.settings.top or len(q.settings.items)
    items = [(i.code, pick(i.label, lang, survey.default_language)) for i in q.settings.items]
    own_rank = {code: i + 1 for i, code in enumerate(own)} if isinstance(own, list) else {}
    labels = [label + (f"  (you: {_ordinal(own_rank[code])})" if code in own_rank else "") for code, label in items]
    fig = go.Figure()
    for pos in range(1, positions + 1):
        fig.add_trace(
            go.Bar(
                x=[_cell_pct(counts.get(code, {}), str(pos), n) for code, _ in items],
                y=labels,
                orientation="h",
                name=f"ranked {_ordinal(pos)}",
                marker_color=SCALE_COLOURS[(pos - 1) % len(SCALE_COLOURS)],
                hovertemplate="%{y}: %{x}% ranked it " + _ordinal(pos) + "<extra></extra>",
            )
        )
    _layout(fig, title, 110 + 36 * len(items), "% of forces")
    fig.update_layout(barmode="stack", showlegend=True, legend={"orientation": "h", "y": -0.25})
    header = ("Item", *(f"Ranked {_ordinal(p)}" for p in range(1, positions + 1)), "Your force")
    rows = tuple(
        (
            label,
            *(_cell_text(counts.get(code, {}), str(p)) for p in range(1, positions + 1)),
            _ordinal(own_rank[code]) if code in own_rank else "",
        )
        for code, label in items
    )
    return Chart(_figure_json(fig), title, header, rows)


def _matrix(q: Question, group: DisclosedGroup, survey: Survey, lang: str, own: Any, title: str) -> Chart:
    n = group.n or 0
    counts = group.figures.get("counts", {})
    scale = answer_codes_with_labels(q, lang, survey.default_language)
    own_map = own if isinstance(own, dict) else {}
    scale_labels = dict(scale)
    rows_def = [(r.code, pick(r.label, lang, survey.default_language)) for r in q.settings.rows]
    labels = [
        label + (f"  (you: {scale_labels.get(own_map[code], own_map[code])})" if code in own_map else "")
        for code, label in rows_def
    ]
    fig = go.Figure()
    for index, (code, label) in enumerate(scale):
        fig.add_trace(
            go.Bar(
                x=[_cell_pct(counts.get(row, {}), code, n) for row, _ in rows_def],
                y=labels,
                orientation="h",
                name=label,
                marker_color=SCALE_COLOURS[index % len(SCALE_COLOURS)],
                hovertemplate="%{y}: %{x}% " + label.replace("%", "%%") + "<extra></extra>",
            )
        )
    _layout(fig, title, 120 + 40 * len(rows_def), "% of forces")
    fig.update_layout(barmode="stack", showlegend=True, legend={"orientation": "h", "y": -0.3})
    header = ("Row", *(label for _, label in scale), "Your force")
    rows = tuple(
        (
            label,
            *(_cell_text(counts.get(row, {}), code) for code, _ in scale),
            scale_labels.get(own_map[row], "") if row in own_map else "",
        )
        for row, label in rows_def
    )
    return Chart(_figure_json(fig), title, header, rows)
