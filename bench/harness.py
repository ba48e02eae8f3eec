"""What every HTTP benchmark here needs: a fresh database, the real server on it with a bare
baseline route, wrk runs with one session per connection, and a note of the machine's load.

    from harness import BARE_PATH, fresh_database, free_port, machine_load, serve, settings_for, sign_in, wrk

    with fresh_database() as dsn:                    # migrated; the Piccolo engine points at it
        port = free_port()
        settings = settings_for(dsn, port, secret_key)
        asyncio.run(my_seed(settings))               # whatever the page needs
        with serve(settings, port, workers=1) as base:   # `practice-exchange serve` + BARE_PATH
            cookies = [sign_in(base, email, password) for email in emails]   # one per connection
            page = wrk(base + "/my/page", 5, len(cookies), cookies)
            bare = wrk(base + BARE_PATH, 5, len(cookies), cookies)         # same cookies
            print(page.requests_per_second / bare.requests_per_second, page.p99_ms)
    print(machine_load())

- `serve` runs the production serve path (`backend.cli.server.serve_factory`: several workers
  bind the socket as `serve --workers N` does) in a subprocess, with an app factory that adds
  `GET /bench/bare` (returns "ok": no database, no template) to the real app.
- `wrk(url, seconds, connections, sessions)` runs wrk with one thread per connection, so that
  connection i sends session i mod len(sessions) (a Cookie header string, or a `Session` with
  the CSRF token for POSTs); `body=` makes the requests POSTs (autosave). Errors (status >= 400,
  socket errors) are counted in `.errors`, never raised: check them.
- `BENCH_PROFILE=/tmp/x.prof .venv/bin/python bench/<name>.py --repeat 1` runs the (one-worker)
  server under cProfile and writes its profile when the benchmark stops it; read it with
  `python -m pstats /tmp/x.prof` (figures are slowed about threefold, shares hold roughly).
- `wrk` needs the `wrk` load generator (Debian: `apt-get install wrk`); `require_wrk()` stops a
  benchmark at its start, saying so, when it is missing. Benchmarks run from the
  repository's root as `.venv/bin/python bench/<name>.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
import httpx  # noqa: E402
from litestar import Litestar, get  # noqa: E402

from backend.database import EmbeddedPostgres, configure, migrate  # noqa: E402
from backend.settings import Settings  # noqa: E402

#: The baseline route every benchmark server has (`bare`).
BARE_PATH = "/bench/bare"
WRK_SCRIPT = ROOT / "bench" / "wrk" / "session.lua"
#: What `serve(stack=…)` may run: what `serve` runs, or asyncio and h11 (to compare), or also
#: uvicorn's own listening socket for several workers (the Nagle delay of uvicorn issue #3149).
STACKS = ("auto", "asyncio", "asyncio-uvicorn-socket")
#: What to do when wrk is missing.
WRK_MISSING = "wrk is not installed: apt-get install wrk (Debian, Ubuntu), brew install wrk (macOS)"
#: Settings of the served app in every benchmark: no rate limit gets in the way of the load.
BENCH_ENV = {"LOG_LEVEL": "WARNING", "SIGN_IN_RATE_LIMIT": "100000", "ADDRESS_RATE_LIMIT": "100000"}


# --- the database -------------------------------------------------------------------------


@contextlib.contextmanager
def fresh_database() -> Iterator[str]:
    """A new, migrated database on DATABASE_URL's server (or an embedded PostgreSQL started in
    a temporary folder), dropped afterwards; the Piccolo engine points at it."""
    folder = embedded = None
    server_dsn = os.environ.get("DATABASE_URL")
    if not server_dsn:
        folder = Path(tempfile.mkdtemp(prefix="px-bench-"))
        folder.chmod(0o755)  # the embedded server runs as its own user when we are root
        embedded = EmbeddedPostgres(folder)
        server_dsn = embedded.start()
    name = f"px_bench_{secrets.token_hex(3)}"
    parts = urlsplit(server_dsn)
    dsn = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(server_dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        configure(dsn)
        asyncio.run(migrate())
        yield dsn
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if embedded is not None:
            embedded.stop()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


# --- the server ---------------------------------------------------------------------------


@get(BARE_PATH, include_in_schema=False, sync_to_thread=False)
def bare() -> str:
    """The baseline: a route of the real app (all its middleware) with no database work and
    no template. Requested with a session cookie, it costs what the session costs."""
    return "ok"


def create_bench_app() -> Litestar:
    """The factory each benchmark worker runs: the production worker's app, plus `bare`."""
    from backend.cli.worker import create_worker_app

    app = create_worker_app()
    app.register(bare)
    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def settings_for(dsn: str, port: int, secret_key: str) -> Settings:
    """The settings the served app gets (and the seed should use: links are made with the
    secret key and the base URL)."""
    settings = Settings()
    settings.database_url = dsn
    settings.secret_key = secret_key
    settings.base_url = f"http://127.0.0.1:{port}"
    settings.log_level = "WARNING"
    return settings


