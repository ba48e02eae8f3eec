from __future__ import annotations

import httpx

from backend.database import configure, current_dsn
from backend.piccolo_conf import DB


async def test_healthz_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_healthz_503_when_database_unreachable(client: httpx.AsyncClient) -> None:
    good = current_dsn()
    await DB.close_connection_pool()
    configure("postgresql://nobody@127.0.0.1:1/none")
    try:
        response = await client.get("/healthz")
    finally:
        configure(good)
        await DB.start_connection_pool(min_size=1, max_size=2)
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}
