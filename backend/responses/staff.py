"""Staff's view of one force's response in a round: each answer's history (who changed it,
when, before → after, and saves refused because someone saved first). Reading it is audited
(`response.history.read`), as on the JSON route (`staff_api.py`)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.response import Template

from backend.i18n import Language
from backend.responses.history import force_history
from backend.security.guards import requires_staff
from backend.security.roles import Viewer
from backend.web.params import Injected, PathId
from backend.web.render import render


class StaffResponseController(Controller):
    path = "/staff/rounds"
    guards = [requires_staff]
    tags = ["pages: staff"]
    include_in_schema = False

    @get("/{round_id:int}/forces/{force_id:int}/history")
    async def answer_history(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        force_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
    ) -> Template:
        found = await force_history(round_id, force_id, viewer, language.code)
        if found is None:
            raise NotFoundException()
        return await render(request, "staff/response_history.html", found=found, changes=found.changes, question=None)
