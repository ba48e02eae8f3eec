"""Security headers on every response."""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

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


def security_headers_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                for name, value in HEADERS.items():
                    if name not in headers:
                        headers[name] = value
                if scope["path"].startswith("/schema"):
                    headers["content-security-policy"] = SCHEMA_CSP
                if scope["path"].startswith(("/respond", "/r/", "/staff", "/dashboard", "/sign-in")):
                    # Personal pages must not be kept by shared office PCs' browsers or proxies.
                    headers["cache-control"] = "no-store"
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware
