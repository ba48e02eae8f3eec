"""The audit trail, for staff."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from backend.audit.services import recent
from backend.security.guards import requires_staff
from backend.web.render import render


class AuditController(Controller):
    path = "/staff/audit"
    guards = [requires_staff]
    tags = ["pages: staff"]
    include_in_schema = False

    @get("/")
    async def index(self, request: Request[Any, Any, Any]) -> Template:
        return await render(request, "staff/audit.html", events=await recent(200))
