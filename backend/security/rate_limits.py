"""Rate limits on the endpoints that check secrets (passwords, links), counted in the shared
store so that every worker sees the same counts."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.middleware.rate_limit import RateLimitConfig

from backend.settings import Settings

THROTTLED_PREFIXES = ("/sign-in", "/r/")


def _throttled(request: Request[Any, Any, Any]) -> bool:
    return request.method == "POST" and request.url.path.startswith(THROTTLED_PREFIXES)


def rate_limit_config(settings: Settings) -> RateLimitConfig:
    return RateLimitConfig(
        rate_limit=("minute", settings.sign_in_rate_limit),
        check_throttle_handler=_throttled,
        store="rate_limit",
    )
