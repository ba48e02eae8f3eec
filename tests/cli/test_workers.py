"""`practice-exchange serve --workers 2` as deployed, on the test database: rate limits hold
across workers, uvicorn believes no X-Forwarded-For of its own, and killing `serve` outright
frees the port (issue 7, items 5, 6 and 14); keep-alive answers are not held back by Nagle's
algorithm (issue 10, item 5)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import psutil
import pytest
from argon2 import PasswordHasher

from backend.cli.server import listening_socket
from backend.partners.services import create_person
from backend.partners.tables import Person
from tests.conftest import free_port
from tests.integration.conftest import csrf_token

ROOT = Path(__file__).resolve().parents[2]
SECRET = "workers-test-secret-key-0123456789"


@dataclass
class Served:
    base: str
    port: int
    proc: subprocess.Popen[str]
    workers: list[psutil.Process] = field(default_factory=list)


@contextmanager
def serve_workers(dsn: str, workers: int = 2, **env: str) -> Iterator[Served]:
    """`practice-exchange serve --workers N` on a free port of 127.0.0.1 with DATABASE_URL and
    SECRET_KEY; yields once /healthz answers and its workers are up, and always stops it and
    every process it started (also when the test killed `serve` itself)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (a file: a full pipe would block the server)
    command = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "backend", *command],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": dsn, "SECRET_KEY": SECRET, "BASE_URL": base, "LOG_LEVEL": "WARNING", **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    served = Served(base, port, proc)
    try:
        _wait_until_serving(served, workers, log)
        yield served
    finally:
        _stop(served)
        log.close()


