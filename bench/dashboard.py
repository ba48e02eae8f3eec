"""The partner dashboard: requests per second against a bare Litestar route served by the same
app in the same process and run (with and without a session cookie), and the page's weight on a
cold load in Chromium.

    .venv/bin/python bench/dashboard.py [--seconds 8] [--connections 8] [--repeat 3] [--no-browser]

Seeds the demo (`practice-exchange demo`: the real questionnaire, 24 forces, two published
rounds) into a fresh database, signs in one partner per connection (each connection keeps its
own session, as browsers do) and loads the latest round's dashboard with wrk (bench/harness.py).
The figures go into docs/performance.md; they are ratios against the baseline measured in the
same run, never pass/fail timings. Needs wrk (Debian: apt-get install wrk; the script stops at
once, saying so, when it is missing) and, for the page weight, Chromium (apt-get install chromium).
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import shutil
import statistics
import sys
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    BARE_PATH,
    BROWSER_ENCODINGS,
    ROOT,
    free_port,
    fresh_database,
    machine_load,
    require_wrk,
    serve,
    settings_for,
    sign_in,
    wrk,
)

from backend.database import DB, fetchrow
from backend.demo.seed import FORCES, PARTNER_PASSWORD, TOOK_PART, seed_demo
from backend.surveys.services import sync_folder

LATEST_ROUND = "SELECT round FROM publication ORDER BY published_at DESC, id DESC LIMIT 1"


async def seed(base: str, secret_key: str) -> int:
    """The demo data; the latest published round's id."""
    await DB.start_connection_pool(min_size=1, max_size=2)
    try:
        await sync_folder(ROOT / "surveys")
        await seed_demo(base, secret_key)
        row = await fetchrow(LATEST_ROUND)
        assert row is not None
        return int(row["round"])
    finally:
        await DB.close_connection_pool()


def partner_emails(count: int) -> list[str]:
    """Contacts of forces that took part in the latest round (their own answers are marked)."""
    took_part = list(TOOK_PART.values())[-1]
    return [f"contact@{FORCES[i][1]}.practice-exchange.test" for i in took_part[:count]]


def check(base: str, path: str, cookies: list[str], encodings: str | None = None) -> int:
    """Every session gets the page itself (no redirect to sign-in, no error); its size as sent
    (compressed when `encodings` asks for it)."""
    sizes = set()
    for cookie in cookies or [""]:
        headers = {"cookie": cookie} if cookie else {}
        headers["accept-encoding"] = encodings or "identity"
        response = httpx.get(base + path, headers=headers, timeout=120)
        assert response.status_code == 200, (path, response.status_code)
        sizes.add(response.num_bytes_downloaded)
    return max(sizes)


def throughput(base: str, dashboard: str, cookies: list[str], seconds: float, repeat: int) -> None:
    connections = len(cookies)
    # (path, sessions, Accept-Encoding): "dashboard, gzip" as a browser asks for it
    targets: dict[str, tuple[str, list[str], str | None]] = {
        "dashboard": (dashboard, cookies, None),
        "dashboard, gzip": (dashboard, cookies, BROWSER_ENCODINGS),
        "bare, session": (BARE_PATH, cookies, None),
        "bare, no cookie": (BARE_PATH, [], None),
    }
    for name, (path, jar, encodings) in targets.items():
        size = check(base, path, jar, encodings)
        print(f"{name:16} {path} ({size} bytes as sent)")
        wrk(base + path, 1, connections, jar, accept_encoding=encodings)  # warm-up: caches, pools, the interpreter
    runs: dict[str, list[float]] = {name: [] for name in targets}
    cpu: dict[str, list[float]] = {name: [] for name in targets}
    for run in range(repeat):
        for name, (path, jar, encodings) in targets.items():
            result = wrk(base + path, seconds, connections, jar, accept_encoding=encodings)
            assert result.errors == 0, (name, result)
            runs[name].append(result.requests_per_second)
            cpu[name].append(result.cpu_us)
            print(f"run {run + 1}: {name:16} {result.row()}")
    for name, _ in targets.items():
        check(base, targets[name][0], targets[name][1], targets[name][2])  # the sessions are still signed in
    median = {name: statistics.median(values) for name, values in runs.items()}
    print()
    print(f"dashboard              : {median['dashboard']:9.1f} requests/s (median of {repeat})")
    print(f"bare, session cookie   : {median['bare, session']:9.1f} requests/s")
    print(f"bare, no cookie        : {median['bare, no cookie']:9.1f} requests/s")
    print(f"dashboard / bare+session : {median['dashboard'] / median['bare, session']:7.3f}")
    print(f"dashboard / bare         : {median['dashboard'] / median['bare, no cookie']:7.3f}")
    print(f"dashboard, gzip          : {median['dashboard, gzip']:9.1f} requests/s")
    print(f"dashboard, gzip / bare   : {median['dashboard, gzip'] / median['bare, no cookie']:7.3f}")
    us = {name: statistics.median(values) for name, values in cpu.items()}
    if all(us.values()):
        # What the ratios would be where the server alone is the bottleneck.
        print("server CPU per request  : " + ", ".join(f"{name} {value:.0f} µs" for name, value in us.items()))
        print(f"bare+session CPU / dashboard CPU : {us['bare, session'] / us['dashboard']:7.3f}")
        print(f"bare CPU / dashboard CPU         : {us['bare, no cookie'] / us['dashboard']:7.3f}")
        print(f"bare CPU / dashboard, gzip CPU   : {us['bare, no cookie'] / us['dashboard, gzip']:7.3f}")


