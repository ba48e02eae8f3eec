"""What the packs' pages and JSON routes share: whose pack it may be (the viewer's own force; staff
choose any force), the round as that force's dashboard gets it (404 while unpublished, audited),
and the PDF answers of both packs."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response
from litestar.exceptions import NotFoundException, PermissionDeniedException, ValidationException
from litestar.params import QueryParameter

from backend.audit.refusals import refused
from backend.briefing.services import PackFile, meeting_pack, published_for, round_pack
from backend.i18n import N_, Language
from backend.partners.services import force_exists
from backend.publication.deps import Published
from backend.security.roles import Viewer
from backend.web.params import INT4_MAX

#: Whose pack: partners may leave it out (their own force) or name their own; staff name any force.
ForceParam = Annotated[
    int | None,
    QueryParameter(ge=1, le=INT4_MAX, description="The force whose pack (staff; partners: their own force only)"),
]
#: Compared with which group, as on the dashboard: `all` or one of the force's `dimension:value` groups.
GroupParam = Annotated[str, QueryParameter(max_length=100, description="`all` or a `dimension:value` group")]

NO_MEETING = N_("There is no such announced meeting.")
NOT_PUBLISHED = N_("These results have not been published.")
OWN_FORCE_ONLY = N_("A briefing pack is for your own force only.")
CHOOSE_FORCE = N_("force: choose the force whose briefing pack to prepare.")
NO_SUCH_FORCE = N_("force: there is no such force.")


async def pack_force(request: Request[Any, Any, Any], viewer: Viewer, force: int | None) -> int:
    """The force whose pack is asked for: a partner's own (asking for another's is refused, and
    audited); staff name one with `force`."""
    if not viewer.is_staff:
        if force is not None and force != viewer.force_id:
            await refused(request, viewer, "other_force", f"force:{force}")
            raise PermissionDeniedException(OWN_FORCE_ONLY)
        if viewer.force_id is None:  # requires_partner lets no such partner through
            raise PermissionDeniedException(OWN_FORCE_ONLY)
        return viewer.force_id
    chosen = force if force is not None else viewer.force_id
    if chosen is None:
        raise ValidationException(CHOOSE_FORCE)
    if not await force_exists(chosen):
        raise NotFoundException(NO_SUCH_FORCE)
    return chosen


async def published_round(request: Request[Any, Any, Any], viewer: Viewer, round_id: int, force_id: int) -> Published:
    """The round as the force's dashboard gets it; 404 while unpublished (audited, as the
    dashboard's `provide_published` does)."""
    found = await published_for(round_id, force_id)
    if found is None:
        await refused(request, viewer, "not_published", f"round:{round_id}")
        raise NotFoundException(NOT_PUBLISHED)
    return found


def pdf_response(pack: PackFile) -> Response[bytes]:
    return Response(
        content=pack.content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{pack.filename}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


async def round_pack_pdf(
    request: Request[Any, Any, Any], viewer: Viewer, round_id: int, force: int | None, language: Language, group: str
) -> Response[bytes]:
    """A published round's pack for the force, compared with `group` as on its dashboard."""
    force_id = await pack_force(request, viewer, force)
    published = await published_round(request, viewer, round_id, force_id)
    return pdf_response(await round_pack(published, viewer, language, group))


async def meeting_pack_pdf(
    request: Request[Any, Any, Any], viewer: Viewer, meeting_id: int, force: int | None, language: Language
) -> Response[bytes]:
    """An announced meeting's pack for the force; 404 otherwise (audited as `not_published`)."""
    force_id = await pack_force(request, viewer, force)
    found = await meeting_pack(meeting_id, force_id, viewer, language)
    if found is None:
        await refused(request, viewer, "not_published", f"meeting:{meeting_id}")
        raise NotFoundException(NO_MEETING)
    return pdf_response(found)