@contextlib.contextmanager
def serve(
    settings: Settings, port: int, workers: int = 1, env: dict[str, str] | None = None, stack: str = "auto"
) -> Iterator[str]:
    """The app on 127.0.0.1:`port` in a subprocess, as `serve --workers N` runs it, until the
    block ends; yields the base URL. `env` adds settings (see docs/configuration.md). `stack`:
    "auto" is what `serve` runs (uvloop and httptools, from uvicorn[standard]); "asyncio" has
    uvicorn run asyncio's event loop and h11 instead, to compare; "asyncio-uvicorn-socket" also
    binds the listening socket of several workers as uvicorn itself would (`serve` before
    issue 10: Nagle's algorithm on every connection)."""
    if stack not in STACKS:
        raise ValueError(f"stack must be one of {STACKS}")
    base = f"http://127.0.0.1:{port}"
    full_env = {
        **os.environ,
        **BENCH_ENV,
        "DATABASE_URL": settings.database_url,
        "SECRET_KEY": settings.secret_key,
        "BASE_URL": settings.base_url,
        "LOG_LEVEL": settings.log_level,
        **(env or {}),
    }
    command = [sys.executable, "-m", "bench.harness", "127.0.0.1", str(port), str(workers), stack]
    # The server's output goes to a file (errors such as wrk cutting connections at the end of
    # a run would drown the figures); it is shown if the server does not start.
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT)
        try:
            try:
                _wait_until_healthy(proc, base)
            except RuntimeError:
                log.seek(0)
                print(log.read()[-5000:], file=sys.stderr)
                raise
            _SERVER.append(proc)
            yield base
        finally:
            with contextlib.suppress(ValueError):
                _SERVER.remove(proc)
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_until_healthy(proc: subprocess.Popen[bytes], base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the bench server exited with {proc.returncode}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError("the bench server did not start")


def _serve_main(host: str, port: str, workers: str, stack: str = "auto") -> None:
    """The subprocess of `serve`."""
    import backend.cli.server
    from backend.cli.server import serve_factory

    if stack != "auto":
        # Every uvicorn Config made here says asyncio and h11; workers get this process's
        # Config (pickled), so they run the same.
        import uvicorn.config

        default_init = uvicorn.config.Config.__init__

        def asyncio_init(self: uvicorn.config.Config, *args: Any, **kwargs: Any) -> None:
            default_init(self, *args, **{**kwargs, "loop": "asyncio", "http": "h11"})

        uvicorn.config.Config.__init__ = asyncio_init  # type: ignore[method-assign]
    if stack == "asyncio-uvicorn-socket":
        backend.cli.server.listening_socket = _uvicorn_socket
    from backend.settings import get_settings

    # BENCH_PROFILE=<file>: the server runs under cProfile (one worker: it serves in this
    # process) and writes its profile there when stopped; read it with `python -m pstats`.
    profile_path = os.environ.get("BENCH_PROFILE")
    profiler = None
    if profile_path:
        import cProfile
        import signal

        # uvicorn raises the SIGTERM it caught again once it has stopped: let that end this
        # process through `finally` below, not at once.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        profiler = cProfile.Profile()
        profiler.enable()
    try:
        serve_factory(get_settings(), host, int(port), int(workers), factory="bench.harness:create_bench_app")
    finally:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile_path)


