"""Unpublished charts: a question's raw figures drawn by the partner dashboard's own chart
builders (`publication.charts.figures_chart`), every title saying "not published" (pure)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from backend.analysis.workspace.figures import RawFigures
from backend.i18n import Language
from backend.publication.charts import Chart, figures_chart
from backend.surveys import AGGREGATE_KIND, Question, Survey


def draft_chart(
    question: Question[Any], figures: RawFigures, survey: Survey, language: Language, group_label: str
) -> Chart | None:
    """The chart of `figures` for the group named `group_label`; None when nobody answered."""
    if figures.n == 0 or not figures.figures:
        return None
    title = language.gettext("Not published · %(group)s (n = %(n)s)", group=group_label, n=language.number(figures.n))
    chart = figures_chart(question, AGGREGATE_KIND[question.type], figures, survey, language, title).chart
    # The partner charts' last column is "Your force": staff have none.
    if chart.header and chart.header[-1] == language.gettext("Your force"):
        chart = replace(chart, header=chart.header[:-1], rows=tuple(row[:-1] for row in chart.rows))
    return chart
