"""The packs' download links for partners (and staff, who name the force with `force`): a
published round's pack beside its dashboard, a meeting's pack beside the meeting. The same as
JSON routes' downloads: `api.py`."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get

from backend.briefing.deps import ForceParam, GroupParam, meeting_pack_pdf, round_pack_pdf
from backend.i18n import Language
from backend.security.guards import requires_partner
from backend.security.roles import Viewer
from backend.web.params import Injected, PathId


class BriefingController(Controller):
    guards = [requires_partner]
    tags = ["pages: partners"]
    include_in_schema = False

    @get("/dashboard/rounds/{round_id:int}/briefing.pdf")
    async def round_pack(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        group: GroupParam = "all",
        force: ForceParam = None,
    ) -> Response[bytes]:
        """The round's briefing pack for the viewer's force, compared with `group` as on the
        dashboard, in the page's language (audited)."""
        return await round_pack_pdf(request, viewer, round_id, force, language, group)

    @get("/meetings/{meeting_id:int}/briefing.pdf")
    async def meeting_pack(
        self,
        request: Request[Any, Any, Any],
        meeting_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        force: ForceParam = None,
    ) -> Response[bytes]:
        """A meeting's briefing pack for the viewer's force: the meeting and its published rounds."""
        return await meeting_pack_pdf(request, viewer, meeting_id, force, language)
