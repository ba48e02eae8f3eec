"""The workspace page's content, worded in the reader's language (pure): each question's
unpublished chart, its breakdown, its quality flags, and the cross-tab. The page and the JSON
API share the figures; only the page uses the words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from backend.analysis.workspace.breakdown import Breakdown, breakdown
from backend.analysis.workspace.charts import draft_chart
from backend.analysis.workspace.crosstab import CrossTab, crosstab
from backend.analysis.workspace.figures import RawFigures, question_figures
from backend.analysis.workspace.quality import (
    Correction,
    CorrectionCount,
    DontKnowRate,
    StraightLine,
    correction_counts,
    dont_know_rates,
    straight_lines,
)
from backend.analysis.workspace.records import Filters, ForceRecord, closed_questions
from backend.i18n import Language, Shown
from backend.partners.peer_groups import DIMENSIONS, dimension_name, group_name
from backend.publication.charts import Chart
from backend.surveys import AGGREGATE_KIND, FREE_TEXT_TYPES, Question, Section, Survey, answer_codes_with_labels


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass
class Panel:
    question: Question[Any]
    label: Shown
    #: forces among the filtered ones that answered
    n: int
    figures: RawFigures | None = None
    chart: Chart | None = None
    breakdown: Breakdown | None = None
    breakdown_table: Table | None = None
    dont_know: DontKnowRate | None = None
    straight_lines: list[StraightLine] = field(default_factory=list)
    corrections: CorrectionCount | None = None
    #: a free-text question: coded on its own page
    text: bool = False


@dataclass
class SectionView:
    section: Section
    title: Shown
    panels: list[Panel]


@dataclass
class CrossTabView:
    rows: Question[Any]
    columns: Question[Any]
    table: CrossTab
    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]


@dataclass
class Workspace:
    records: int
    #: of them, kept by the filters
    kept: int
    sections: list[SectionView]
    crosstab: CrossTabView | None = None


def _labels(q: Question[Any], survey: Survey, language: Language) -> list[tuple[str, str]]:
    return answer_codes_with_labels(q, language.code, survey.default_language)


def _text(language: Language, label: Any, survey: Survey) -> str:
    return language.text(label, survey.default_language).text


def _count_share(language: Language, count: int, total: int) -> str:
    if not total:
        return language.number(count)
    return language.gettext(
        "%(count)s (%(share)s)", count=language.number(count), share=language.percent(count / total, decimals=0)
    )


def breakdown_table(q: Question[Any], b: Breakdown, survey: Survey, language: Language) -> Table:
    """A breakdown in words: one row per group."""
    _ = language.gettext
    groups = [group_name(language, b.dimension, g) for g in b.groups]
    caption = _("By %(dimension)s", dimension=dimension_name(language, b.dimension).lower())
    first = dimension_name(language, b.dimension)
    if b.table is not None:
        t = b.table
        header = (first, _("Forces"), *(label for _code, label in _labels(q, survey, language)))
        rows = tuple(
            (
                groups[i],
                language.number(t.row_totals[i]),
                *(_count_share(language, c, t.row_totals[i]) for c in t.counts[i]),
            )
            for i in range(len(groups))
        )
        return Table(caption, header, rows)
    kind = AGGREGATE_KIND[q.type]
    if kind == "numeric":
        header = (first, _("Forces"), _("25th percentile"), _("Median"), _("75th percentile"), _("Mean"))
        body = []
        for name, f in zip(groups, b.figures, strict=True):
            d = f.figures if f else {}
            cells = [language.number(d[k], decimals=1) if k in d else "–" for k in ("p25", "median", "p75", "mean")]
            body.append((name, language.number(f.n if f else 0), *cells))
        return Table(caption, header, tuple(body))
    if kind == "allocation":
        items = q.settings.items
        header = (first, _("Forces"), *(_text(language, i.label, survey) for i in items))
        body = []
        for name, f in zip(groups, b.figures, strict=True):
            means = f.figures.get("means", {}) if f else {}
            cells = [language.percent(means[i.code] / 100, decimals=1) if i.code in means else "–" for i in items]
            body.append((name, language.number(f.n if f else 0), *cells))
        return Table(caption, header, tuple(body))
    if kind == "ranking":
        items = q.settings.items
        header = (
            first,
            _("Forces"),
            *(_("%(item)s: ranked 1st", item=_text(language, i.label, survey)) for i in items),
        )
        body = []
        for name, f in zip(groups, b.figures, strict=True):
            counts = f.figures.get("counts", {}) if f else {}
            n = f.n if f else 0
            cells = [_count_share(language, counts.get(i.code, {}).get("1", 0), n) for i in items]
            body.append((name, language.number(n), *cells))
        return Table(caption, header, tuple(body))
    # matrix: each row's most frequent answer
    scale = dict(_labels(q, survey, language))
    rows_def = q.settings.rows
    header = (first, _("Forces"), *(_text(language, r.label, survey) for r in rows_def))
    body = []
    for name, f in zip(groups, b.figures, strict=True):
        counts = f.figures.get("counts", {}) if f else {}
        cells = []
        for r in rows_def:
            cell = counts.get(r.code, {})
            if not cell:
                cells.append("–")
                continue
            code, count = max(cell.items(), key=lambda kv: kv[1])
            cells.append(_("%(answer)s (%(count)s)", answer=scale.get(code, code), count=language.number(count)))
        body.append((name, language.number(f.n if f else 0), *cells))
    return Table(caption, header, tuple(body))


def filter_label(filters: Filters, language: Language) -> str:
    if filters.active:
        return language.gettext("Filtered forces")
    return language.gettext("All responding forces")


def build(
    survey: Survey,
    records: Sequence[ForceRecord],
    kept: Sequence[ForceRecord],
    filters: Filters,
    language: Language,
    by: str | None,
    corrections: Sequence[Correction],
    crosstab_pair: tuple[str, str] | None,
) -> Workspace:
    """The workspace over the forces `kept` by `filters` (of `records`), broken down `by` a
    dimension (or not), with the cross-tab of the pair of closed questions (rows, columns)."""
    flags = {s.question_id: s for s in dont_know_rates(survey, kept)}
    lines: dict[str, list[StraightLine]] = {}
    for line in straight_lines(survey, kept):
        lines.setdefault(line.question_id, []).append(line)
    fixed = {c.question_id: c for c in correction_counts(survey, kept, corrections)}
    label = filter_label(filters, language)
    sections = []
    for section in survey.sections:
        panels = []
        for q in section.questions:
            if not q.collects_answer:
                continue
            panel = Panel(q, language.text(q.label, survey.default_language), 0, text=q.type in FREE_TEXT_TYPES)
            figures = question_figures(q, kept)
            if figures is not None:
                panel.figures = figures
                panel.n = figures.n
                panel.chart = draft_chart(q, figures, survey, language, label)
                if by in DIMENSIONS and figures.n:
                    panel.breakdown = breakdown(q, kept, by)
                    panel.breakdown_table = breakdown_table(q, panel.breakdown, survey, language)
            else:
                panel.n = sum(1 for r in kept if r.answers.get(q.id) not in (None, ""))
            panel.dont_know = flags.get(q.id)
            panel.straight_lines = lines.get(q.id, [])
            panel.corrections = fixed.get(q.id)
            panels.append(panel)
        if panels:
            sections.append(SectionView(section, language.text(section.title, survey.default_language), panels))
    view = Workspace(len(records), len(kept), sections)
    if crosstab_pair is not None:
        closed = {q.id: q for q in closed_questions(survey)}
        rows_q, columns_q = closed[crosstab_pair[0]], closed[crosstab_pair[1]]
        row_opts, column_opts = _labels(rows_q, survey, language), _labels(columns_q, survey, language)
        table = crosstab(rows_q.id, [c for c, _l in row_opts], columns_q.id, [c for c, _l in column_opts], kept)
        view.crosstab = CrossTabView(
            rows_q, columns_q, table, tuple(lbl for _c, lbl in row_opts), tuple(lbl for _c, lbl in column_opts)
        )
    return view
