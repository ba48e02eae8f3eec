"""Charts of disclosed aggregates: pure functions from a `DisclosedQuestion` (and the
questionnaire's labels) to a Plotly figure and the same figures as a table.

They accept only disclosure-controlled input, so nothing here can show a raw answer of
another force. The viewer's own answer is passed separately (a force may always see its own).

Two steps, so that a publication's charts are built once per group and language: `peer_chart`
(what every reader of the group sees) and `with_own` (the viewer's own answer marked, on copies:
a peer chart is never changed). `chart_for` does both.

Every word is in the reader's `Language`: the interface's (titles, axes, legends, hover text,
the table's headers) through its messages, the questionnaire's (answers, items, rows, units)
in that language with the questionnaire's default as fallback; numbers and percentages are
written by Babel for it (the hover text too, given to plotly.js as `customdata`, and the axes'
separators as the layout's `separators`).

Figures are plain dicts as plotly.js takes them (`{"data": [...], "layout": {...}}`): plotly
objects' validation and conversion cost far more than drawing the page. They carry no layout
template: the one the dashboard's charts share (plotly.py's "plotly") is set in `charts.js`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Protocol

from babel.numbers import get_decimal_symbol, get_group_symbol

from backend.i18n import N_, Language
from backend.publication.disclosure import DisclosedGroup, DisclosedQuestion
from backend.surveys import Question, Survey, answer_codes_with_labels

PEER_COLOUR = "#5694ca"
OWN_COLOUR = "#d4351c"
SCALE_COLOURS = ["#0b0c0c", "#505a5f", "#5694ca", "#1d70b8", "#003078", "#b1b4b6", "#f3f2f1"]
TICKS = [0, 25, 50, 75, 100]
#: Hover text is written here (Babel's numbers) and handed to plotly.js whole.
HOVER = "%{customdata}<extra></extra>"


class GroupFigures(Protocol):
    """What a chart is drawn from: how many forces answered and the kind's figures. The public
    builders (`chart_for`, `peer_chart`) take only a `DisclosedGroup`; staff's workspace draws
    its unpublished charts from raw figures through `figures_chart` (docs/analysis.md)."""

    @property
    def n(self) -> int | None: ...

    @property
    def figures(self) -> Mapping[str, Any]: ...


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
    #: the language it is written in (the marks of the viewer's answer follow it)
    language: Language
    #: the options, items or rows in the chart's order, and their labels
    codes: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    #: matrix: the scale's labels by code
    scale: Mapping[str, str] = field(default_factory=dict)


#: What a withheld figure shows: the same words wherever a figure is withheld, whatever the reason.
WITHHELD = N_("withheld")

#: An ordinal ("1st", "1er", "1.º") by the language's CLDR ordinal category of the number: one
#: message per English category (French uses "one" and "other", Spanish only "other").
ORDINALS = {
    # TRANSLATORS: an ordinal number whose English form ends in "st" (1st, 21st).
    "one": N_("%(n)dst"),
    # TRANSLATORS: an ordinal number whose English form ends in "nd" (2nd, 22nd).
    "two": N_("%(n)dnd"),
    # TRANSLATORS: an ordinal number whose English form ends in "rd" (3rd, 23rd).
    "few": N_("%(n)drd"),
    # TRANSLATORS: any other ordinal number (4th, 11th): in French also 2e, 3e; in Spanish every one.
    "other": N_("%(n)dth"),
}


def ordinal(language: Language, n: int) -> str:
    category = language.locale.ordinal_form(n)
    return language.gettext(ORDINALS.get(category, ORDINALS["other"]), n=n)


def _decimal(value: float | int) -> Decimal:
    return Decimal(str(value))


def _digits(value: Decimal) -> int:
    """How many decimals a figure has (at most 2: figures are rounded before they are published)."""
    exponent = value.normalize().as_tuple().exponent
    return min(2, max(0, -exponent)) if isinstance(exponent, int) else 0


def number(language: Language, value: float | int) -> str:
    """A published figure as the language writes it (6.25 → "6,25")."""
    exact = _decimal(value)
    return language.number(exact, _digits(exact))


def share(language: Language, percent: float | int) -> str:
    """A share given in percent, as the language writes it (66.7 → "66.7%", "66,7 %")."""
    exact = _decimal(percent)
    return language.percent(exact / 100, _digits(exact))


def separators(language: Language) -> str:
    """plotly.js's `separators`: the decimal and thousands symbols of the language's numbers."""
    return get_decimal_symbol(language.locale) + get_group_symbol(language.locale)


def _pct(count: int, n: int) -> float:
    return round(100.0 * count / n, 1) if n else 0.0


def _cell_pct(cells: dict[str, int] | None, code: str, n: int) -> float | None:
    """Share of one code in an item's or row's counts; None when the item is withheld."""
    return None if cells is None else _pct(cells.get(code, 0), n)


def _cell_text(language: Language, cells: dict[str, int] | None, code: str) -> str:
    return language.gettext(WITHHELD) if cells is None else language.number(cells.get(code, 0))


def _layout(language: Language, title: str, height: int, x_title: str, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "title": {"text": title, "x": 0, "font": {"size": 15}},
        "height": height,
        "margin": {"l": 10, "r": 20, "t": 50, "b": 40},
        "xaxis": {"title": {"text": x_title}, "rangemode": "tozero", "fixedrange": True},
        "yaxis": {"automargin": True, "autorange": "reversed", "fixedrange": True},
        "showlegend": False,
        "plot_bgcolor": "white",
        "font": {"family": "Arial, Helvetica, sans-serif", "size": 13},
        "separators": separators(language),
    }
    for key, value in extra.items():
        layout[key] = {**layout[key], **value} if key in {"xaxis", "yaxis"} else value
    return layout


def chart_title(language: Language, group_label: str, n: int) -> str:
    """ "All partner forces (n = 12)": the group and how many forces answered."""
    if group_label:
        return language.gettext("%(group)s (n = %(n)s)", group=group_label, n=language.number(n))
    return language.gettext("n = %(n)s", n=language.number(n))


def chart_for(
    question: Question,
    disclosed: DisclosedQuestion,
    group: DisclosedGroup,
    survey: Survey,
    language: Language,
    own: Any = None,
    group_label: str = "",
) -> Chart | None:
    """The chart of one question for one (shown) group, or None when it is withheld."""
    peer = peer_chart(question, disclosed, group, survey, language, group_label)
    return None if peer is None else with_own(peer, own)


def peer_chart(
    question: Question,
    disclosed: DisclosedQuestion,
    group: DisclosedGroup,
    survey: Survey,
    language: Language,
    group_label: str,
) -> PeerChart | None:
    """The chart of one question for one (shown) group as every reader sees it, in `language`
    (`group_label` already in it); None when withheld."""
    if group.withheld or group.n is None:
        return None
    title = chart_title(language, group_label, group.n)
    return figures_chart(question, disclosed.kind, group, survey, language, title)


def figures_chart(
    question: Question, kind: str, group: GroupFigures, survey: Survey, language: Language, title: str
) -> PeerChart:
    """The chart of one question's figures of kind `kind` (`surveys.AGGREGATE_KIND`), titled
    `title`. Partner pages reach it only through `peer_chart` (disclosed figures)."""
    builder = {
        "categorical": _categorical,
        "multi": _categorical,
        "numeric": _numeric,
        "allocation": _allocation,
        "ranking": _ranking,
        "matrix": _matrix,
    }[kind]
    return builder(question, group, survey, language, title)


def _text(language: Language, label: Mapping[str, str], survey: Survey) -> str:
    return language.text(label, survey.default_language).text


def _categorical(q: Question, group: GroupFigures, survey: Survey, language: Language, title: str) -> PeerChart:
    options = answer_codes_with_labels(q, language.code, survey.default_language)
    return _choices(options, q.chart, group, language, title)


#: The title of a free-text question's coded themes: what the chart counts, before its group.
THEMES_TITLE = N_("Themes coded by project staff · %(title)s")


def theme_chart(
    disclosed: DisclosedQuestion, group: DisclosedGroup, language: Language, group_label: str
) -> PeerChart | None:
    """The chart of a free-text question's coded themes (`themes.py`) for one (shown) group, as a
    multiple choice whose options are the themes, named as staff wrote them when it was published
    (the names are in one language, the one staff coded in); None when withheld."""
    if group.withheld or group.n is None or not disclosed.themes:
        return None
    title = language.gettext(THEMES_TITLE, title=chart_title(language, group_label, group.n))
    return _choices([(t, t) for t in disclosed.themes], None, group, language, title)


def _choices(
    options: list[tuple[str, str]], style: str | None, group: GroupFigures, language: Language, title: str
) -> PeerChart:
    """Bars (or one stacked bar) of the share of forces giving each option (code, label)."""
    n = group.n or 0
    _ = language.gettext
    withheld = _(WITHHELD)
    counts = group.figures.get("counts", {})
    codes = tuple(code for code, _label in options)
    labels = [label for _code, label in options]
    # A withheld option (multiple choice) has no bar: None, and says so in its label.
    values = [None if counts.get(code, 0) is None else _pct(counts.get(code, 0), n) for code in codes]
    shares = [withheld if value is None else share(language, value) for value in values]
    hover = [
        _("%(item)s: %(figure)s", item=label, figure=withheld)
        if value is None
        else _("%(answer)s: %(share)s of forces", answer=label, share=text)
        for label, value, text in zip(labels, values, shares, strict=True)
    ]
    rows = tuple(
        (
            label,
            withheld if value is None else language.number(counts.get(code, 0)),
            text,
            "",
        )
        for (code, label), value, text in zip(options, values, shares, strict=True)
    )
    header = (_("Answer"), _("Forces"), _("Share"), _("Your force"))
    axis = _("%% of forces")
    if style == "stacked":
        # One bar of 100%: each answer a segment, the viewer's own answer outlined and named.
        data = [
            {
                "type": "bar",
                "x": [value],
                "y": [title],
                "orientation": "h",
                "name": label,
                "marker": {"color": SCALE_COLOURS[index % len(SCALE_COLOURS)], "line": {"color": "white", "width": 1}},
                "text": [text],
                "textposition": "inside",
                "customdata": [tip],
                "hovertemplate": HOVER,
            }
            for index, (label, value, text, tip) in enumerate(zip(labels, values, shares, hover, strict=True))
        ]
        layout = _layout(
            language,
            title,
            200,
            axis,
            barmode="stack",
            showlegend=True,
            legend={"orientation": "h", "y": -0.5},
            yaxis={"showticklabels": False},
        )
        return PeerChart(Chart({"data": data, "layout": layout}, title, header, rows), "stacked", language, codes)
    texts = [
        withheld if v is None else _("%(share)s (%(count)s)", share=text, count=language.number(counts.get(code, 0)))
        for code, v, text in zip(codes, values, shares, strict=True)
    ]
    bar: dict[str, Any] = {
        "type": "bar",
        "marker": {"color": [PEER_COLOUR] * len(codes)},
        "text": texts,
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": hover,
        "hovertemplate": HOVER,
    }
    if style == "column":
        bar |= {"x": labels, "y": values}
        yaxis = {"title": {"text": axis}, "range": [0, 115], "autorange": False, "tickvals": TICKS}
        layout = _layout(language, title, 380, "", yaxis=yaxis)
    else:
        bar |= {"x": values, "y": labels, "orientation": "h"}
        layout = _layout(language, title, 90 + 34 * len(options), axis, xaxis={"range": [0, 130], "tickvals": TICKS})
    return PeerChart(Chart({"data": [bar], "layout": layout}, title, header, rows), "bars", language, codes)


def _numeric(q: Question, group: GroupFigures, survey: Survey, language: Language, title: str) -> PeerChart:
    f = group.figures
    _ = language.gettext
    unit = _text(language, q.settings.unit, survey) if q.settings.unit else ""
    peers = _("Peers")
    p25, median, p75 = (number(language, f[key]) for key in ("p25", "median", "p75"))
    tip = _("25th percentile: %(p25)s, median: %(median)s, 75th percentile: %(p75)s", p25=p25, median=median, p75=p75)
    trace: dict[str, Any]
    if q.chart == "dot":
        trace = {
            "type": "scatter",
            "x": [f["p25"], f["median"], f["p75"]],
            "y": [peers] * 3,
            "mode": "markers+text",
            "text": [_("25th"), _("median"), _("75th")],
            "textposition": "bottom center",
            "marker": {"color": PEER_COLOUR, "size": [10, 16, 10]},
            "name": peers,
            "customdata": [tip] * 3,
            "hovertemplate": HOVER,
        }
    else:
        trace = {
            "type": "box",
            "q1": [f["p25"]],
            "median": [f["median"]],
            "q3": [f["p75"]],
            "lowerfence": [f["p25"]],
            "upperfence": [f["p75"]],
            "y": [peers],
            "orientation": "h",
            "marker": {"color": PEER_COLOUR},
            "name": peers,
            # The box's own hover would show plotly's numbers: this one shows ours (no "%{" in it).
            "hovertemplate": tip + "<extra></extra>",
        }
    rows: tuple[tuple[str, str], ...] = (
        (_("25th percentile"), p25),
        (_("Median"), median),
        (_("75th percentile"), p75),
    )
    figure = {"data": [trace], "layout": _layout(language, title, 220, unit or _("value"))}
    return PeerChart(Chart(figure, title, (_("Measure"), unit or _("Value")), rows), "numeric", language)


def _allocation(q: Question, group: GroupFigures, survey: Survey, language: Language, title: str) -> PeerChart:
    _ = language.gettext
    means = group.figures.get("means", {})
    items = [(i.code, _text(language, i.label, survey)) for i in q.settings.items]
    labels = [label for _code, label in items]
    averages = [None if means.get(code) is None else share(language, means[code]) for code, _label in items]
    withheld = _(WITHHELD)
    bar = {
        "type": "bar",
        "x": [means.get(code) for code, _label in items],
        "y": labels,
        "orientation": "h",
        "marker": {"color": PEER_COLOUR},
        "name": _("Peer average"),
        "customdata": [
            _("%(item)s: %(share)s on average", item=label, share=text or withheld)
            for label, text in zip(labels, averages, strict=True)
        ],
        "hovertemplate": HOVER,
    }
    rows = tuple((label, text or withheld, "") for label, text in zip(labels, averages, strict=True))
    figure = {
        "data": [bar],
        "layout": _layout(language, title, 90 + 36 * len(items), _("average share of effort (%%)")),
    }
    chart = Chart(figure, title, (_("Item"), _("Peer average"), _("Your force")), rows)
    return PeerChart(chart, "allocation", language, tuple(code for code, _label in items), tuple(labels))


def _stacked_layout(language: Language, title: str, height: int, legend_y: float) -> dict[str, Any]:
    legend = {"orientation": "h", "y": legend_y}
    axis = language.gettext("%% of forces")
    return _layout(language, title, height, axis, barmode="stack", showlegend=True, legend=legend)


def _ranking(q: Question, group: GroupFigures, survey: Survey, language: Language, title: str) -> PeerChart:
    _ = language.gettext
    n = group.n or 0
    counts = group.figures.get("counts", {})
    positions = q.settings.top or len(q.settings.items)
    items = [(i.code, _text(language, i.label, survey)) for i in q.settings.items]
    labels = [label for _code, label in items]
    withheld = _(WITHHELD)
    data = []
    for pos in range(1, positions + 1):
        place = ordinal(language, pos)
        values = [_cell_pct(counts.get(code, {}), str(pos), n) for code, _label in items]
        data.append(
            {
                "type": "bar",
                "x": values,
                "y": labels,
                "orientation": "h",
                "name": _("ranked %(position)s", position=place),
                "marker": {"color": SCALE_COLOURS[(pos - 1) % len(SCALE_COLOURS)]},
                "customdata": [
                    _("%(item)s: %(figure)s", item=label, figure=withheld)
                    if value is None
                    else _(
                        "%(item)s: %(share)s of forces ranked it %(position)s",
                        item=label,
                        share=share(language, value),
                        position=place,
                    )
                    for label, value in zip(labels, values, strict=True)
                ],
                "hovertemplate": HOVER,
            }
        )
    ranked = (_("Ranked %(position)s", position=ordinal(language, p)) for p in range(1, positions + 1))
    header = (_("Item"), *ranked, _("Your force"))
    rows = tuple(
        (label, *(_cell_text(language, counts.get(code, {}), str(p)) for p in range(1, positions + 1)), "")
        for code, label in items
    )
    figure = {"data": data, "layout": _stacked_layout(language, title, 110 + 36 * len(items), -0.25)}
    chart = Chart(figure, title, header, rows)
    return PeerChart(chart, "ranking", language, tuple(code for code, _label in items), tuple(labels))


def _matrix(q: Question, group: GroupFigures, survey: Survey, language: Language, title: str) -> PeerChart:
    _ = language.gettext
    n = group.n or 0
    counts = group.figures.get("counts", {})
    scale = answer_codes_with_labels(q, language.code, survey.default_language)
    rows_def = [(r.code, _text(language, r.label, survey)) for r in q.settings.rows]
    labels = [label for _code, label in rows_def]
    withheld = _(WITHHELD)
    data = []
    for index, (code, answer) in enumerate(scale):
        values = [_cell_pct(counts.get(row, {}), code, n) for row, _label in rows_def]
        data.append(
            {
                "type": "bar",
                "x": values,
                "y": labels,
                "orientation": "h",
                "name": answer,
                "marker": {"color": SCALE_COLOURS[index % len(SCALE_COLOURS)]},
                "customdata": [
                    _("%(item)s: %(figure)s", item=label, figure=withheld)
                    if value is None
                    else _(
                        "%(row)s: “%(answer)s”, %(share)s of forces",
                        row=label,
                        answer=answer,
                        share=share(language, value),
                    )
                    for label, value in zip(labels, values, strict=True)
                ],
                "hovertemplate": HOVER,
            }
        )
    header = (_("Row"), *(label for _code, label in scale), _("Your force"))
    rows = tuple(
        (label, *(_cell_text(language, counts.get(row, {}), code) for code, _label in scale), "")
        for row, label in rows_def
    )
    figure = {"data": data, "layout": _stacked_layout(language, title, 120 + 40 * len(rows_def), -0.3)}
    chart = Chart(figure, title, header, rows)
    return PeerChart(chart, "matrix", language, tuple(row for row, _label in rows_def), tuple(labels), dict(scale))


def with_own(peer: PeerChart, own: Any) -> Chart:
    """The peer chart with the viewer's own answer marked (None or {}: nothing to mark)."""
    marker = _MARKERS[peer.style]
    return marker(peer, own) if own is not None else peer.chart


