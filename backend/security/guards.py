"""Route guards. Identity is loaded once per request from the session and kept in
`connection.state` so guards and handlers agree on who is asking. Refusals carry English
messages marked with `N_`: the JSON API says them as they are, error pages translate them."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from backend.audit.refusals import refused
from backend.i18n import N_
from backend.partners.schemas import PersonRow
from backend.partners.services import active_person
from backend.security.roles import PERSON_KEY, Viewer


def viewer_of(person: PersonRow) -> Viewer:
    return Viewer(
        person_id=person.id,
        name=person.name,
        email=person.email,
        role=person.role,
        force_id=person.force_id,
        can_respond=person.can_respond,
        language=person.language,
    )


async def load_viewer(connection: ASGIConnection[Any, Any, Any, Any]) -> Viewer | None:
    state = connection.state
    if "viewer" in state:
        return state["viewer"]
    viewer = None
    session = connection.scope.get("session") or {}
    person_id = session.get(PERSON_KEY) if isinstance(session, dict) else None
    if isinstance(person_id, int):
        person = await active_person(person_id)
        viewer = None if person is None else viewer_of(person)
    state["viewer"] = viewer
    return viewer


async def _signed_in(connection: ASGIConnection[Any, Any, Any, Any]) -> Viewer:
    viewer = await load_viewer(connection)
    if viewer is None:
        raise NotAuthorizedException(N_("Sign in to see this page."))
    return viewer


async def requires_sign_in(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    await _signed_in(connection)


async def requires_staff(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    viewer = await _signed_in(connection)
    if not viewer.is_staff:
        await refused(connection, viewer, "staff_only")
        raise PermissionDeniedException(N_("This page is for project staff only."))


async def requires_admin(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    viewer = await _signed_in(connection)
    if not viewer.is_admin:
        await refused(connection, viewer, "admin_only")
        raise PermissionDeniedException(N_("This action is for administrators only."))


async def requires_partner(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """A partner contact at a force, or staff (who may see every dashboard)."""
    viewer = await _signed_in(connection)
    if not (viewer.is_partner or viewer.is_staff):
        await refused(connection, viewer, "partner_only")
        raise PermissionDeniedException(N_("This page is for partner forces."))
