"""Security headers on every response, errors from Litestar's own machinery included; HSTS
over https; `__Host-` cookie names with Secure cookies (issue 7, item 8)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from litestar import Litestar

from backend.app import create_app
from backend.security.store import PostgresStore
from backend.settings import Settings
from tests.factories import STAFF_EMAIL, STAFF_PASSWORD, make_world
from tests.integration.conftest import post_form, sign_in

SOME_SESSION_ID = "ab" * 32  # well-formed, so the session store is asked for it


def assert_secured(response: httpx.Response, what: str) -> None:
    headers = response.headers
    assert "frame-ancestors 'none'" in headers.get("content-security-policy", ""), what
    assert "default-src 'self'" in headers["content-security-policy"], what
    assert headers.get("x-content-type-options") == "nosniff", what
    assert headers.get("referrer-policy") == "no-referrer", what
    assert headers.get("x-frame-options") == "DENY", what


def app_for(settings: Settings) -> Litestar:
    site = create_app(settings)
    site.state.settings = settings
    return site


@asynccontextmanager
async def client_of(site: Litestar, base_url: str = "http://test") -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=site), base_url=base_url) as c:
        yield c


async def test_every_kind_of_response_carries_the_headers(client: httpx.AsyncClient) -> None:
    too_big = b"email=" + b"x" * (11 * 1024 * 1024)  # over Litestar's 10 MB request body limit
    responses = {
        "page": await client.get("/sign-in"),
        "static file": await client.get("/static/css/app.css"),
        "API docs asset": await client.get("/vendor/swagger-ui/swagger-ui.css"),
        "404 from the router": await client.get("/no/such/page"),
        "404 from the API router": await client.get("/api/no-such-thing"),
        "405 from the router": await client.delete("/sign-in"),
        "403 from the CSRF check": await client.post("/sign-in", data={"email": "a@b.c", "password": "x"}),
        "401 from a guard": await client.get("/api/rounds"),
        "404 from the static-file guard": await client.get("/static/%00"),
        "400 from the allowed-hosts check": await client.get("/sign-in", headers={"host": "evil.example"}),
        "413 from reading the body": await client.post(
            "/sign-in", content=too_big, headers={"content-type": "application/x-www-form-urlencoded"}
        ),
    }
    for what, response in responses.items():
        assert_secured(response, what)
    statuses = {what: r.status_code for what, r in responses.items()}
    assert statuses == {
        "page": 200,
        "static file": 200,
        "API docs asset": 200,
        "404 from the router": 404,
        "404 from the API router": 404,
        "405 from the router": 405,
        "403 from the CSRF check": 403,
        "401 from a guard": 401,
        "404 from the static-file guard": 404,
        "400 from the allowed-hosts check": 400,
        "413 from reading the body": 413,
    }


async def test_rate_limited_responses_carry_the_headers(app: Litestar, settings: Settings) -> None:
    settings.sign_in_rate_limit = 1
    async with client_of(app_for(settings)) as c:
        attempt = {"email": "someone@example.org", "password": "wrong password"}
        responses = [await c.post("/sign-in", data=attempt) for _ in range(2)]
    assert responses[1].status_code == 429
    assert_secured(responses[1], "429 from the rate limiter")


async def test_server_errors_carry_the_headers(client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(*_: object, **__: object) -> None:
        raise RuntimeError("the store is down")

    async def unhealthy() -> bool:
        raise RuntimeError("the database check itself failed")

    # In a handler, and in a middleware (the session store), where only the app-level
    # exception handler can answer.
    monkeypatch.setattr("backend.ops.api.database_ok", unhealthy)
    in_handler = await client.get("/healthz")
    monkeypatch.setattr(PostgresStore, "load", broken)
    client.cookies.set("session", SOME_SESSION_ID)
    in_middleware = await client.get("/sign-in")
    assert (in_handler.status_code, in_middleware.status_code) == (500, 500)
    assert_secured(in_handler, "500 from a handler")
    assert_secured(in_middleware, "500 from a middleware")
    assert "Something went wrong" in in_middleware.text


async def test_strict_transport_security_only_over_https(app: Litestar, settings: Settings) -> None:
    async with client_of(app_for(settings)) as c:
        assert "strict-transport-security" not in (await c.get("/sign-in")).headers
    settings.base_url = "https://exchange.example.org"
    async with client_of(app_for(settings), base_url="https://exchange.example.org") as c:
        for response in (await c.get("/sign-in"), await c.get("/no/such/page"), await c.get("/static/css/app.css")):
            assert response.headers["strict-transport-security"] == "max-age=63072000; includeSubDomains"


def _set_cookies(response: httpx.Response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.get_list("set-cookie")}


async def test_secure_cookies_have_host_prefixed_names(app: Litestar, settings: Settings, surveys_dir: Path) -> None:
    await make_world(surveys_dir, forces=1)
    settings.secure_cookies = True
    async with client_of(app_for(settings), base_url="https://test") as c:
        page = await c.get("/sign-in")
        signed_in = await post_form(c, "/sign-in", "/sign-in", {"email": STAFF_EMAIL, "password": STAFF_PASSWORD})
        cookies = {**_set_cookies(page), **_set_cookies(signed_in)}
        assert page.headers["strict-transport-security"]  # Secure cookies mean https
    assert set(cookies) == {"__Host-csrftoken", "__Host-session"}
    for header in cookies.values():
        # What browsers require of a __Host- cookie: Secure, Path=/, no Domain.
        attributes = [a.strip().lower() for a in header.split(";")[1:]]
        assert "secure" in attributes and "path=/" in attributes, header
        assert not any(a.startswith("domain=") for a in attributes), header
    assert "httponly" in cookies["__Host-session"].lower()


async def test_plain_cookie_names_without_secure_cookies(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    await make_world(surveys_dir, forces=1)
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    assert {"csrftoken", "session"} <= set(client.cookies.keys())
