"""Latency at a fixed offered rate (open loop), measured from each request's intended send time.

A closed-loop generator (wrk, or N clients each waiting for its answer before asking again)
sends less when the server slows down, so the slow moments hold few samples and the
percentiles look better than what users see ("coordinated omission"). wrk2 fixes that, but
is not packaged in Debian. This generator schedules request i at start + i / rate whatever
happened before, sends it on an idle keep-alive connection (opening another when none is
idle, up to `max_connections`; beyond that it waits for one, still on the clock), and counts
its latency from the scheduled time to the last byte of the answer. A late sender (this
process falling behind) therefore shows as latency, never as a smaller sample.

    from openloop import open_loop
    result = open_loop("127.0.0.1", port, [request_bytes, ...], rate=200, seconds=10)
    print(result.row())

Requests are raw HTTP/1.1 bytes (`get_request`), cycled in order (one per session, say). It
is plain asyncio with a minimal HTTP reader, light enough that 200 requests/s cost this
process a few per cent of a core.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field


def get_request(host: str, path: str, cookie: str = "") -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@dataclass
class OpenLoopResult:
    rate: float
    seconds: float
    #: latency of each request from its scheduled time, in seconds, sorted
    latencies: list[float] = field(default_factory=list)
    #: statuses other than 2xx/3xx, and failed connections
    errors: int = 0
    connections: int = 0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        index = min(len(self.latencies) - 1, max(0, round(p / 100 * len(self.latencies)) - 1))
        return self.latencies[index]

    def row(self) -> str:
        ms = [1000 * self.percentile(p) for p in (50, 90, 99, 99.9)]
        return (
            f"offered {self.rate:.0f}/s for {self.seconds:.0f} s: {len(self.latencies)} answers, {self.errors} errors, "
            f"{self.connections} connections; latency p50 {ms[0]:.1f} ms, p90 {ms[1]:.1f} ms, p99 {ms[2]:.1f} ms, "
            f"p99.9 {ms[3]:.1f} ms, max {1000 * max(self.latencies, default=0):.1f} ms"
        )


async def _read_response(reader: asyncio.StreamReader) -> int:
    """Reads one response (Content-Length or chunked); returns its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def _open_loop(
    host: str, port: int, requests: list[bytes], rate: float, seconds: float, warmup: float, max_connections: int
) -> OpenLoopResult:
    result = OpenLoopResult(rate, seconds)
    idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    opened = 0
    slots = asyncio.Semaphore(max_connections)
    tasks: set[asyncio.Task[None]] = set()
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.1
    measure_from = start + warmup

    async def one(i: int, scheduled: float) -> None:
        nonlocal opened
        async with slots:
            try:
                reader, writer = idle.get_nowait()
            except asyncio.QueueEmpty:
                reader, writer = await asyncio.open_connection(host, port)
                opened += 1
            try:
                writer.write(requests[i % len(requests)])
                status = await _read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                writer.close()
                if scheduled >= measure_from:
                    result.errors += 1
                return
            done = loop.time()
            idle.put_nowait((reader, writer))
        if scheduled >= measure_from:
            result.latencies.append(done - scheduled)
            if status >= 400:
                result.errors += 1

    total = int((warmup + seconds) * rate)
    for i in range(total):
        scheduled = start + i / rate
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(i, scheduled))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    await asyncio.gather(*tasks)
    while not idle.empty():
        idle.get_nowait()[1].close()
    result.latencies.sort()
    result.connections = opened
    return result


def open_loop(
    host: str,
    port: int,
    requests: list[bytes],
    *,
    rate: float,
    seconds: float,
    warmup: float = 2.0,
    max_connections: int = 256,
) -> OpenLoopResult:
    """Offer `rate` requests a second for `warmup` + `seconds` seconds; latencies of the last
    `seconds` only."""
    began = time.perf_counter()
    result = asyncio.run(_open_loop(host, port, requests, rate, seconds, warmup, max_connections))
    assert time.perf_counter() - began >= warmup + seconds
    return result
