"""`Authorization: Bearer <token>` on the JSON API (personal API tokens: `api_tokens.py`).

Outermost but for the host and proxy checks: a request to /api/ with a bearer token loses its
`Cookie` header here, before the session middleware, so it acts as the token's person only
(never also as a session's) and needs no CSRF token (`csrf.py` lets it through: no cookie is
involved, and a browser cannot send this header across sites without a CORS preflight, which
the app never grants). On any other path the header is ignored: a token never opens an HTML
page or a cookie-session route. The token is checked by `guards.load_viewer`, when a route
asks who is there.
"""

from __future__ import annotations

from typing import Any

from litestar.enums import ScopeType
from litestar.middleware.base import DefineMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

#: The key in the request's state that holds the bearer token (set only for /api/ paths).
BEARER_KEY = "bearer_token"
API_PREFIX = "/api/"


def bearer_token(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer":
                return token.strip()
    return None


def is_bearer_request(scope: Scope | Any) -> bool:
    state = scope.get("state")
    return isinstance(state, dict) and BEARER_KEY in state


class BearerMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and scope["path"].startswith(API_PREFIX):
            token = bearer_token(scope)
            if token is not None:
                scope["headers"] = [(k, v) for k, v in scope["headers"] if k != b"cookie"]
                scope.setdefault("state", {})[BEARER_KEY] = token  # type: ignore[typeddict-item]
        await self.app(scope, receive, send)


def bearer_middleware() -> DefineMiddleware:
    return DefineMiddleware(BearerMiddleware)
