"""`worker`: works the mail queue (docs/mail.md). Run one or several beside `serve`."""

from __future__ import annotations

import argparse
import asyncio

from backend.cli.runtime import CliError, database
from backend.database import migrated, pool_lifespan
from backend.mail import config as mail_config
from backend.mail.queue import run_worker
from backend.settings import get_settings


def worker(args: argparse.Namespace) -> int:
    settings = get_settings()
    if not settings.database_url:
        raise CliError("DATABASE_URL is not set: `worker` works the production database's mail queue")
    if not settings.smtp_host:
        raise CliError("SMTP_HOST is not set: `worker` sends mail through an SMTP server (docs/mail.md)")
    if settings.uses_default_secret:
        raise CliError("SECRET_KEY is missing or the development default: set the one `serve` uses")
    if args.concurrency < 1:
        raise CliError("--concurrency must be 1 or more", status=2)
    mail_config.configure(settings)

    async def run() -> None:
        if not await migrated():
            raise CliError("the database has no tables yet: run `practice-exchange migrate` first")
        async with pool_lifespan(args.concurrency + 1):
            await run_worker(settings.database_url, args.concurrency, wait=not args.once)

    with database(settings, embedded_ok=False):
        print(f"Working the mail queue ({settings.smtp_host}:{settings.smtp_port}); Ctrl-C stops", flush=True)
        asyncio.run(run())
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("worker", help="send queued mail (run one or several beside `serve`)")
    p.add_argument("--concurrency", type=int, default=10, help="messages sent at once (default 10)")
    p.add_argument("--once", action="store_true", help="stop when the queue is empty")
    p.set_defaults(func=worker)
