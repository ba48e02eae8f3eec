"""`serve --workers N`: what a request costs on a keep-alive connection (the Nagle delay of
uvicorn issue #3149, and that it is gone), and how throughput goes from one worker to two.

    .venv/bin/python bench/workers.py [--requests 400] [--seconds 5] [--connections 8] [--repeat 3]

For each server (the real app plus the bare route, bench/harness.py) — one worker and two, as
`serve` runs them (uvloop, httptools); two with asyncio and h11, bound by `serve`; and two with
asyncio and h11 on a listening socket bound as uvicorn binds it (what `serve --workers 2` did
before issue 10) — it measures:

- keep-alive: `--requests` GETs of the bare route sent one after another on one keep-alive
  connection, each once the previous answer is complete (as a browser loads a page's parts):
  the median and the 99th percentile of a request after the first;
- throughput: wrk against the bare route with `--connections` connections (no cookie), median
  of `--repeat` runs.

Figures as ratios in docs/performance.md. Needs wrk (Debian: apt-get install wrk).
"""

from __future__ import annotations

import argparse
import secrets
import socket
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import BARE_PATH, free_port, fresh_database, machine_load, require_wrk, serve, settings_for, wrk

#: (label, workers, stack)
SERVERS = (
    ("1 worker", 1, "auto"),
    ("2 workers", 2, "auto"),
    ("2 workers, asyncio + h11", 2, "asyncio"),
    ("2 workers, asyncio + h11, uvicorn's socket (before)", 2, "asyncio-uvicorn-socket"),
)


def keep_alive(port: int, requests: int) -> list[float]:
    """Seconds for each request after the first of `requests` sent one after another on one
    keep-alive connection."""
    times = []
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        stream = conn.makefile("rb")
        request = f"GET {BARE_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
        for _ in range(requests):
            started = time.perf_counter()
            conn.sendall(request)
            assert stream.readline().startswith(b"HTTP/1.1 200")
            length = 0
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            stream.read(length)
            times.append(time.perf_counter() - started)
    return sorted(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="keep-alive: requests on one connection")
    parser.add_argument("--seconds", type=float, default=5.0, help="throughput: seconds of each wrk run (0: skip)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3, help="wrk runs per server; the median is reported")
    args = parser.parse_args()
    require_wrk()

    print("before:", machine_load(), flush=True)
    rows = []
    with fresh_database() as dsn:
        for label, workers, stack in SERVERS:
            port = free_port()
            settings = settings_for(dsn, port, secrets.token_urlsafe(32))
            with serve(settings, port, workers=workers, stack=stack) as base:
                keep_alive(port, 50)  # warm-up: every worker's first requests
                times = keep_alive(port, args.requests)
                p50, p99 = times[len(times) // 2], times[min(len(times) - 1, round(0.99 * len(times)))]
                rps = 0.0
                if args.seconds > 0 and stack != "asyncio-uvicorn-socket":
                    wrk(base + BARE_PATH, 1, args.connections)
                    runs = [wrk(base + BARE_PATH, args.seconds, args.connections) for _ in range(args.repeat)]
                    rps = statistics.median(r.requests_per_second for r in runs)
                rows.append((label, p50, p99, rps))
                print(
                    f"{label:52} keep-alive p50 {p50 * 1000:6.2f} ms  p99 {p99 * 1000:6.2f} ms  "
                    + (f"bare {rps:8.1f} req/s" if rps else ""),
                    flush=True,
                )
    one = rows[0][3]
    print()
    for label, p50, p99, rps in rows:
        ratio = f"{rps / one:5.2f}" if rps and one else "  -  "
        ms = f"p50 {p50 * 1000:6.2f} ms  p99 {p99 * 1000:6.2f} ms"
        print(f"{label:52} keep-alive {ms}  throughput / 1 worker {ratio}")
    print("after: ", machine_load())


if __name__ == "__main__":
    main()
