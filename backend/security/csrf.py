"""CSRF protection bound to the session.

Litestar's own CSRFMiddleware is a double-submit check: the token in the form (`_csrf_token`)
or the `X-CSRFToken` header must equal the CSRF cookie, and carry Litestar's HMAC. That HMAC
covers only a random value, so a token works in every session: whoever can plant a cookie in
a victim's browser (a sibling subdomain, a plain-http hop) plants the cookie of a token pair
fetched for themselves and forges the victim's forms. Here the HMAC also covers the session
id, so a token works only in the session it was issued to:

- token = nonce (64 hex) + HMAC-SHA256(SECRET_KEY, "csrf:" nonce ":" session id) (64 hex);
- a GET (HEAD, OPTIONS) keeps the cookie's token when it is bound to the request's session
  and issues a new one otherwise (after signing in or out, the next page has a new token);
- a POST needs the submitted token to equal the cookie, and, when the request carries a
  session, the token to be bound to that session.

A POST without any session acts as nobody (no signed-in person, no respondent), so binding
has nothing to protect there; it is let through on the double-submit check alone. That is
how a respondent whose session ended while typing still gets the page that shows what was
typed rather than a bare refusal. With `__Host-` cookie names (SECURE_COOKIES) a sibling
domain cannot plant cookies at all.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from litestar.config.csrf import CSRFConfig
from litestar.connection import Request
from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware._utils import should_bypass_middleware
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from backend.security.bearer import is_bearer_request
from backend.security.sessions import cookie_name, usable_session_id
from backend.settings import Settings

_TOKEN = re.compile(r"[0-9a-f]{128}")
FORM_FIELD = "_csrf_token"


@dataclass
class SessionBoundCSRFConfig(CSRFConfig):
    session_cookie: str = "session"
    """Name of the session id cookie the tokens are bound to."""


def _mac(secret: str, nonce: str, session_id: str | None) -> str:
    message = f"csrf:{nonce}:{session_id or ''}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def issue_token(secret: str, session_id: str | None) -> str:
    nonce = secrets.token_hex(32)
    return nonce + _mac(secret, nonce, session_id)


def is_bound(token: str, secret: str, session_id: str | None) -> bool:
    if not _TOKEN.fullmatch(token):
        return False
    return hmac.compare_digest(token[64:], _mac(secret, token[:64], session_id))


def _same_token(submitted: str, cookie: str) -> bool:
    # Shapes first: compare_digest refuses str with characters beyond ASCII, and a client
    # sends anything.
    return bool(_TOKEN.fullmatch(submitted) and _TOKEN.fullmatch(cookie)) and hmac.compare_digest(submitted, cookie)


class SessionBoundCSRFMiddleware(CSRFMiddleware):
    """Litestar's CSRF middleware with tokens bound to the session (see the module's doc)."""

    config: SessionBoundCSRFConfig

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or should_bypass_middleware(
            scope=scope,
            scopes=self.scopes,
            exclude_opt_key=self.config.exclude_from_csrf_key,
            exclude_path_pattern=self.exclude,
        ):
            await self.app(scope, receive, send)
            return
        if is_bearer_request(scope):  # /api/ with an API token and no cookie (security/bearer.py)
            await self.app(scope, receive, send)
            return
        request: Request[Any, Any, Any] = scope["litestar_app"].request_class(scope=scope, receive=receive)
        session_id = usable_session_id(request.cookies.get(self.config.session_cookie))
        cookie = request.cookies.get(self.config.cookie_name)
        state = ScopeState.from_scope(scope)
        if request.method in self.config.safe_methods:
            kept = cookie if cookie is not None and is_bound(cookie, self.config.secret, session_id) else None
            state.csrf_token = token = kept or issue_token(self.config.secret, session_id)
            await self.app(scope, receive, self.create_send_wrapper(send=send, token=token, csrf_cookie=kept))
            return
        submitted = await self._submitted_token(request)
        if (
            submitted is not None
            and cookie is not None
            and _same_token(submitted, cookie)
            and (session_id is None or is_bound(cookie, self.config.secret, session_id))
        ):
            state.csrf_token = submitted
            await self.app(scope, receive, send)
            return
        raise PermissionDeniedException("CSRF token verification failed")

    async def _submitted_token(self, request: Request[Any, Any, Any]) -> str | None:
        if header := request.headers.get(self.config.header_name):
            return header
        content_type, _ = request.content_type
        if content_type in {RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART}:
            value = (await request.form()).get(FORM_FIELD)
            return value if isinstance(value, str) else None
        return None


def csrf_middleware(settings: Settings) -> DefineMiddleware:
    """Innermost of our middleware, as Litestar places its own CSRF middleware. The cookie is
    readable by scripts on purpose: API clients send its value in the X-CSRFToken header."""
    config = SessionBoundCSRFConfig(
        secret=settings.secret_key,
        cookie_name=cookie_name("csrftoken", settings),
        cookie_secure=settings.secure_cookies,
        cookie_samesite="lax",
        # The links in a reminder, digest or sign-up message that switch them off: mail clients POST to it with one
        # click (RFC 8058) and no token; the unguessable token in the path is the proof.
        exclude=["/healthz", "^/reminders/off/", "^/digest/off/", "^/signup/unsubscribe/"],
        session_cookie=cookie_name("session", settings),
    )
    return DefineMiddleware(SessionBoundCSRFMiddleware, config=config)
