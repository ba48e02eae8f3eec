"""Static files and plotly.js: versioned URLs kept for a year, plotly.js sent as compressed once
when it was vendored (brotli or gzip), never compressed again per request."""

from __future__ import annotations

import gzip

import httpx

from backend.web.assets import ASSET_VERSION, PLOTLY_DIR, PLOTLY_SCRIPT, PLOTLY_URL


async def raw_get(client: httpx.AsyncClient, path: str, accept_encoding: str) -> tuple[httpx.Response, bytes]:
    """The response and its body as sent (not decoded)."""
    async with client.stream("GET", path, headers={"accept-encoding": accept_encoding}) as response:
        body = b"".join([chunk async for chunk in response.aiter_raw()])
    return response, body


async def test_plotly_sent_as_stored_in_the_encoding_the_browser_takes(client: httpx.AsyncClient) -> None:
    script = (PLOTLY_DIR / PLOTLY_SCRIPT).read_bytes()
    stored_gzip = (PLOTLY_DIR / f"{PLOTLY_SCRIPT}.gz").read_bytes()
    response, body = await raw_get(client, PLOTLY_URL, "gzip, deflate")
    assert response.headers["content-encoding"] == "gzip"
    assert body == stored_gzip and gzip.decompress(body) == script  # the stored bytes, not gzipped again
    assert "accept-encoding" in response.headers["vary"].lower()
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["content-type"].startswith("text/javascript")

    response, body = await raw_get(client, PLOTLY_URL, "gzip, deflate, br, zstd")
    assert response.headers["content-encoding"] == "br"
    assert body == (PLOTLY_DIR / f"{PLOTLY_SCRIPT}.br").read_bytes()

    for refused in ("identity", "gzip;q=0, br;q=0", ""):
        response, body = await raw_get(client, PLOTLY_URL, refused)
        assert "content-encoding" not in response.headers, refused
        assert body == script


async def test_versioned_static_files_are_kept_for_a_year(client: httpx.AsyncClient) -> None:
    page = (await client.get("/sign-in")).text
    assert f"/static/css/app.css?v={ASSET_VERSION}" in page
    versioned = await client.get(f"/static/css/app.css?v={ASSET_VERSION}")
    assert versioned.status_code == 200
    assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"
    # any other version (an old page's URL) or none: not kept, so it cannot outlive a change
    for path in ("/static/css/app.css", "/static/css/app.css?v=0.0.1-000000000000"):
        response = await client.get(path)
        assert response.status_code == 200 and "immutable" not in response.headers.get("cache-control", "")
    assert (await client.get(f"/static/css/nothing.css?v={ASSET_VERSION}")).status_code == 404
