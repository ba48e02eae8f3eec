"""1,000 invitations through the mail queue against the same 1,000 sent directly with
aiosmtplib, both to one aiosmtpd server on loopback.

    .venv/bin/python bench/mail_queue.py [--messages 1000] [--concurrency 10] [--repeat 3]

- queue: the messages are written (`mail.services.queue`, 100 per transaction, each with its
  procrastinate job), then one worker (`mail.queue.run_worker`, `--concurrency` jobs at once)
  sends them until the queue is empty: each job locks its row, builds the MIME message, opens
  an SMTP connection, sends, and marks the row sent;
- direct: the same MIME messages, built beforehand, sent with `aiosmtplib.send` (a connection
  each, as the worker opens), `--concurrency` at once.

Prints the seconds of each and the ratio queue / direct, for docs/performance.md (fresh
database on DATABASE_URL's server, or an embedded PostgreSQL).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiosmtplib
from aiosmtpd.controller import Controller
from harness import free_port, fresh_database, machine_load

from backend.database import execute, fetch, pool_lifespan
from backend.mail import config as mail_config
from backend.mail.compose import Draft, draft, sample_values
from backend.mail.delivery import build_email
from backend.mail.links import link_ref
from backend.mail.queue import run_worker
from backend.mail.schemas import MessageKind
from backend.mail.services import queue
from backend.settings import Settings


class Counter:
    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received += 1
        return "250 OK"


def invitations(n: int, run: int) -> list[Draft]:
    values = sample_values(MessageKind.INVITATION, "http://127.0.0.1:8000")
    return [
        draft(
            MessageKind.INVITATION,
            f"bench:{run}:{i}",
            recipient=f"person{i}@force{i % 200}.example.org",
            language_code=("en", "fr", "es")[i % 3],
            link_ref=link_ref("invitation", f"{run:08x}{i:024x}"),
            **values,
        )
        for i in range(n)
    ]


async def through_queue(dsn: str, drafts: list[Draft], concurrency: int) -> float:
    start = time.perf_counter()
    for i in range(0, len(drafts), 100):
        await queue(drafts[i : i + 100])
    await run_worker(dsn, concurrency, wait=False, signals=False)
    elapsed = time.perf_counter() - start
    sent = await fetch("SELECT count(*) AS n FROM message WHERE state = 'sent'")
    assert sent[0]["n"] == len(drafts), sent
    return elapsed


async def directly(drafts: list[Draft], settings: Settings, concurrency: int) -> float:
    config = mail_config.current()
    rows = [
        {
            "idempotency_key": d.idempotency_key,
            "recipient": d.recipient,
            "recipient_name": d.recipient_name,
            "language": d.language,
            "subject": d.subject,
            "body_text": d.body_text,
            "body_html": d.body_html,
            "link_ref": d.link_ref,
        }
        for d in drafts
    ]
    messages = [build_email(r, config) for r in rows]
    limit = asyncio.Semaphore(concurrency)

    async def one(message: Any) -> None:
        async with limit:
            await aiosmtplib.send(message, hostname=settings.smtp_host, port=settings.smtp_port, start_tls=False)

    start = time.perf_counter()
    await asyncio.gather(*(one(m) for m in messages))
    return time.perf_counter() - start


async def main(dsn: str, args: argparse.Namespace) -> None:
    handler = Counter()
    smtp = Controller(handler, hostname="127.0.0.1", port=free_port())
    smtp.start()
    settings = Settings()
    settings.database_url = dsn
    settings.smtp_host, settings.smtp_port = "127.0.0.1", smtp.port
    settings.secret_key = "bench-secret-key-0123456789abcdef"
    mail_config.configure(settings)
    queued, direct = [], []
    try:
        async with pool_lifespan(args.concurrency + 2):
            for run in range(args.repeat):
                drafts = invitations(args.messages, run)
                await execute("TRUNCATE message, procrastinate_jobs CASCADE")
                queued.append(await through_queue(dsn, drafts, args.concurrency))
                direct.append(await directly(drafts, settings, args.concurrency))
                print(f"run {run + 1}: queue {queued[-1]:.2f} s, direct {direct[-1]:.2f} s", flush=True)
    finally:
        smtp.stop()
    assert handler.received == 2 * args.messages * args.repeat, handler.received
    q, d = statistics.median(queued), statistics.median(direct)
    print(f"\n{machine_load()}")
    print("| messages | concurrency | queue (s) | direct (s) | queue (msg/s) | direct (msg/s) | queue / direct |")
    print(
        f"| {args.messages} | {args.concurrency} | {q:.2f} | {d:.2f} | {args.messages / q:.0f} | "
        f"{args.messages / d:.0f} | {q / d:.2f} |"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    with fresh_database() as database:
        asyncio.run(main(database, arguments))
