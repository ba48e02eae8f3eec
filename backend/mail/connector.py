"""procrastinate's psycopg connector, which can also defer a job on an asyncpg connection.

The worker runs on procrastinate's own `PsycopgConnector` (its pool, LISTEN/NOTIFY). The app
writes through Piccolo on asyncpg, and a message must be queued in the transaction of the
action that causes it: procrastinate defers a job on a connection it is given
(`task.configure(connection=…)`), and for an asyncpg connection this connector runs the query
there, with asyncpg's `$n` placeholders. The job's row then commits or rolls back with the
action's own rows."""

from __future__ import annotations

import json
import re
from typing import Any, LiteralString

from asyncpg.connection import Connection
from asyncpg.pool import PoolConnectionProxy
from procrastinate import PsycopgConnector

_NAMED = re.compile(r"%\((\w+)\)s")


def asyncpg_query(query: str, arguments: dict[str, Any]) -> tuple[str, list[Any]]:
    """A psycopg-style query (`%(name)s`) as asyncpg's (`$1`), with its arguments in order;
    JSON values (dicts, also inside rows such as procrastinate's `JobToDefer`) as text."""
    order: list[str] = []

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in order:
            order.append(name)
        return f"${order.index(name) + 1}"

    sql = _NAMED.sub(number, query).replace("%%", "%")
    return sql, [_asyncpg_value(arguments[name]) for name in order]


def _asyncpg_value(value: Any) -> Any:
    if isinstance(value, dict):
        return json.dumps(value)
    if isinstance(value, list):
        return [_asyncpg_value(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_asyncpg_value(item) for item in value)
    return value


class QueueConnector(PsycopgConnector):
    async def execute_query_all_async_with_connection(
        self, connection: Any, query: LiteralString, **arguments: Any
    ) -> list[dict[str, Any]]:
        if isinstance(connection, Connection | PoolConnectionProxy):
            sql, args = asyncpg_query(query, arguments)
            return [dict(row) for row in await connection.fetch(sql, *args)]
        return await super().execute_query_all_async_with_connection(connection, query, **arguments)

    async def execute_query_one_async_with_connection(
        self, connection: Any, query: LiteralString, **arguments: Any
    ) -> dict[str, Any]:
        if isinstance(connection, Connection | PoolConnectionProxy):
            rows = await self.execute_query_all_async_with_connection(connection, query, **arguments)
            if not rows:
                from procrastinate.exceptions import NoResult

                raise NoResult
            return rows[0]
        return await super().execute_query_one_async_with_connection(connection, query, **arguments)

    async def close_async(self) -> None:
        """Forget a pool given to `open_async` (its owner closes it), so that the app can be
        opened again with another: the demo and the tests start and stop workers in one process,
        and procrastinate keeps a given pool after closing."""
        await super().close_async()
        self._async_pool = None
        self._pool_externally_set = False
