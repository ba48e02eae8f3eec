"""Client addresses reach the logs only when the operator opts in, and then only in the
rate-limit warning (issue 7, item 11)."""

from __future__ import annotations

import logging

import httpx

from backend.app import create_app
from backend.settings import Settings


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


async def _rate_limit_warnings(settings: Settings, client_address: str) -> list[str]:
    """Sign-in attempts from `client_address` past a limit of 1 a minute; the warnings logged."""
    settings.sign_in_rate_limit = 1
    app = create_app(settings)
    app.state.settings = settings
    collect = _Collect()
    logger = logging.getLogger("backend.security.rate_limits")
    logger.addHandler(collect)
    try:
        transport = httpx.ASGITransport(app=app, client=(client_address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            attempt = {"email": f"someone@{client_address}.example.org", "password": "wrong password"}
            codes = [(await client.post("/sign-in", data=attempt)).status_code for _ in range(3)]
    finally:
        logger.removeHandler(collect)
    assert codes[0] != 429 and codes[1:] == [429, 429]
    return collect.lines


async def test_rate_limit_warning_names_no_address_by_default(app, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    assert settings.log_client_addresses is False  # the default
    lines = await _rate_limit_warnings(settings, "198.51.100.7")
    assert lines == ["rate limit reached: POST /sign-in"] * 2


async def test_rate_limit_warning_names_the_address_when_the_operator_opts_in(app, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    settings.log_client_addresses = True
    lines = await _rate_limit_warnings(settings, "198.51.100.8")
    assert lines == ["rate limit reached: POST /sign-in from 198.51.100.8"] * 2
