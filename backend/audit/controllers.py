"""The audit trail, for staff: filters (who, what, round, dates), pages, names instead of ids,
routine sign-ins grouped per person and day, and the filtered trail as CSV."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.response import Redirect, Stream, Template

from backend.audit.csv_export import audit_csv
from backend.audit.filters import read_filters
from backend.audit.services import record
from backend.audit.trail import filter_choices, search
from backend.i18n import Language
from backend.security.guards import requires_staff
from backend.security.roles import Viewer
from backend.web.params import Injected
from backend.web.render import redirect, render


def _query(request: Request[Any, Any, Any]) -> dict[str, str]:
    return {key: str(request.query_params.get(key, "")) for key in request.query_params}


class AuditController(Controller):
    path = "/staff/audit"
    guards = [requires_staff]
    tags = ["pages: staff"]
    include_in_schema = False

    @get("/")
    async def index(self, request: Request[Any, Any, Any], language: Injected[Language]) -> Template:
        query = _query(request)
        filters, errors, page = read_filters(query, language)
        found = await search(filters, page)
        kept = {k: v for k, v in query.items() if k != "page" and v and k not in errors}
        return await render(
            request,
            "staff/audit.html",
            found=found,
            events=found.entries,
            filters=filters,
            values=query,
            errors=errors,
            choices=await filter_choices(),
            query=urlencode(kept),
        )

    @get("/audit.csv")
    async def export(
        self, request: Request[Any, Any, Any], viewer: Injected[Viewer], language: Injected[Language]
    ) -> Stream | Redirect:
        """The filtered trail (every page), recorded in the trail itself."""
        filters, errors, _ = read_filters(_query(request), language)
        if errors:  # the page says what is wrong; nothing is exported
            return redirect(f"/staff/audit/?{urlencode(_query(request))}")
        await record(viewer, "audit.exported", "audit", filters={k: v for k, v in _query(request).items() if v})
        return Stream(
            audit_csv(filters),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="audit-trail.csv"', "cache-control": "no-store"},
        )
