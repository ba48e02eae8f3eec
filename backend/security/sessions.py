"""Server-side sessions in PostgreSQL: ids only the server chooses, a fresh id at every
sign-in (the old one deleted at once), a cap on what one session may hold, and no write for a
request that leaves its session as it was."""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.types import Empty
from litestar.utils.dataclass import extract_dataclass_items

from backend.security.store import PostgresStore
from backend.settings import Settings

log = logging.getLogger(__name__)

_ROTATE = "rotate_session_id"
#: The id of the stored session the cookie named, once it was found in the store.
_KNOWN = "known_session_id"
#: A fresh id made by the server for this request (no known session, or a rotation).
_FRESH = "fresh_session_id"
#: The session as the store held it when the request came in (a session left as it was is
#: not written back).
_STORED = "stored_session"
#: Set when reading the session renewed its expiry.
_RENEWED = "session_renewed"

#: A session's expiry is moved on (to now + its max age) when it is more than this many
#: seconds older than that: at most once a minute for a session in use.
RENEW_EVERY = 60

#: Session ids are `secrets.token_hex(32)`: anything else in the cookie is not one of ours,
#: and is never looked up (nor written: a 400-character key would not even fit the column).
SESSION_ID_BYTES = 32
_SESSION_ID = re.compile(rf"[0-9a-f]{{{2 * SESSION_ID_BYTES}}}")

#: The most a serialised session may hold. Ours hold a person or invitation id, a link hash,
#: a language and a few flash messages (well under 1 KiB); a bigger one is someone storing
#: data at our expense, since every later request would read and write it again.
MAX_SESSION_BYTES = 8 * 1024


class RotatingSessionBackend(ServerSideSessionBackend):
    """Adopts only session ids that exist in the store (an unknown or malformed cookie gets a
    new id: session fixation), issues a new id when a handler asked for it (after signing
    in) and deletes the old one at once, and refuses to store oversized sessions.

    One statement at most each way: reading a session is one statement, which also renews its
    expiry when that is more than `RENEW_EVERY` seconds old (so at most once a minute per
    session); writing happens only when the session changed (or got a new id), as one
    statement. A request that leaves its session as it was writes nothing and sends no cookie,
    except after a renewal (the browser's copy of the cookie expires with the stored one)."""

    def __init__(self, config: ServerSideSessionConfig) -> None:
        super().__init__(config)
        self._cookie_params = dict(extract_dataclass_items(config, exclude_none=True, include=Cookie.__dict__.keys()))

    def _cookie_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
        return usable_session_id(connection.cookies.get(self.config.key))

    def _store(self, connection: ASGIConnection[Any, Any, Any, Any]) -> PostgresStore:
        store = self.config.get_store_from_app(connection.scope["app"])
        assert isinstance(store, PostgresStore)
        return store

    async def load_from_connection(self, connection: ASGIConnection[Any, Any, Any, Any]) -> dict[str, Any]:
        session_id = self._cookie_id(connection)
        if session_id is None:
            return {}
        loaded = await self._store(connection).load(session_id, int(self.config.max_age), RENEW_EVERY)
        if loaded is None:
            return {}
        data, renewed = loaded
        state = connection.state
        state[_KNOWN] = session_id
        state[_STORED] = data
        if renewed:
            state[_RENEWED] = True
        return self.deserialize_data(data)

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        state = connection.state
        known = state.get(_KNOWN)
        if known and not state.get(_ROTATE):
            return str(known)
        if _FRESH not in state:
            state[_FRESH] = self.generate_session_id()
        return str(state[_FRESH])

    async def store_in_message(
        self, scope_session: Any, message: Any, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> None:
        state = connection.state
        known = state.get(_KNOWN)
        rotating = bool(state.get(_ROTATE))
        store = self._store(connection)
        headers = MutableScopeHeaders.from_message(message)
        if scope_session is Empty:  # cleared (`request.clear_session()`)
            if known:
                await store.delete(str(known))
            headers.add("Set-Cookie", self._cookie("null", expires=0))
            return
        # No stored session and nothing to keep: nothing to delete or write, so anonymous page
        # views (and requests with a stale or forged cookie) cost no database round trip.
        if not known and not rotating and not scope_session:
            return
        data = self.serialize_data(scope_session, connection.scope)
        if len(data) > MAX_SESSION_BYTES:
            # Nothing is written: the stored session stays as it was (but an id being replaced
            # is worthless from now on, as after any rotation).
            log.warning("session not stored: %d bytes is over the %d-byte limit", len(data), MAX_SESSION_BYTES)
            if known and rotating:
                await store.delete(str(known))
            return
        session_id = self.get_session_id(connection)
        expires_in = int(self.config.max_age)
        if known and not rotating:
            if data == state.get(_STORED):
                if state.get(_RENEWED):
                    headers.add("Set-Cookie", self._cookie(session_id))
                return
            await store.set(session_id, data, expires_in=expires_in)
        elif known:
            # The replaced id must be worthless now, not when it would have expired.
            await store.replace(str(known), session_id, data, expires_in=expires_in)
        else:
            await store.set(session_id, data, expires_in=expires_in)
        headers.add("Set-Cookie", self._cookie(session_id))

    def _cookie(self, value: str, **extra: Any) -> str:
        return Cookie(value=value, key=self.config.key, **{**self._cookie_params, **extra}).to_header(header="")


def usable_session_id(raw: str | None) -> str | None:
    """The cookie's value if it has the form of one of our session ids (CSRF tokens are bound to it)."""
    return raw if raw and _SESSION_ID.fullmatch(raw) else None


def cookie_name(name: str, settings: Settings) -> str:
    """`__Host-` + name when cookies are Secure: browsers then take the cookie only from this
    exact host, over HTTPS, with Path=/ and no Domain, so neither a sibling subdomain nor a
    plain-http response can plant or overwrite it (session fixation, CSRF cookie tossing)."""
    return f"__Host-{name}" if settings.secure_cookies else name


def rotate_session(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    connection.state[_ROTATE] = True


class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend


def session_config(settings: Settings) -> ServerSideSessionConfig:
    return RotatingSessionConfig(
        key=cookie_name("session", settings),
        store="sessions",
        max_age=settings.session_max_age,
        renew_on_access=True,
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
        session_id_bytes=SESSION_ID_BYTES,
        exclude=["^/healthz", "^/static/", "^/vendor/", "^/schema"],
    )
