"""`practice-exchange worker` and `staff link --send` as real processes: the worker refuses to
run without what it needs, and sends what is queued to a real SMTP server on loopback."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import asyncpg

from tests.conftest import truncate_all
from tests.mail_server import MailServer

ROOT = Path(__file__).resolve().parents[2]
SECRET = "cli-worker-secret-0123456789abcdef"


def cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "DATABASE_URL", "SECRET_KEY"))}
    return subprocess.run(
        [sys.executable, "-m", "backend", *args],
        cwd=ROOT,
        env={**full, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_worker_refuses_without_a_database_or_a_mail_server(database_dsn: str) -> None:
    no_db = cli("worker", SMTP_HOST="127.0.0.1", SECRET_KEY=SECRET)
    assert no_db.returncode == 1 and "DATABASE_URL is not set" in no_db.stderr
    no_smtp = cli("worker", DATABASE_URL=database_dsn, SECRET_KEY=SECRET)
    assert no_smtp.returncode == 1 and "SMTP_HOST is not set" in no_smtp.stderr
    default_secret = cli("worker", DATABASE_URL=database_dsn, SMTP_HOST="127.0.0.1")
    assert default_secret.returncode == 1 and "SECRET_KEY" in default_secret.stderr


def test_a_sign_in_link_sent_by_the_worker(database_dsn: str) -> None:
    asyncio.run(truncate_all(database_dsn))
    env = {"DATABASE_URL": database_dsn, "SECRET_KEY": SECRET, "BASE_URL": "http://example.test"}
    created = cli("staff", "create", "admin@example.org", "--link", **env)
    assert created.returncode == 0, created.stderr
    queued = cli("staff", "link", "admin@example.org", "--send", **env)
    assert queued.returncode == 0, queued.stderr
    assert "queued a one-time sign-in link" in queued.stdout and "/sign-in/link/" not in queued.stdout
    smtp = MailServer()
    smtp.start()
    try:
        sent = cli("worker", "--once", SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp.port), **env)
        assert sent.returncode == 0, sent.stderr
    finally:
        smtp.stop()
    assert len(smtp.messages) == 1
    body = smtp.messages[0].get_body(("plain",))
    assert body is not None and "http://example.test/sign-in/link/" in body.get_content()

    async def state() -> str:
        conn = await asyncpg.connect(database_dsn)
        try:
            return str(await conn.fetchval("SELECT state FROM message"))
        finally:
            await conn.close()

    assert asyncio.run(state()) == "sent"
