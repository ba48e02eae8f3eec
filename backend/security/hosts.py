"""Only our own host names are served: BASE_URL's and ALLOWED_HOSTS. A request naming another
host in its Host header gets 400: a DNS name pointed at us (DNS rebinding of a demo on
127.0.0.1, a look-alike domain) cannot use the site under its own name, and nothing built from
the request can name a host we do not own. /healthz answers whatever the Host, because health
checks (Docker's, a load balancer's) call it by an address."""

from __future__ import annotations

import contextlib
import ipaddress
import re
from urllib.parse import urlsplit

from litestar.config.allowed_hosts import AllowedHostsConfig
from litestar.middleware.allowed_hosts import AllowedHostsMiddleware
from litestar.middleware.base import DefineMiddleware
from litestar.types import ASGIApp

from backend.settings import Settings


class AnyPortAllowedHostsMiddleware(AllowedHostsMiddleware):
    """Litestar's check compares the whole Host header, port included, so `localhost` would
    refuse `localhost:8000`. As Django does, only the name is compared (in any case): the port
    says nothing about which site was meant, and operators list names, not name:port pairs."""

    def __init__(self, app: ASGIApp, config: AllowedHostsConfig) -> None:
        super().__init__(app, config)
        names = "|".join(_pattern(host) for host in config.allowed_hosts)
        self.allowed_hosts_regex = re.compile(rf"(?:{names})(?::[0-9]{{1,5}})?", re.IGNORECASE)


def _pattern(host: str) -> str:
    # As Litestar: `*.example.org` is any subdomain of example.org, not example.org itself.
    if host.startswith("*."):
        return rf"[^:/\s]+\.{re.escape(host[2:])}"
    return re.escape(host)


def host_name(entry: str) -> str:
    """`entry` as it appears in a Host header without its port: IPv6 addresses in brackets."""
    entry = entry.strip().lower()
    if not entry.startswith("*."):
        with contextlib.suppress(ValueError):  # e.g. "::1" without brackets
            entry = urlsplit(f"//{entry}").hostname or entry  # without a port or brackets
    try:
        address = ipaddress.ip_address(entry)
    except ValueError:
        return entry
    return f"[{address}]" if address.version == 6 else str(address)


def allowed_host_names(settings: Settings) -> list[str]:
    names = [urlsplit(settings.base_url).hostname or "", *settings.allowed_hosts]
    return sorted({host_name(name) for name in names if name.strip()})


def allowed_hosts_middleware(settings: Settings) -> DefineMiddleware:
    config = AllowedHostsConfig(allowed_hosts=allowed_host_names(settings), exclude=["^/healthz$"], www_redirect=False)
    return DefineMiddleware(AnyPortAllowedHostsMiddleware, config=config)
