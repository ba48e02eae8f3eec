"""Trends across the published rounds of one questionnaire: how a group's figures moved.

Pure. Built only from published snapshots (`DisclosedRound`, each already audited together with
every earlier publication), so a trend shows nothing that the rounds' own pages do not: a figure
withheld in a round is a gap in the trend. A question is followed across rounds only while
`surveys diff` calls it comparable; where it is not, its trend starts again.

Every word is in the reader's `Language` (the measures, the series, the rounds' titles, the
questionnaire's labels with its default language as fallback); the JSON API passes English.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from backend.i18n import N_, Language, Shown
from backend.publication.charts import SCALE_COLOURS, separators
from backend.publication.disclosure import DisclosedGroup, DisclosedRound
from backend.surveys import Question, Survey, answer_codes_with_labels, diff_surveys

GroupKey = tuple[str, str]


@dataclass(frozen=True)
class TrendRound:
    round_id: int
    #: the title in every language it was given in (the questionnaire's default among them)
    titles: dict[str, str]
    survey: Survey
    disclosed: DisclosedRound

    def title(self, language: Language) -> Shown:
        return language.text(self.titles, self.survey.default_language)


@dataclass(frozen=True)
class Series:
    name: str
    #: one value per round of the trend; None where withheld
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Trend:
    question_id: str
    label: Shown
    measure: str
    rounds: tuple[Shown, ...]
    series: tuple[Series, ...]
    #: n per round (None where the group is withheld)
    n: tuple[int | None, ...]
    figure: dict[str, Any]


def comparable_runs(rounds: Sequence[TrendRound]) -> dict[str, list[int]]:
    """For each question, the indexes of the latest run of consecutive rounds in which it was
    published and comparable from one round to the next."""
    runs: dict[str, list[int]] = {}
    for index, r in enumerate(rounds):
        previous = rounds[index - 1] if index else None
        diff = diff_surveys(previous.survey, r.survey) if previous else None
        for qid in r.disclosed.questions:
            run = runs.get(qid, [])
            changed = diff.question(qid) if diff else None
            continues = bool(run) and run[-1] == index - 1 and (changed is None or changed.comparable)
            runs[qid] = [*run, index] if continues else [index]
    return {qid: run for qid, run in runs.items() if len(run) >= 2}


def _share(count: int | None, n: int) -> float | None:
    return None if count is None or not n else round(100.0 * count / n, 1)


#: What each kind of question follows from round to round.
SHARE = N_("%% of forces")
QUARTILES = N_("median (25th–75th percentile)")
PERCENTILES = (
    (N_("25th percentile"), "p25"),
    (N_("median"), "median"),
    (N_("75th percentile"), "p75"),
)
AVERAGE_SHARE = N_("average share (%%)")
RANKED_FIRST = N_("%% of forces ranking it first")
SCALE_POINT = N_("average scale point (1 to %(points)d)")


def _series(
    q: Question, kind: str, groups: list[DisclosedGroup | None], language: Language, d: str
) -> tuple[str, list[Series]]:
    """What to follow for each kind of question, from the published figures only."""
    _ = language.gettext

    def figures(g: DisclosedGroup | None) -> dict[str, Any]:
        return dict(g.figures) if g is not None and not g.withheld else {}

    def text(label: dict[str, str]) -> str:
        return language.text(label, d).text

    if kind in {"categorical", "multi"}:
        options = answer_codes_with_labels(q, language.code, d)

        def share(g: DisclosedGroup | None, code: str) -> float | None:
            return _share(figures(g).get("counts", {}).get(code), g.n or 0) if g else None

        return _(SHARE), [Series(label, tuple(share(g, code) for g in groups)) for code, label in options]
    if kind == "numeric":
        return _(QUARTILES), [Series(_(name), tuple(figures(g).get(key) for g in groups)) for name, key in PERCENTILES]
    if kind == "allocation":
        return _(AVERAGE_SHARE), [
            Series(text(i.label), tuple(figures(g).get("means", {}).get(i.code) for g in groups))
            for i in q.settings.items
        ]
    if kind == "ranking":
        return _(RANKED_FIRST), [
            Series(
                text(i.label),
                tuple(
                    _share((figures(g).get("counts", {}).get(i.code) or {}).get("1"), g.n or 0)
                    if g and figures(g).get("counts", {}).get(i.code) is not None
                    else None
                    for g in groups
                ),
            )
            for i in q.settings.items
        ]
    # matrix: the share of forces giving each row the first scale point is not telling enough;
    # follow the mean scale position (1 = first point), computed from the published counts.
    scale = [o.code for o in q.settings.options]

    def mean_position(g: DisclosedGroup | None, row: str) -> float | None:
        cells = figures(g).get("counts", {}).get(row)
        if not cells:
            return None
        total = sum(cells.get(code, 0) for code in scale)
        if not total:
            return None
        return round(sum((i + 1) * cells.get(code, 0) for i, code in enumerate(scale)) / total, 2)

    return _(SCALE_POINT, points=len(scale)), [
        Series(text(r.label), tuple(mean_position(g, r.code) for g in groups)) for r in q.settings.rows
    ]


def _figure(
    language: Language, trend_rounds: list[str], series: list[Series], measure: str, title: str
) -> dict[str, Any]:
    """A plain Plotly figure dict: one line per series, gaps where withheld."""
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": trend_rounds,
            "y": list(s.values),
            "name": s.name,
            "connectgaps": False,
            "line": {"color": SCALE_COLOURS[i % len(SCALE_COLOURS)]},
        }
        for i, s in enumerate(series)
    ]
    layout = {
        "title": {"text": title, "x": 0, "font": {"size": 15}},
        "height": 320,
        "margin": {"l": 10, "r": 20, "t": 50, "b": 40},
        "yaxis": {"title": measure, "rangemode": "tozero", "fixedrange": True, "automargin": True},
        "xaxis": {"fixedrange": True, "automargin": True},
        "legend": {"orientation": "h", "y": -0.25},
        "plot_bgcolor": "white",
        "font": {"family": "Arial, Helvetica, sans-serif", "size": 13},
        "separators": separators(language),
    }
    return {"data": data, "layout": layout}


def build_trends(rounds: Sequence[TrendRound], group: GroupKey, language: Language, group_label: str) -> list[Trend]:
    """The trends of one group (`group_label`: its name in `language`), question by question,
    in the order of the latest questionnaire, every word in `language`."""
    if len(rounds) < 2:
        return []
    runs = comparable_runs(rounds)
    latest = rounds[-1].survey
    out = []
    for q in latest.questions():
        run = runs.get(q.id)
        if not run:
            continue
        in_run = [rounds[i] for i in run]
        if any(r.disclosed.questions[q.id].themes for r in in_run):
            continue  # a free-text question's coded themes: each round's codebook is its own
        groups = [r.disclosed.questions[q.id].group(group) for r in in_run]
        kind = in_run[-1].disclosed.questions[q.id].kind
        measure, series = _series(q, kind, groups, language, latest.default_language)
        titles = [r.title(language) for r in in_run]
        label = language.text(q.label, latest.default_language)
        title = language.gettext("%(group)s: %(measure)s", group=group_label, measure=measure)
        figure = _figure(language, [t.text for t in titles], series, measure, title)
        n = tuple(g.n if g is not None else None for g in groups)
        out.append(Trend(q.id, label, measure, tuple(titles), tuple(series), n, figure))
    return out
