"""Browser tests: the real server (`practice-exchange serve`, as deployed) in a subprocess on
the session's test database, driven by Playwright in Debian's Chromium.

They skip only when no Chromium is installed and REQUIRE_BROWSER is unset; CI sets it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.conftest import truncate_all
from tests.served import run_async, served

SECRET = "browser-test-secret-key-0123456789"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("REQUIRE_BROWSER is set but no Chromium is installed (apt-get install chromium)")
        pytest.skip("no Chromium installed (set REQUIRE_BROWSER=1 to make this a failure)")
    from playwright.sync_api import sync_playwright

    # Module scope: Playwright's sync API runs an event loop in this thread while it is
    # open, which asyncio tests collected later could not share.
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Server:
    def __init__(self, base_url: str, dsn: str) -> None:
        self.base_url = base_url
        self.dsn = dsn

    def run(self, coroutine_factory: Callable[[], Any]) -> Any:
        return run_async(coroutine_factory)


@pytest.fixture(scope="module")
def server(database_dsn: str) -> Iterator[Server]:
    """A fresh database for the module, then the production server on a free port."""
    run_async(lambda: truncate_all(database_dsn))
    with served(database_dsn, SECRET, log_name="browser-server") as base:
        yield Server(base, database_dsn)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.js_errors = errors  # type: ignore[attr-defined]
    yield pg
    context.close()


def new_page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
    return context.new_page()


def assert_accessible(page: Any, what: str) -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, f"{what}: " + "; ".join(f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in serious)