def _uvicorn_socket(host: str, port: int) -> socket.socket:
    """The listening socket as uvicorn binds it for several workers (uvicorn/config.py,
    `Config.bind_socket`): no protocol named, no TCP_NODELAY."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


# --- sessions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    """What a browser holding a session sends: its Cookie header, and the CSRF token that goes
    with it (for POSTs, as `X-CSRFToken`)."""

    cookie: str
    csrf: str = "-"
    #: the response revision an autosave starts from (it then follows the JSON answers)
    revision: int = 0


_CSRF_FIELD = re.compile(r'name="_csrf_token" value="([0-9a-f]+)"')


def cookie_header(client: httpx.Client) -> str:
    """The client's cookies as a Cookie header, the session's first."""
    jar = sorted(client.cookies.jar, key=lambda c: c.name != "session")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def sign_in(base: str, email: str, password: str) -> str:
    """A signed-in staff or partner session: its Cookie header (session first, then the CSRF
    cookie bound to it)."""
    with httpx.Client(base_url=base) as client:
        token = _CSRF_FIELD.search(client.get("/sign-in").text)
        assert token is not None
        signed_in = client.post("/sign-in", data={"email": email, "password": password, "_csrf_token": token[1]})
        assert signed_in.status_code in (302, 303), signed_in.status_code
        client.get(BARE_PATH)  # the CSRF cookie of the new session
        return cookie_header(client)


def open_link(base: str, link: str, page: str) -> Session:
    """A respondent session opened with a personal link, as a browser opens it, and the CSRF
    token of `page` (a respondent page with a form)."""
    with httpx.Client(base_url=base) as client:
        path = link.removeprefix(base)
        token = _CSRF_FIELD.search(client.get(path).text)
        assert token is not None
        opened = client.post(path, data={"_csrf_token": token[1]})
        assert opened.status_code in (302, 303), opened.status_code
        client.get(page)  # the CSRF cookie of the new session
        return reload(base, Session(cookie_header(client)), page)


def reload(base: str, session: Session, page: str) -> Session:
    """The session with the CSRF token and the revision `page` shows now (after autosaves);
    the session's cookies must hold a CSRF cookie bound to it (as `open_link` leaves them)."""
    shown = httpx.get(base + page, headers={"cookie": session.cookie})
    assert shown.status_code == 200, shown.status_code
    token = _CSRF_FIELD.search(shown.text)
    revision = re.search(r'name="revision" value="(\d+)"', shown.text)
    assert token is not None and revision is not None
    assert "csrftoken=" not in shown.headers.get("set-cookie", ""), "the CSRF cookie is not bound to the session"
    return Session(session.cookie, token[1], int(revision[1]))


# --- load ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    #: responses with a status >= 400, and socket errors
    errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    #: CPU time the server's processes used per request (user + system, microseconds): what a
    #: request costs the app whatever else the machine runs (0.0: not measured)
    cpu_us: float = 0.0

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds

    @property
    def latency(self) -> str:
        return f"{self.p50_ms:.2f} ms"

    def row(self) -> str:
        cpu = f"   server CPU {self.cpu_us:6.0f} µs/request" if self.cpu_us else ""
        return f"{self.requests_per_second:9.1f} req/s   p50 {self.p50_ms:6.2f} ms   p99 {self.p99_ms:6.2f} ms{cpu}"


def require_wrk() -> None:
    """Stops the benchmark at once, saying how to install wrk, when it is missing."""
    if shutil.which("wrk") is None:
        raise SystemExit(WRK_MISSING)


#: What Chromium sends as Accept-Encoding.
BROWSER_ENCODINGS = "gzip, deflate, br, zstd"
_WRK_LINE = re.compile(r"^BENCH (.*)$", re.MULTILINE)


