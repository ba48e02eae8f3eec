"""Test database: a fresh PostgreSQL database per test session, built by the real migrations.

The server is TEST_DATABASE_URL, else DATABASE_URL, else an embedded PostgreSQL started in a
temporary folder. On that server a new database `px_test_<random>` is created (and dropped
at the end), so a developer's own data is never touched.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from backend.database import EmbeddedPostgres, configure, migrate

APP_TABLES = (
    "signup_consent",
    "signup",
    "practice_notice",
    "practice_contact",
    "practice_tag",
    "practice_text",
    "practice_note",
    "briefing_questions",
    "meeting_notice",
    "meeting_registration",
    "meeting_round",
    "meeting_report",
    "meeting",
    "library_file",
    "library_report",
    "exchange_digest",
    "exchange_notice",
    "exchange_follow",
    "exchange_report",
    "exchange_post",
    "exchange_thread",
    "coding_tag",
    "coding_theme",
    "coding_publish",
    "allocation_correction",
    "message",
    "procrastinate_events",
    "procrastinate_periodic_defers",
    "procrastinate_jobs",
    "procrastinate_workers",
    "audit_event",
    "publication_basis",
    "publication_themes",
    "publication",
    "profile_change",
    "answer_change",
    "response",
    "round_force",
    "invitation",
    "round",
    "questionnaire_version",
    "questionnaire",
    "sign_in_link",
    "key_value",
    "rate_limit_counter",
    "person",
    "force",
)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _with_database(dsn: str, name: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


@pytest.fixture(scope="session")
def server_dsn() -> Iterator[str]:
    given = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if given:
        yield given
        return
    folder = Path(tempfile.mkdtemp(prefix="px-test-pg-"))
    folder.chmod(0o755)  # the embedded server runs as its own user when we are root
    embedded = EmbeddedPostgres(folder)
    try:
        yield embedded.start()
    finally:
        embedded.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def database_dsn(server_dsn: str) -> Iterator[str]:
    name = f"px_test_{secrets.token_hex(4)}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(server_dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    dsn = _with_database(server_dsn, name)
    configure(dsn)
    asyncio.run(migrate())
    try:
        yield dsn
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def truncate_all(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f"TRUNCATE {', '.join(APP_TABLES)} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()
    # Version ids start again from 1: forget questionnaires cached under the old ids.
    from backend.surveys import services

    services._cache.clear()


@pytest.fixture(scope="session")
def surveys_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "surveys"
