"""Server-side sessions in PostgreSQL, with a fresh session id at every sign-in."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig

from backend.settings import Settings

_ROTATE = "rotate_session_id"


class RotatingSessionBackend(ServerSideSessionBackend):
    """Issues a new session id when a handler asked for it (after signing in), so that a
    session id planted before sign-in is worthless afterwards (session fixation)."""

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        state = connection.state
        if state.get(_ROTATE):
            if "new_session_id" not in state:
                state["new_session_id"] = self.generate_session_id()
            return str(state["new_session_id"])
        return super().get_session_id(connection)

    async def store_in_message(
        self, scope_session: Any, message: Any, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> None:
        # Without a session cookie and with nothing to keep, there is nothing to delete or
        # write: anonymous page views then cost no database round trip.
        if not scope_session and self.config.key not in connection.cookies and not connection.state.get(_ROTATE):
            return
        await super().store_in_message(scope_session, message, connection)


def rotate_session(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    connection.state[_ROTATE] = True


class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend


def session_config(settings: Settings) -> ServerSideSessionConfig:
    return RotatingSessionConfig(
        store="sessions",
        max_age=settings.session_max_age,
        renew_on_access=True,
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
        exclude=["^/healthz", "^/static/", "^/vendor/", "^/schema"],
    )
