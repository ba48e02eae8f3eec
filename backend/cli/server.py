"""`demo` and `serve`: run the web application."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
from pathlib import Path
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

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
                f"  mail goes to {_mail_destination(settings)}: staff read every message on "
                f"{settings.base_url}/staff/outbox",
                *_newcomer_lines(settings),
            ]
        return lines


#: The force list of the newcomer's path (docs/newcomer.md), beside the code in a checkout.
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def _newcomer_lines(settings: Settings) -> list[str]:
    """The newcomer's path through the demo: import a force list, open a round, read the
    invitations in the mailbox, answer through the link in one, watch the monitor, remind."""
    forces, people = EXAMPLES / "newcomer-forces.csv", EXAMPLES / "newcomer-people.csv"
    if not forces.is_file() or not people.is_file():
        return []
    return [
        "",
        "A first round from scratch (docs/newcomer.md): as staff, on " + settings.base_url + "/staff/forces/import,",
        f"  import {forces}, then {people};",
        "  open a round for those three forces; read the invitations on the Outbox page and open the",
        "  link in one; answer; watch the round's monitor; remind the rest from there.",
    ]


def _mail_destination(settings: Settings) -> str:
    if settings.smtp_host:
        return f"the SMTP server {settings.smtp_host}:{settings.smtp_port}"
    return "the local mailbox (no SMTP_HOST)"


def _sync_lines(report: SyncReport) -> list[str]:
    lines = [f"skipped invalid questionnaire: {p}" for p in report.problems]
    if report.created:
        lines.append("loaded questionnaire version(s): " + ", ".join(report.created))
    return lines


#: What each worker serves: an import string of an app factory (worker.py).
APP_FACTORY = "backend.cli.worker:create_worker_app"


def serve_factory(settings: Settings, host: str, port: int, workers: int, factory: str = APP_FACTORY) -> None:
    """Serve `factory`'s app with uvicorn: in this process with one worker, else in `workers`
    processes sharing a listening socket bound here (`listening_socket`)."""
    # An import string and a factory: with several workers, each process builds its own app
    # (and its own connection pool) from the environment, and ends if `serve` dies (worker.py).
    options: dict[str, Any] = {
        "factory": True,
        "host": host,
        "port": port,
        "workers": workers,
        "log_level": settings.log_level.lower(),
        # Access lines without the client's address or any link's secret (security/logs.py).
        "log_config": uvicorn_log_config(),
        # uvicorn would believe X-Forwarded-For from 127.0.0.1 (or FORWARDED_ALLOW_IPS) on its
        # own; the app reads it from TRUSTED_PROXIES alone (security/proxies.py).
        "proxy_headers": False,
    }
    if workers == 1:
        uvicorn.run(factory, **options)
        return
    # uvicorn.run would bind the socket itself, without naming the protocol: the workers'
    # event loops then take it for something other than TCP and leave Nagle's algorithm on,
    # and every answer after the first on a keep-alive connection waits some 40 ms for the
    # client's delayed ACK (uvicorn issue #3149). Its supervisor runs the same way as there.
    config = uvicorn.Config(factory, **options)
    sock = listening_socket(host, port)
    logging.getLogger("uvicorn.error").info("Uvicorn running on http://%s:%d", host, port)
    try:
        Multiprocess(config, sockets=[sock]).run()
    except KeyboardInterrupt:  # as uvicorn.run: Ctrl-C is how it is meant to stop
        pass
    finally:
        sock.close()


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket listening on host:port, for uvicorn's workers to share. Created with
    IPPROTO_TCP, so that asyncio sets TCP_NODELAY on each connection it accepts (it does so
    only for sockets that say they are TCP); the option is also set on the socket itself,
    which Linux passes on to accepted connections."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise CliError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    sock.set_inheritable(True)
    return sock


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
        # The mail queue's worker runs in the server's process; with no SMTP_HOST, messages are
        # delivered to the local mailbox, read on the Outbox page (docs/mail.md).
        os.environ["MAIL_WORKER_IN_PROCESS"] = "true"
        for line in asyncio.run(_prepare(settings, demo=True)):
            print(line, flush=True)
        print(f"\nServing on {settings.base_url}  (Ctrl-C stops the server and the database)", flush=True)
        logging.getLogger("uvicorn.error").setLevel(logging.WARNING)
        serve_factory(settings, host, args.port, 1)
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
        serve_factory(settings, args.host, args.port, args.workers)
    return 0


async def _prepare_serve(settings: Settings) -> list[str]:
    """Refuse to serve an unmigrated database; load questionnaire files as versions."""
    if not await migrated():
        raise CliError("the database has no tables yet: run `practice-exchange migrate` first")
    async with pool_lifespan(2):
        return _sync_lines(await sync_folder(settings.surveys_dir))
