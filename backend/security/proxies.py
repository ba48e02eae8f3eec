"""Which address a request comes from: the connecting address or, when that is one of
TRUSTED_PROXIES, the client its X-Forwarded-For names.

Rate limits count per client address, so this decides whether they work. Believe the header
from anyone, and a client sends a new made-up address with every attempt and is never
limited; believe it from nobody behind a reverse proxy, and every user has the proxy's
address and shares one budget. `serve` starts uvicorn with its own proxy-header handling off
(it would believe 127.0.0.1, or FORWARDED_ALLOW_IPS, whatever our setting says), and the app
does it here, from TRUSTED_PROXIES, so the integration tests run the code production runs.
"""

from __future__ import annotations

from collections.abc import Callable

from litestar.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from backend.settings import Settings


def proxy_headers_middleware(settings: Settings) -> Callable[[ASGIApp], ASGIApp]:
    """uvicorn's ProxyHeadersMiddleware with our list. Only when the connecting address is a
    trusted proxy does it read X-Forwarded-For, and then it takes the right-most address that
    is not itself a trusted proxy: what a client wrote at the left of the header is ignored,
    because each proxy appends the address it saw. It also takes X-Forwarded-Proto from them."""
    trusted = list(settings.trusted_proxies)

    def middleware(app: ASGIApp) -> ASGIApp:
        return ProxyHeadersMiddleware(app, trusted_hosts=trusted)  # type: ignore[arg-type,return-value]

    return middleware