def _with(chart: Chart, data: list[dict[str, Any]], rows: list[tuple[str, ...]]) -> Chart:
    return replace(chart, figure={"data": data, "layout": chart.figure["layout"]}, rows=tuple(rows))


def _mark_answers(peer: PeerChart, own: Any) -> Chart:
    """Choices: the viewer's answers red (bars) or outlined and named (segments), and ticked."""
    _ = peer.language.gettext
    own_codes = set(own) if isinstance(own, list) else {own}
    mine = {i for i, code in enumerate(peer.codes) if code in own_codes}
    if not mine:
        return peer.chart
    data = list(peer.chart.figure["data"])
    rows = [(*row[:3], "✔") if i in mine else row for i, row in enumerate(peer.chart.rows)]
    if peer.style == "stacked":
        for i in mine:
            marker = {**data[i]["marker"], "line": {"color": OWN_COLOUR, "width": 4}}
            name = _("%(answer)s (your force)", answer=data[i]["name"])
            data[i] = {**data[i], "name": name, "marker": marker}
    else:
        bar = data[0]
        colours = [OWN_COLOUR if i in mine else c for i, c in enumerate(bar["marker"]["color"])]
        texts = [t + "  " + _("◀ your force") if i in mine else t for i, t in enumerate(bar["text"])]
        data = [{**bar, "marker": {**bar["marker"], "color": colours}, "text": texts}]
    return _with(peer.chart, data, rows)


def _mark_numeric(peer: PeerChart, own: Any) -> Chart:
    if not isinstance(own, int | float):
        return peer.chart
    _ = peer.language.gettext
    mine = number(peer.language, own)
    point = {
        "type": "scatter",
        "x": [own],
        "y": [_("Peers")],
        "mode": "markers+text",
        "text": [_("your force")],
        "textposition": "top center",
        "marker": {"color": OWN_COLOUR, "size": 14, "symbol": "diamond"},
        "customdata": [_("Your force: %(figure)s", figure=mine)],
        "hovertemplate": HOVER,
    }
    return _with(peer.chart, [*peer.chart.figure["data"], point], [*peer.chart.rows, (_("Your force"), mine)])


def _mark_allocation(peer: PeerChart, own: Any) -> Chart:
    if not isinstance(own, dict) or not own:
        return peer.chart
    language = peer.language
    _ = language.gettext
    mine = {code: share(language, own[code]) for code in peer.codes if isinstance(own.get(code), int | float)}
    points = {
        "type": "scatter",
        "x": [own.get(code, 0) for code in peer.codes],
        "y": list(peer.labels),
        "mode": "markers",
        "name": _("Your force"),
        "marker": {"color": OWN_COLOUR, "size": 13, "symbol": "diamond"},
        "customdata": [
            _("%(item)s: %(share)s at your force", item=label, share=mine.get(code) or share(language, 0))
            for code, label in zip(peer.codes, peer.labels, strict=True)
        ],
        "hovertemplate": HOVER,
    }
    rows = [(*row[:2], mine.get(code, "")) for code, row in zip(peer.codes, peer.chart.rows, strict=True)]
    return _with(peer.chart, [*peer.chart.figure["data"], points], rows)


def _mark_rows(peer: PeerChart, says: Mapping[str, str], column: Mapping[str, str]) -> Chart:
    """Ranking and matrix: each item or row the viewer answered says so in the chart's label
    (`says`) and in the table's last column (`column`)."""
    if not says:
        return peer.chart
    _ = peer.language.gettext
    labels = [
        label + ("  " + _("(you: %(answer)s)", answer=says[code]) if code in says else "")
        for code, label in zip(peer.codes, peer.labels, strict=True)
    ]
    data = [{**trace, "y": labels} for trace in peer.chart.figure["data"]]
    rows = [(*row[:-1], column.get(code, "")) for code, row in zip(peer.codes, peer.chart.rows, strict=True)]
    return _with(peer.chart, data, rows)


def _mark_ranking(peer: PeerChart, own: Any) -> Chart:
    ranks = {code: ordinal(peer.language, i + 1) for i, code in enumerate(own)} if isinstance(own, list) else {}
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
