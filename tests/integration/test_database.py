"""The schema comes from the real migrations; versions and publications cannot be changed;
the PostgreSQL-backed store behaves like Litestar's stores."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest

from backend.database import fetch, migrate
from backend.security.store import PostgresStore
from tests.factories import make_world


async def test_migrations_created_every_table_and_are_idempotent(app, database_dsn: str) -> None:  # type: ignore[no-untyped-def]
    tables = {r["tablename"] for r in await fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert {
        "force",
        "person",
        "round",
        "invitation",
        "round_force",
        "response",
        "profile_change",
        "publication",
        "questionnaire_version",
        "audit_event",
        "key_value",
        "sign_in_link",
        "migration",
    } <= tables
    assert await migrate() == []  # nothing left to apply


async def test_questionnaire_versions_are_immutable(app, surveys_dir: Path) -> None:  # type: ignore[no-untyped-def]
    world = await make_world(surveys_dir, forces=1)
    with pytest.raises(asyncpg.RaiseError, match="immutable"):
        await fetch("UPDATE questionnaire_version SET definition = '{}'::jsonb WHERE id = $1", world.version_id)


async def test_one_response_per_force_and_round(app, surveys_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from backend.responses.services import get_or_create
    from tests.factories import open_test_round

    world = await make_world(surveys_dir, forces=1)
    round_id = await open_test_round(world, "secret-key-for-tests-123")
    first, second = await asyncio.gather(
        get_or_create(round_id, world.force_ids[0], "en"), get_or_create(round_id, world.force_ids[0], "fr")
    )
    assert first.id == second.id
    with pytest.raises(asyncpg.UniqueViolationError):
        await fetch(
            "INSERT INTO response (round, force, status, revision, answers, language, started_at, updated_at) "
            "VALUES ($1, $2, 'draft', 0, '{}', 'en', now(), now())",
            round_id,
            world.force_ids[0],
        )


async def test_postgres_store(app) -> None:  # type: ignore[no-untyped-def]
    store = PostgresStore("t")
    other = store.with_namespace("x")
    await store.set("k", b"v1")
    await other.set("k", "v2", expires_in=60)
    assert await store.get("k") == b"v1"
    assert await other.get("k") == b"v2"
    assert await store.expires_in("k") is None
    assert 55 <= (await other.expires_in("k") or 0) <= 60
    await other.get("k", renew_for=3600)
    assert (await other.expires_in("k") or 0) > 3000
    await store.set("gone", b"x", expires_in=-1)
    assert await store.get("gone") is None and not await store.exists("gone")
    await store.delete("k")
    assert await store.get("k") is None and await other.get("k") == b"v2"
    await other.delete_all()
    assert await other.get("k") is None
    await store.set("old", b"x", expires_in=-5)
    assert await store.delete_expired() >= 1
