"""The packs' download links for partners (and staff, who name the force with `force`): a
published round's pack beside its dashboard, a meeting's pack beside the meeting. The same as
JSON routes' downloads: `api.py`."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException

from backend.audit.refusals import refused
from backend.briefing.deps import NO_MEETING, ForceParam, GroupParam, pack_force, pdf_response, published_round
from backend.briefing.services import meeting_pack, round_pack
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
        force_id = await pack_force(request, viewer, force)
        published = await published_round(request, viewer, round_id, force_id)
        return pdf_response(await round_pack(published, viewer, language, group))

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
        force_id = await pack_force(request, viewer, force)
        found = await meeting_pack(meeting_id, force_id, viewer, language)
        if found is None:
            await refused(request, viewer, "not_published", f"meeting:{meeting_id}")
            raise NotFoundException(NO_MEETING)
        return pdf_response(found)