def wrk(
    url: str,
    seconds: float,
    connections: int,
    sessions: Sequence[Session | str] = (),
    *,
    body: str | None = None,
    accept_encoding: str | None = None,
) -> WrkResult:
    """wrk against `url` for `seconds` with `connections` keep-alive connections, one wrk
    thread each, so that connection i sends session i mod len(sessions) (none: no cookie).
    With `body`, requests are POSTs of that form-encoded body plus `&revision=N`, N following
    the revision of the JSON answers (autosave), with the session's CSRF token in a header.
    With `accept_encoding`, requests carry it as Accept-Encoding (`BROWSER_ENCODINGS`: as
    Chromium sends); without, none, and answers come uncompressed."""
    require_wrk()
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as listing:
        for s in sessions:
            s = s if isinstance(s, Session) else Session(s)
            listing.write(f"{s.cookie}\t{s.csrf}\t{s.revision}\n")
    parts = urlsplit(url)
    env = {
        **os.environ,
        "BENCH_SESSIONS": listing.name,
        "BENCH_PATH": urlunsplit(("", "", parts.path, parts.query, "")),
    }
    if body is not None:
        env["BENCH_BODY"] = body
    if accept_encoding is not None:
        env["BENCH_ACCEPT_ENCODING"] = accept_encoding
    base = urlunsplit((parts.scheme, parts.netloc, "/", "", ""))
    command = [
        "wrk",
        "-t",
        str(connections),
        "-c",
        str(connections),
        "-d",
        f"{max(1, round(seconds))}s",
        "-s",
        str(WRK_SCRIPT),
        base,
    ]
    cpu_before = server_cpu_seconds()
    try:
        run = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    finally:
        os.unlink(listing.name)
    cpu = server_cpu_seconds() - cpu_before
    out = run.stdout
    if run.returncode != 0:
        raise RuntimeError(f"wrk failed ({run.returncode}):\n{run.stdout}\n{run.stderr}")
    found = _WRK_LINE.search(out)
    if found is None:
        raise RuntimeError(f"wrk gave no summary:\n{out}")
    v = {k: int(x) for k, x in (item.split("=") for item in found.group(1).split())}
    errors = v["non2xx"] + v["connect"] + v["read"] + v["write"] + v["timeout"]
    ms = 1000.0
    return WrkResult(
        v["requests"],
        v["duration_us"] / 1e6,
        errors,
        v["p50_us"] / ms,
        v["p90_us"] / ms,
        v["p99_us"] / ms,
        v["max_us"] / ms,
        cpu * 1e6 / v["requests"] if cpu > 0 and v["requests"] else 0.0,
    )


#: The process of the server `serve` runs now (its workers are its children), if any.
_SERVER: list[subprocess.Popen[bytes]] = []


def server_cpu_seconds() -> float:
    """CPU time (user + system) used so far by the running `serve` process and its workers."""
    import psutil

    total = 0.0
    for popen in _SERVER:
        with contextlib.suppress(psutil.NoSuchProcess):
            process = psutil.Process(popen.pid)
            for p in [process, *process.children(recursive=True)]:
                with contextlib.suppress(psutil.NoSuchProcess):
                    times = p.cpu_times()
                    total += times.user + times.system
    return total


# --- reporting ----------------------------------------------------------------------------


def machine_load(stack: str = "auto") -> str:
    """Cores, load (1/5/15 min), and the versions the figures depend on (`stack` as given to
    `serve`)."""
    from importlib.metadata import version

    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    extras = [name for name in ("uvloop", "httptools") if _installed(name)] if stack == "auto" else []
    server = f" ({', '.join(extras)})" if extras else " (asyncio, h11)"
    return (
        f"{os.cpu_count()} cores, load {load} (1/5/15 min), Python {platform.python_version()}, "
        f"Litestar {version('litestar')}, uvicorn {version('uvicorn')}{server}"
    )


def _installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


if __name__ == "__main__":
    _serve_main(*sys.argv[1:5])
