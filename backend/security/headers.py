"""Security headers on every response.

They are added by a `before_send` hook, not a middleware: Litestar calls the hook on the
outermost `send`, so it also sees the responses that never reach the middleware stack — 404
and 405 from the router, and every error turned into a response by the app-level exception
handler (a CSRF refusal, the rate limiter's 429, a failure inside a middleware).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

#: No inline scripts anywhere: page data travels in <script type="application/json"> blocks
#: read by our own files. Plotly injects <style> elements, hence 'unsafe-inline' for styles.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)

#: The interactive API docs (Swagger UI, served from our origin) start with an inline script.
SCHEMA_CSP = CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")

HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    "cross-origin-opener-policy": "same-origin",
}

#: Two years, subdomains included: the value browsers' preload lists ask for. Sent only when
#: the site's public address is https (a browser ignores it over plain http anyway, but a
#: development server on http must not teach a browser to refuse http for the host).
STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains"

#: Personal pages must not be kept by shared office PCs' browsers or proxies.
NO_STORE_PREFIXES = ("/respond", "/r/", "/staff", "/dashboard", "/sign-in", "/account")

SendHook = Callable[[Message, Scope], Awaitable[None]]


def security_headers_hook(https: bool) -> SendHook:
    """The `before_send` hook: our headers on every HTTP response, errors included."""
    fixed = {**HEADERS, "strict-transport-security": STRICT_TRANSPORT_SECURITY} if https else HEADERS

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        for name, value in fixed.items():
            if name not in headers:
                headers[name] = value
        path: str = scope.get("path", "")
        if path.startswith("/schema"):
            headers["content-security-policy"] = SCHEMA_CSP
        if path.startswith(NO_STORE_PREFIXES):
            headers["cache-control"] = "no-store"

    return add_headers
