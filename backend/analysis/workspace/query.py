"""What a workspace request asks for (pure): filters, a breakdown and a cross-tab, read from
a page's or the API's query string; every problem names its field and nothing is guessed."""

from __future__ import annotations

from dataclasses import dataclass, field

from backend.analysis.workspace.records import Filters, closed_questions, read_filters
from backend.i18n import N_
from backend.partners.peer_groups import DIMENSIONS
from backend.surveys import Survey


@dataclass
class WorkspaceQuery:
    filters: Filters = field(default_factory=Filters)
    #: a dimension of `peer_groups.DIMENSIONS`, or None
    by: str | None = None
    #: (rows, columns): two closed questions, or None
    pair: tuple[str, str] | None = None
    #: {field: English message}
    errors: dict[str, str] = field(default_factory=dict)


def read_query(
    survey: Survey,
    group: str = "",
    answer: str | list[str] | None = None,
    by: str = "",
    rows: str = "",
    columns: str = "",
) -> WorkspaceQuery:
    read = read_filters(survey, group, answer or [])
    out = WorkspaceQuery(read.filters, errors=dict(read.errors))
    if by:
        if by in DIMENSIONS:
            out.by = by
        else:
            out.errors["by"] = N_("Choose a breakdown from the list.")
    closed = {q.id for q in closed_questions(survey)}
    if rows or columns:
        if rows not in closed:
            out.errors["rows"] = N_("Choose the question whose answers make the rows.")
        if columns not in closed:
            out.errors["columns"] = N_("Choose the question whose answers make the columns.")
        elif rows == columns:
            out.errors["columns"] = N_("Choose two different questions.")
        if "rows" not in out.errors and "columns" not in out.errors:
            out.pair = (rows, columns)
    return out
