"""`demo` and `serve`: run the web application."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os

import uvicorn

from backend.cli.runtime import CliError, database, ensure_port_free
from backend.database import migrate, migrated, pool_lifespan
from backend.security.logs import uvicorn_log_config
from backend.settings import Settings, get_settings
from backend.surveys.services import SyncReport, sync_folder


async def _prepare(settings: Settings, *, demo: bool) -> list[str]:
    """Migrations, questionnaires from surveys/, and (demo) the demo data; returns lines to print."""
    async with pool_lifespan(2):
        lines = []
        applied = await migrate()
        if applied:
            lines.append(f"applied {len(applied)} migration(s)")
        lines += _sync_lines(await sync_folder(settings.surveys_dir))
        if demo:
            from backend.demo.seed import seed_demo

            accounts = await seed_demo(settings.base_url, settings.secret_key)
            lines.append("demo data created" if accounts.created else "demo data already present (kept)")
            lines += [
                "",
                "Sign in at " + settings.base_url + "/sign-in",
                f"  project staff (admin): {accounts.admin_email} / {accounts.admin_password}",
                f"  partner (Metropolitan Police Service): {accounts.partner_email} / {accounts.partner_password}",
                "  respondents need no account: they open their personal link, for example",
                f"    {accounts.respondent_link or '(see the invitations on a round page)'}",
                "  staff see every invitation link on a round's page.",
            ]
        return lines


def _sync_lines(report: SyncReport) -> list[str]:
    lines = [f"skipped invalid questionnaire: {p}" for p in report.problems]
    if report.created:
        lines.append("loaded questionnaire version(s): " + ", ".join(report.created))
    return lines


def _serve(settings: Settings, host: str, port: int, workers: int) -> None:
    # An import string and a factory: with several workers, each process builds its own app
    # (and its own connection pool) from the environment, and ends if `serve` dies (worker.py).
    uvicorn.run(
        "backend.cli.worker:create_worker_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level.lower(),
        # Access lines without the client's address or any link's secret (security/logs.py).
        log_config=uvicorn_log_config(),
        # uvicorn would believe X-Forwarded-For from 127.0.0.1 (or FORWARDED_ALLOW_IPS) on its
        # own; the app reads it from TRUSTED_PROXIES alone (security/proxies.py).
        proxy_headers=False,
    )


def demo(args: argparse.Namespace) -> int:
    settings = get_settings()
    host = "127.0.0.1"
    ensure_port_free(host, args.port)
    settings.base_url = f"http://{host}:{args.port}"
    with database(settings) as dsn:
        # The app (built by uvicorn from the factory) reads the DSN from the environment.
        os.environ["DATABASE_URL"] = dsn
        os.environ["BASE_URL"] = settings.base_url
        os.environ.setdefault("ALLOWED_HOSTS", "localhost")  # the demo is also reached as localhost
        for line in asyncio.run(_prepare(settings, demo=True)):
            print(line, flush=True)
        print(f"\nServing on {settings.base_url}  (Ctrl-C stops the server and the database)", flush=True)
        logging.getLogger("uvicorn.error").setLevel(logging.WARNING)
        _serve(settings, host, args.port, 1)
    print("stopped", flush=True)
    return 0


def serve(args: argparse.Namespace) -> int:
    settings = get_settings()
    if not settings.database_url:
        raise CliError("DATABASE_URL is not set: `serve` needs the production database (use `demo` to try it out)")
    if settings.uses_default_secret:
        raise CliError(
            "SECRET_KEY is missing or the development default: set a long random SECRET_KEY "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    if args.workers < 1:
        raise CliError("--workers must be 1 or more", status=2)
    ensure_port_free(args.host, args.port)
    with database(settings, embedded_ok=False):
        for line in asyncio.run(_prepare_serve(settings)):
            print(line, flush=True)
        print(f"Serving on http://{args.host}:{args.port} with {args.workers} worker(s)", flush=True)
        _serve(settings, args.host, args.port, args.workers)
    return 0


async def _prepare_serve(settings: Settings) -> list[str]:
    """Refuse to serve an unmigrated database; load questionnaire files as versions."""
    if not await migrated():
        raise CliError("the database has no tables yet: run `practice-exchange migrate` first")
    async with pool_lifespan(2):
        return _sync_lines(await sync_folder(settings.surveys_dir))
