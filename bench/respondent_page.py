"""Requests per second of the respondent question page against a bare Litestar endpoint
served by the same app in the same process, and their ratio.

    .venv/bin/python bench/respondent_page.py [--seconds 5] [--concurrency 8]

Uses DATABASE_URL's server (a fresh database is created and dropped) or an embedded
PostgreSQL. Requests go through uvicorn over loopback HTTP, as a browser's would. The figures
go into docs/performance.md; they are ratios against the baseline measured in the same run,
never pass/fail timings.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import re
import secrets
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import uvicorn
from litestar import get

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend.app import create_app  # noqa: E402
from backend.database import EmbeddedPostgres, configure, migrate  # noqa: E402
from backend.settings import Settings  # noqa: E402


@get("/bench/bare", include_in_schema=False, sync_to_thread=False)
def bare() -> str:
    """The baseline: a Litestar route with no database work and no template."""
    return "ok"


async def seed(base_url: str, secret_key: str) -> str:
    """Forces, a round of the real questionnaire, and one respondent's personal link."""
    from backend.partners.services import create_force, create_person
    from backend.rounds.services import NewRound, invitation_url, open_round, round_invitations
    from backend.surveys.services import sync_folder

    await migrate()
    await sync_folder(ROOT / "surveys")
    staff = await create_person("bench@example.org", "Bench", "admin")
    force = await create_force("Bench force", "bench", "X", "europe", "national", "under_1000")
    await create_person("r@example.org", "R", "partner", force_id=force, can_respond=True)
    from backend.security.roles import Viewer
    from backend.surveys.tables import QuestionnaireVersion

    version = (
        await QuestionnaireVersion.select(QuestionnaireVersion.id)
        .where(QuestionnaireVersion.source_name == "drug-market-practice.yaml")
        .first()
    )
    creator = Viewer(staff, "B", "b", "admin", None, False, "en")
    round_id, _ = await open_round(NewRound("Bench", version["id"], [force], 3, None), secret_key, creator)
    invitation = (await round_invitations(round_id))[0]
    return invitation_url(base_url, secret_key, invitation.nonce)


async def measure(client: httpx.AsyncClient, path: str, seconds: float, concurrency: int) -> float:
    count = 0
    stop = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal count
        while time.perf_counter() < stop:
            response = await client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            count += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return count / (time.perf_counter() - start)


def load(base: str, link: str, seconds: float, concurrency: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    async def run() -> tuple[float, float]:
        async with httpx.AsyncClient(base_url=base, limits=httpx.Limits(max_connections=concurrency)) as c:
            page = await c.get(link.removeprefix(base))
            token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
            await c.post(link.removeprefix(base), data={"_csrf_token": token})
            section = "/respond/section/strategy"
            await measure(c, section, 1.0, concurrency)  # warm-up
            await measure(c, "/bench/bare", 1.0, concurrency)
            page_rps = await measure(c, section, seconds, concurrency)
            bare_rps = await measure(c, "/bench/bare", seconds, concurrency)
            return page_rps, bare_rps

    queue.put(asyncio.run(run()))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    folder = None
    server_dsn = os.environ.get("DATABASE_URL")
    embedded = None
    if not server_dsn:
        folder = Path(tempfile.mkdtemp(prefix="px-bench-"))
        folder.chmod(0o755)
        embedded = EmbeddedPostgres(folder)
        server_dsn = embedded.start()
    name = f"px_bench_{secrets.token_hex(3)}"
    parts = urlsplit(server_dsn)
    dsn = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(server_dsn)
        await conn.execute(sql)
        await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        configure(dsn)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        settings = Settings()
        settings.database_url = dsn
        settings.secret_key = secrets.token_urlsafe(32)
        settings.base_url = base
        link = asyncio.run(seed(base, settings.secret_key))
        settings.log_level = "WARNING"
        app = create_app(settings)
        app.register(bare)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)

        # The load comes from another process, so that the client's own work does not share
        # the server's interpreter.
        queue: multiprocessing.Queue[tuple[float, float]] = multiprocessing.Queue()
        loader = multiprocessing.Process(target=load, args=(base, link, args.seconds, args.concurrency, queue))
        loader.start()
        page_rps, bare_rps = queue.get(timeout=args.seconds * 4 + 60)
        loader.join()
        server.should_exit = True
        thread.join(timeout=10)
        print(f"respondent question page : {page_rps:8.1f} requests/s")
        print(f"bare Litestar endpoint   : {bare_rps:8.1f} requests/s")
        print(f"ratio page / bare        : {page_rps / bare_rps:8.3f}")
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if embedded is not None:
            embedded.stop()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
