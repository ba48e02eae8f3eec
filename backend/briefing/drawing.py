"""A published chart drawn for paper: the dashboard's Plotly figure (a plain dict, the viewer's
own answer already marked by `publication.charts.with_own`) read back into rows of bars, marks
and a legend that the pack's template draws with HTML and CSS (docs/briefing.md says why not
images). Pure: no database, no web.

Only the figure is read, never the figures it was built from: the pack cannot draw anything the
dashboard's chart does not show. Every number written here is the figure's own text (bar labels,
hover text); positions are percentages of the bar's track."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from backend.i18n import Language
from backend.publication.charts import OWN_COLOUR, PEER_COLOUR, number


@dataclass(frozen=True)
class Segment:
    """A bar, or a part of a stacked bar: from `start` to `start + width` percent of the track."""

    start: float
    width: float
    colour: str
    #: the viewer's own answer (outlined, and said in words beside the chart)
    own: bool = False


@dataclass(frozen=True)
class Mark:
    """A point on the track: the viewer's own figure ("own") or the group's median ("median")."""

    at: float
    kind: str
    label: str = ""


@dataclass(frozen=True)
class Row:
    label: str
    segments: tuple[Segment, ...] = ()
    marks: tuple[Mark, ...] = ()
    #: what the dashboard writes beside the bar ("40 % (4)", "withheld")
    note: str = ""
    own: bool = False


@dataclass(frozen=True)
class Drawing:
    rows: tuple[Row, ...]
    #: (colour, name) of each series, for stacked charts
    legend: tuple[tuple[str, str], ...] = ()
    #: the axis: its title, and the figures at its two ends
    axis: str = ""
    low: str = ""
    high: str = ""


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _clamp(value: float) -> float:
    return round(max(0.0, min(100.0, value)), 2)


def _axis_title(layout: dict[str, Any], key: str) -> str:
    return str(layout.get(key, {}).get("title", {}).get("text", ""))


def _bars(figure: dict[str, Any]) -> Drawing:
    """Choices (horizontal bars or columns): one row per answer, its share of 100%."""
    bar = figure["data"][0]
    layout = figure["layout"]
    horizontal = bar.get("orientation") == "h"
    labels, values = (bar["y"], bar["x"]) if horizontal else (bar["x"], bar["y"])
    colours = bar["marker"]["color"]
    texts = bar.get("text") or [""] * len(labels)
    rows = []
    for label, value, colour, text in zip(labels, values, colours, texts, strict=True):
        v = _num(value)
        own = colour == OWN_COLOUR
        segments = () if v is None else (Segment(0, _clamp(v), colour, own),)
        rows.append(Row(str(label), segments, (), str(text), own))
    axis = _axis_title(layout, "xaxis" if horizontal else "yaxis")
    return Drawing(tuple(rows), (), axis, "0", "100")


def _stacked_one(figure: dict[str, Any]) -> Drawing:
    """A single bar of 100%, one segment per answer (the viewer's outlined)."""
    start = 0.0
    segments = []
    legend = []
    notes = []
    own_any = False
    for trace in figure["data"]:
        colour = trace["marker"]["color"]
        own = trace["marker"].get("line", {}).get("color") == OWN_COLOUR
        own_any = own_any or own
        legend.append((colour, str(trace["name"])))
        notes.append(f"{trace['name']}: {trace['text'][0]}")
        v = _num(trace["x"][0])
        if v is not None:
            segments.append(Segment(_clamp(start), _clamp(v), colour, own))
            start += v
    row = Row("", tuple(segments), (), "; ".join(notes), own_any)
    return Drawing((row,), tuple(legend), _axis_title(figure["layout"], "xaxis"), "0", "100")


def _stacked_rows(figure: dict[str, Any]) -> Drawing:
    """Ranking and matrix: one row per item, each series a segment (rows' labels say the
    viewer's answer, as on the dashboard)."""
    data = figure["data"]
    labels = data[0]["y"]
    rows = []
    for i, label in enumerate(labels):
        start = 0.0
        segments = []
        for trace in data:
            v = _num(trace["x"][i])
            if v is not None and v > 0:
                segments.append(Segment(_clamp(start), _clamp(v), trace["marker"]["color"]))
                start += v
        rows.append(Row(str(label), tuple(segments)))
    legend = tuple((trace["marker"]["color"], str(trace["name"])) for trace in data)
    return Drawing(tuple(rows), legend, _axis_title(figure["layout"], "xaxis"), "0", "100")


def _allocation(figure: dict[str, Any], language: Language) -> Drawing:
    """Average shares of effort as bars, the viewer's own shares as marks on them."""
    data = figure["data"]
    bar = data[0]
    own = data[1] if len(data) > 1 else None
    rows = []
    for i, label in enumerate(bar["y"]):
        v = _num(bar["x"][i])
        segments = () if v is None else (Segment(0, _clamp(v), PEER_COLOUR),)
        marks: tuple[Mark, ...] = ()
        if own is not None and (o := _num(own["x"][i])) is not None:
            marks = (Mark(_clamp(o), "own", str(own["customdata"][i])),)
        rows.append(Row(str(label), segments, marks, str(bar["customdata"][i]), bool(marks)))
    legend = ((PEER_COLOUR, str(bar["name"])),) + (((OWN_COLOUR, str(own["name"])),) if own else ())
    return Drawing(tuple(rows), legend, _axis_title(figure["layout"], "xaxis"), "0", "100")


def _nice(value: float) -> float:
    """A round end for an axis: the smallest 1, 2, 2.5 or 5 times a power of ten not below `value`."""
    if value <= 0:
        return 0.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


def _numeric(figure: dict[str, Any], language: Language) -> Drawing:
    """A number: the group's middle half (25th to 75th percentile) as a box, its median and the
    viewer's own figure as marks, on an axis from zero (or a round figure below the lowest) to a
    round figure past the highest."""
    data = figure["data"]
    peers = data[0]
    if peers["type"] == "box":
        p25, median, p75 = peers["q1"][0], peers["median"][0], peers["q3"][0]
    else:
        p25, median, p75 = peers["x"]
    own = next((t for t in data[1:] if t.get("type") == "scatter"), None)
    own_value = _num(own["x"][0]) if own else None
    values = [v for v in (_num(p25), _num(median), _num(p75), own_value) if v is not None]
    low = -_nice(-min([0.0, *values])) if min([0.0, *values]) < 0 else 0.0
    high = _nice(max([0.0, *values]) * 1.05) or 1.0

    def at(v: float) -> float:
        return _clamp((v - low) / (high - low) * 100)

    tip = str(peers.get("customdata", [peers.get("hovertemplate", "")])[0]).replace("<extra></extra>", "")
    segments = (Segment(at(float(p25)), _clamp(at(float(p75)) - at(float(p25))), PEER_COLOUR),)
    marks = [Mark(at(float(median)), "median")]
    if own is not None and own_value is not None:
        marks.append(Mark(at(own_value), "own", str(own["customdata"][0])))
    row = Row(str(peers.get("name", "")), segments, tuple(marks), tip, own_value is not None)
    axis = _axis_title(figure["layout"], "xaxis")
    return Drawing((row,), (), axis, number(language, low), number(language, high))


def drawing(figure: dict[str, Any], style: str, language: Language) -> Drawing:
    """The chart `figure` (as `publication.charts` built it, of builder `style`) for paper."""
    if style == "bars":
        return _bars(figure)
    if style == "stacked":
        return _stacked_one(figure)
    if style in {"ranking", "matrix"}:
        return _stacked_rows(figure)
    if style == "allocation":
        return _allocation(figure, language)
    if style == "numeric":
        return _numeric(figure, language)
    raise ValueError(f"unknown chart style {style!r}")