def page_weight(base: str, dashboard: str, email: str) -> None:
    """Bytes transferred (headers and bodies as sent, i.e. compressed) for the dashboard in
    Chromium: a cold load (empty cache), the same page again (cache kept), and a cold load by a
    browser that takes gzip but not brotli."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        cookie = sign_in(base, email, PARTNER_PASSWORD)
        pairs = [part.partition("=") for part in cookie.split("; ")]
        for headers, labels in (
            ({}, ("cold load", "warm load")),
            ({"accept-encoding": "gzip, deflate"}, ("cold load, gzip only",)),
        ):
            context = browser.new_context(extra_http_headers=headers)
            context.add_cookies([{"name": name, "value": value, "url": base} for name, _, value in pairs])
            page = context.new_page()
            for label in labels:
                loads = _load(context, page, base, dashboard)
                total = sum(bytes_ for bytes_, _, _ in loads)
                print(f"\n{label}: {total / 1e6:.3f} MB transferred, {len(loads)} requests")
                for bytes_, encoding, url in sorted(loads, reverse=True):
                    print(f"  {bytes_:9d} B  {encoding or '-':5} {url}")
            context.close()
        browser.close()


def _load(context: Any, page: Any, base: str, path: str) -> list[tuple[int, str, str]]:
    """(bytes transferred, content encoding, URL) of each response while `page` loads `path`
    and draws every chart (Chrome DevTools Protocol: encodedDataLength, headers included)."""
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    seen: dict[str, list[Any]] = {}

    def received(event: dict[str, Any]) -> None:
        response = event["response"]
        encoding = {k.lower(): v for k, v in response["headers"].items()}.get("content-encoding", "")
        seen.setdefault(event["requestId"], [0, "", ""])[1:] = [encoding, response["url"].removeprefix(base)]

    def finished(event: dict[str, Any]) -> None:
        seen.setdefault(event["requestId"], [0, "", "?"])[0] = int(event["encodedDataLength"])

    cdp.on("Network.responseReceived", received)
    cdp.on("Network.loadingFinished", finished)
    page.goto(base + path, wait_until="networkidle")
    assert page.url == base + path, page.url
    drawn = page.locator('.chart[data-drawn="true"]').count()
    assert drawn == page.locator(".chart").count() > 0, drawn
    cdp.detach()
    return [(int(b), str(e), str(u)) for b, e, u in seen.values()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=8, help="connections, each with its own session")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each target, interleaved; medians reported")
    parser.add_argument("--no-browser", action="store_true", help="skip the page weight (Chromium)")
    parser.add_argument("--no-load", action="store_true", help="skip the requests per second (wrk)")
    args = parser.parse_args()
    if not args.no_load:
        require_wrk()

    print(machine_load())
    with fresh_database() as dsn:
        port = free_port()
        settings = settings_for(dsn, port, secrets.token_urlsafe(32))
        round_id = asyncio.run(seed(settings.base_url, settings.secret_key))
        dashboard = f"/dashboard/rounds/{round_id}"
        with serve(settings, port) as base:
            emails = partner_emails(args.connections)
            if not args.no_load:
                cookies = [sign_in(base, email, PARTNER_PASSWORD) for email in emails]
                throughput(base, dashboard, cookies, args.seconds, args.repeat)
            if not args.no_browser:
                page_weight(base, dashboard, emails[0])
    print(machine_load())


if __name__ == "__main__":
    main()