def _wait_until_serving(served: Served, workers: int, log: tempfile._TemporaryFileWrapper[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if served.proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"serve exited with {served.proc.returncode}: {log.read()}")
        served.workers = _workers_of(served.proc.pid)
        try:
            if len(served.workers) >= workers and httpx.get(f"{served.base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("serve did not start")


def _workers_of(pid: int) -> list[psutil.Process]:
    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    # multiprocessing also starts a resource tracker; the workers run spawn_main.
    return [c for c in children if "spawn_main" in " ".join(_cmdline(c))]


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return []


def _stop(served: Served) -> None:
    if served.proc.poll() is None:
        served.workers += _workers_of(served.proc.pid)
        served.proc.terminate()
        try:
            served.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            served.proc.kill()
            served.proc.wait()
    # Only our own processes, by pid: workers left behind would keep the port.
    for worker in served.workers:
        with suppress(psutil.NoSuchProcess):
            worker.kill()


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


async def _account_with_a_cheap_hash() -> str:
    """An account whose argon2id hash is cheap to check (verification reads the cost from the
    hash): twenty checks at the real cost would take seconds, and the limit is under test."""
    email = f"many.attempts-{uuid.uuid4().hex[:8]}@example.org"
    person_id = await create_person(email, "Many Attempts", "analyst")
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("the right password")
    await Person.update({Person.password_hash: cheap}).where(Person.id == person_id)
    return email


async def _forget_counters(dsn: str) -> None:
    """Earlier tests on this database may have counted attempts from 127.0.0.1."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("DELETE FROM rate_limit_counter")
    finally:
        await conn.close()


async def _sign_in_burst(base: str, email: str, attempts: int) -> list[int]:
    """`attempts` wrong-password sign-ins at once, each claiming another X-Forwarded-For."""
    limits = httpx.Limits(max_connections=attempts)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        token = csrf_token((await client.get("/sign-in")).text)
        data = {"email": email, "password": "not the password", "_csrf_token": token}
        spoofed = [{"x-forwarded-for": f"203.0.113.{i}"} for i in range(attempts)]
        responses = await asyncio.gather(*(client.post("/sign-in", data=data, headers=h) for h in spoofed))
    return [r.status_code for r in responses]


async def _link_guesses(base: str, guesses: int) -> list[int]:
    """`guesses` personal links tried at once, each claiming another X-Forwarded-For."""
    limits = httpx.Limits(max_connections=guesses)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        responses = await asyncio.gather(
            *(client.get(f"/r/guess-{i}", headers={"x-forwarded-for": f"198.51.100.{i}"}) for i in range(guesses))
        )
    return [r.status_code for r in responses]


def test_rate_limits_hold_across_two_workers(database_dsn: str) -> None:
    asyncio.run(_forget_counters(database_dsn))
    # 127.0.0.1 (the test) is no trusted proxy here: its X-Forwarded-For must change nothing,
    # whether uvicorn or the app reads it.
    env = {"SIGN_IN_RATE_LIMIT": "20", "ADDRESS_RATE_LIMIT": "60", "TRUSTED_PROXIES": "192.0.2.1"}
    try:
        with serve_workers(database_dsn, **env) as served:
            # One account, sixty attempts at once across both workers: exactly twenty go through.
            email = asyncio.run(_account_with_a_cheap_hash())
            codes = asyncio.run(_sign_in_burst(served.base, f" {email.upper()}", 60))
            assert sorted(codes) == [400] * 20 + [429] * 40, codes
            # Ninety link guesses from one address claiming ninety: the address's sixty go through.
            codes = asyncio.run(_link_guesses(served.base, 90))
            assert sorted(codes) == [404] * 60 + [429] * 30, codes
    finally:
        asyncio.run(_forget_counters(database_dsn))


def test_killing_serve_stops_its_workers(database_dsn: str) -> None:
    with serve_workers(database_dsn, workers=2) as served:
        assert len(served.workers) == 2
        served.proc.send_signal(signal.SIGKILL)
        served.proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (port_is_free(served.port) and not _alive(served.workers)):
            time.sleep(0.1)
        assert port_is_free(served.port), "a worker kept the port after serve was killed"
        assert not _alive(served.workers)


def _alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    """Those still running (a zombie has exited; only its parent has not collected it)."""
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
        except psutil.NoSuchProcess:
            pass
    return alive


def _keep_alive_round_trips(port: int, requests: int) -> list[float]:
    """Seconds per request of `requests` GET /healthz sent one after another on one keep-alive
    connection, each sent once the previous answer is complete (as a browser does)."""
    times = []
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # the client's own writes go out at once
        stream = conn.makefile("rb")
        for _ in range(requests):
            started = time.perf_counter()
            conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert stream.readline().startswith(b"HTTP/1.1 200")
            length = 0
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            stream.read(length)
            times.append(time.perf_counter() - started)
    return times


@pytest.mark.timeout_sensitive
def test_keep_alive_requests_are_not_delayed_with_two_workers(database_dsn: str) -> None:
    """Answers go out as soon as they are written (TCP_NODELAY), also when `serve` hands its
    socket to several workers: the listening socket is bound as a TCP socket, so the workers'
    event loops disable Nagle's algorithm on each connection. Without it, every answer after the
    first on a keep-alive connection waited for the client's delayed ACK (some 40 ms) because
    its body is written after its headers (uvicorn issue #3149)."""
    with serve_workers(database_dsn, workers=2) as served:
        times = _keep_alive_round_trips(served.port, 12)
    later = sorted(times[1:])
    # Not a timing goal: the delayed ACK it guards against is some 40 ms on Linux, a GET of
    # /healthz a fraction of a millisecond; the median of the later requests sits far from both.
    assert later[len(later) // 2] < 0.030, [f"{t * 1000:.1f} ms" for t in times]


def _event_loops() -> list[Any]:
    loops: list[Any] = [pytest.param(asyncio.new_event_loop, id="asyncio")]
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        return loops
    return [*loops, pytest.param(uvloop.new_event_loop, id="uvloop")]


@pytest.mark.parametrize("new_loop", _event_loops())
def test_connections_accepted_on_the_shared_socket_have_tcp_nodelay(new_loop: Callable[[], Any]) -> None:
    """The structural half of the test above, with no clock: a connection accepted on the socket
    `serve --workers` hands its workers has TCP_NODELAY, as a worker's event loop accepts it
    (uvicorn's workers get the socket through multiprocessing, which rebuilds it on a copy of its
    file descriptor with the family, type and protocol it was created with, as here), with
    either event loop uvicorn may run. asyncio sets the option only on connections of a socket
    created as IPPROTO_TCP (uvicorn creates it with protocol 0: its issue #3149); uvloop on
    every TCP connection."""
    port = free_port()
    shared = listening_socket("127.0.0.1", port)
    in_worker = socket.socket(shared.family, shared.type, shared.proto, fileno=os.dup(shared.fileno()))
    shared.close()

    async def accepted_nodelay() -> int:
        loop = asyncio.get_running_loop()
        option: asyncio.Future[int] = loop.create_future()

        class Accepted(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                sock = transport.get_extra_info("socket")
                option.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await loop.create_server(Accepted, sock=in_worker)
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            try:
                return await asyncio.wait_for(option, 10)
            finally:
                writer.close()
        finally:
            server.close()

    loop = new_loop()
    try:
        assert loop.run_until_complete(accepted_nodelay()) != 0
    finally:
        loop.close()
