"""Route guards. Identity is loaded once per request from the session and kept in
`connection.state` so guards and handlers agree on who is asking. Refusals carry English
messages marked with `N_`: the JSON API says them as they are, error pages translate them."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException, TooManyRequestsException
from litestar.handlers.base import BaseRouteHandler

from backend.audit.refusals import refused
from backend.i18n import N_
from backend.partners.schemas import PersonRow
from backend.partners.services import active_person
from backend.security.api_tokens import TokenScope, use_token
from backend.security.bearer import BEARER_KEY
from backend.security.rate_limits import address_of, bucket, count_attempt, current_wait
from backend.security.roles import PERSON_KEY, SAFE_METHODS, Viewer
from backend.settings import get_settings
from backend.web import data_epoch

#: The key in the request's state of the API token a request was authenticated with.
TOKEN_KEY = "api_token"
BAD_TOKEN = N_("This API token is not valid: it may be mistyped, revoked or expired.")
READ_ONLY_TOKEN = N_("This API token can only read: use a token with the write scope.")


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
    if BEARER_KEY in state:  # an /api/ request with a token: the token alone says who
        viewer = await _token_viewer(connection, state[BEARER_KEY])
    elif isinstance(person_id, int):
        viewer = await _session_viewer(person_id)
    state["viewer"] = viewer
    return viewer


#: The people signed-in sessions named, as loaded under the data epoch `_viewers_epoch`
#: (`web/data_epoch.py`: any change to `person` but a sign-in's time moves it on, in every process).
_viewers: dict[int, Viewer | None] = {}
_viewers_epoch: int | None = None
MAX_VIEWERS = 10_000


async def _session_viewer(person_id: int) -> Viewer | None:
    """The active person a session names (None: deactivated or gone), read once per data epoch."""
    global _viewers_epoch
    epoch = data_epoch.current()
    if epoch is not None and epoch == _viewers_epoch and person_id in _viewers:
        return _viewers[person_id]
    person = await active_person(person_id)
    viewer = None if person is None else viewer_of(person)
    if data_epoch.still(epoch):
        if _viewers_epoch != epoch or len(_viewers) >= MAX_VIEWERS:
            _viewers.clear()
            _viewers_epoch = epoch
        _viewers[person_id] = viewer
    return viewer


async def _token_viewer(connection: ASGIConnection[Any, Any, Any, Any], token: str) -> Viewer:
    """The person of a live API token. A wrong token counts against the client's address as a
    failed sign-in does (ADDRESS_RATE_LIMIT a minute, then 429); a read token refuses any
    method but GET and HEAD."""
    settings = getattr(connection.app.state, "settings", None) or get_settings()
    buckets = [bucket("token-address", address_of(connection.scope), settings.address_rate_limit)]
    wait = await current_wait(buckets)
    if wait is not None:
        raise TooManyRequestsException(headers={"retry-after": str(wait)})
    holder = await use_token(token)
    if holder is None:
        wait = await count_attempt(buckets)
        if wait is not None:
            raise TooManyRequestsException(headers={"retry-after": str(wait)})
        raise NotAuthorizedException(BAD_TOKEN, headers={"www-authenticate": 'Bearer error="invalid_token"'})
    if holder.scope != TokenScope.WRITE and connection.scope.get("method", "GET") not in SAFE_METHODS:
        raise PermissionDeniedException(READ_ONLY_TOKEN)
    connection.state[TOKEN_KEY] = holder
    return viewer_of(holder.person)


async def requires_session(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Signed in with a session, not an API token (making and revoking tokens)."""
    await _signed_in(connection)
    if BEARER_KEY in connection.state:
        raise PermissionDeniedException(N_("Manage API tokens signed in, not with a token."))


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
