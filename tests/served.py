"""The production server (`practice-exchange serve`) in a subprocess on the test database, for
the tests that need the real thing: lifespan, uvicorn, and requests from another process."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]


def run_async(coroutine_factory: Callable[[], Any]) -> Any:
    """Run database set-up code from a synchronous test, in a thread of its own (Playwright's
    sync API keeps an event loop in the test's thread); no pool: each query opens its own
    connection."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(coroutine_factory())).result()


@contextmanager
def served(database_dsn: str, secret: str, log_name: str = "server", **env: str) -> Iterator[str]:
    """Serve on a free port of 127.0.0.1 until the block ends; yields the base URL. The
    server's output goes to var/<log_name>-<port>.log when var/ exists."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    full_env = {
        **os.environ,
        "DATABASE_URL": database_dsn,
        "SECRET_KEY": secret,
        "BASE_URL": base,
        "LOG_LEVEL": "WARNING",
        **env,
    }
    log_dir = ROOT / "var"
    log = open(log_dir / f"{log_name}-{port}.log", "w") if log_dir.is_dir() else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "backend", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=full_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_healthy(proc, base)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        if log is not subprocess.DEVNULL:
            log.close()


def _wait_until_healthy(proc: subprocess.Popen[bytes], base: str) -> None:
    for _ in range(150):
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("server did not start")
