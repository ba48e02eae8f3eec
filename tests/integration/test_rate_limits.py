"""Rate limits that hold across workers, client addresses believed from trusted proxies only,
and only our own host names (issue 7, items 5 to 7). The real `serve --workers 2`:
tests/cli/test_workers.py."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from argon2 import PasswordHasher
from litestar import Litestar

from backend.app import create_app
from backend.partners.services import create_person
from backend.partners.tables import Person
from backend.security.rate_limits import address_of, bucket, count_attempt
from backend.security.tables import RateLimitCounter
from backend.settings import Settings
from tests.integration.conftest import csrf_token

PASSWORD = "workshop-password-123"


def app_for(settings: Settings) -> Litestar:
    """Another app on the same database and pool: as another worker would be."""
    application = create_app(settings)
    application.state.settings = settings
    return application


@asynccontextmanager
async def client_of(app: Litestar, address: str = "127.0.0.1", host: str = "test") -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url=f"http://{host}") as client:
        yield client


async def attempt(client: httpx.AsyncClient, email: str, forwarded_for: str | None = None) -> int:
    """A sign-in attempt with a wrong password (no CSRF token: the limit counts before CSRF
    is checked, so a flood without tokens is limited too)."""
    headers = {"x-forwarded-for": forwarded_for} if forwarded_for else {}
    response = await client.post("/sign-in", data={"email": email, "password": "wrong"}, headers=headers)
    return response.status_code


# Item 5: the counter is atomic.


async def test_concurrent_attempts_are_counted_exactly(app: Litestar) -> None:
    account = bucket("account", "someone@example.org", 20)
    results = await asyncio.gather(*(count_attempt([account]) for _ in range(60)))
    assert sum(wait is None for wait in results) == 20
    assert all(0 < wait <= 60 for wait in results if wait is not None)


async def test_two_workers_let_exactly_the_limit_through(app: Litestar, settings: Settings) -> None:
    settings.sign_in_rate_limit = 20
    workers = [app_for(settings), app_for(settings)]
    async with client_of(workers[0]) as first, client_of(workers[1]) as second:
        codes = await asyncio.gather(*(c.post("/r/one-guessed-token") for c in [first, second] * 30))
    statuses = sorted(response.status_code for response in codes)
    assert len(statuses) == 60 and statuses.count(429) == 40, statuses
    refused = next(r for r in codes if r.status_code == 429)
    assert 0 < int(refused.headers["retry-after"]) <= 60


async def test_a_new_window_starts_after_the_old_one_ends(app: Litestar, settings: Settings) -> None:
    account = bucket("account", "patient@example.org", 2)
    assert [await count_attempt([account], window=1) for _ in range(2)] == [None, None]
    assert await count_attempt([account], window=1) is not None
    await asyncio.sleep(1.1)
    async with client_of(app_for(settings)) as client:  # a worker's first count sweeps ended windows
        await client.get("/r/some-token")
    assert await RateLimitCounter.count().where(RateLimitCounter.key == account.key) == 0
    assert await count_attempt([account], window=1) is None


# Item 6: per account and per address; X-Forwarded-For only from trusted proxies.


async def test_a_room_behind_one_address_can_sign_in(app: Litestar, settings: Settings) -> None:
    settings.sign_in_rate_limit = 3
    settings.address_rate_limit = 45
    # A cheap argon2id hash (verification reads its cost from the hash): thirty sign-ins with
    # the real cost would take the test seconds, and the limits are what is under test.
    password_hash = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    emails = [f"participant{i}@force{i}.example.org" for i in range(30)]
    for i, email in enumerate(emails):
        person_id = await create_person(email, f"Participant {i}", "analyst")
        await Person.update({Person.password_hash: password_hash}).where(Person.id == person_id)
    room = app_for(settings)
    for email in emails:  # thirty people, one address (the office's), each their own browser
        async with client_of(room, "198.51.100.20") as browser:
            page = await browser.get("/sign-in")
            data = {"email": email, "password": PASSWORD, "_csrf_token": csrf_token(page.text)}
            done = await browser.post("/sign-in", data=data)
            assert done.status_code in (302, 303), (email, done.status_code)
    async with client_of(room, "198.51.100.20") as browser:
        # Someone guessing one account from that room is stopped at the account's limit...
        guesses = [await attempt(browser, " Participant0@Force0.example.org ") for _ in range(4)]
        assert guesses[:3] != [429] * 3 and guesses[3] == 429
        # ...and the room's other people are not.
        assert await attempt(browser, emails[1]) != 429
        # The room as a whole has a higher limit of its own: 30 + 4 + 1 attempts so far.
        codes = [await attempt(browser, f"nobody{i}@example.org") for i in range(11)]
        assert codes[:10].count(429) == 0 and codes[10] == 429


async def test_forwarded_for_is_believed_only_from_trusted_proxies(app: Litestar, settings: Settings) -> None:
    settings.sign_in_rate_limit = 3
    settings.address_rate_limit = 3
    settings.trusted_proxies = ["10.0.0.1", "10.1.0.0/16"]
    site = app_for(settings)
    # A client that is no proxy cannot make itself a new address for each attempt.
    async with client_of(site, "203.0.113.9") as spoofer:
        codes = [await attempt(spoofer, f"user{i}@example.org", f"192.0.2.{i}") for i in range(5)]
    assert codes.count(429) == 2 and codes[3:] == [429, 429]
    # Behind a trusted proxy, each user is counted on their own address...
    async with client_of(site, "10.0.0.1") as proxy:
        codes = [await attempt(proxy, f"user{i}@example.org", f"198.51.100.{i}") for i in range(6)]
        assert 429 not in codes
        # ...the address the proxy appended, not what the client wrote before it...
        codes = [await attempt(proxy, f"other{i}@example.org", f"192.0.2.{i}, 198.51.100.99") for i in range(5)]
        assert codes[3:] == [429, 429] and 429 not in codes[:3]
    # ...through a chain of trusted proxies too.
    async with client_of(site, "10.1.2.3") as inner:
        codes = [await attempt(inner, f"chain{i}@example.org", "198.51.100.50, 10.0.0.1") for i in range(4)]
        assert codes[3] == 429 and 429 not in codes[:3]


async def test_personal_links_are_limited_per_address_and_per_link(app: Litestar, settings: Settings) -> None:
    settings.sign_in_rate_limit = 3
    settings.address_rate_limit = 5
    site = app_for(settings)
    async with client_of(site) as proxy:  # 127.0.0.1: a trusted proxy by default
        # One link, tried from four addresses: the link's own limit.
        same = [(await proxy.get("/r/a-token", headers={"x-forwarded-for": f"198.51.100.{i}"})) for i in range(4)]
        assert [r.status_code for r in same] == [404, 404, 404, 429]
        # Many links from one address, on GET and POST alike: the address's limit.
        many = [(await proxy.get(f"/r/guess-{i}", headers={"x-forwarded-for": "192.0.2.7"})) for i in range(5)]
        assert [r.status_code for r in many] == [404] * 5
        refused = await proxy.post("/r/guess-5", headers={"x-forwarded-for": "192.0.2.7"})
        assert refused.status_code == 429
        # Sign-in attempts from that address have a budget of their own.
        assert await attempt(proxy, "someone@example.org", "192.0.2.7") != 429


def test_ipv6_clients_are_counted_per_64() -> None:
    def of(host: str) -> str:
        return address_of({"client": (host, 1)})  # type: ignore[typeddict-item]

    assert of("2001:db8:1:2::1") == of("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert of("2001:db8:1:3::1") != of("2001:db8:1:2::1")
    assert of("::ffff:192.0.2.1") == of("192.0.2.1") == "192.0.2.1"


def test_trusted_proxies_must_be_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal")
    with pytest.raises(ValueError, match=r"TRUSTED_PROXIES .* not 'proxy\.internal'"):
        Settings()
    monkeypatch.setenv("TRUSTED_PROXIES", "")
    assert Settings().trusted_proxies == []
    monkeypatch.delenv("TRUSTED_PROXIES")
    assert Settings().trusted_proxies == ["127.0.0.1", "::1"]


# Item 7: only our own host names.


async def test_only_our_host_names_are_served(app: Litestar, settings: Settings) -> None:
    settings.allowed_hosts = ["extra.example.org", "*.example.net", "[::1]"]
    site = app_for(settings)
    async with client_of(site) as client:

        async def status(host: str, path: str = "/sign-in") -> int:
            return (await client.get(path, headers={"host": host})).status_code

        for ours in ("test", "TEST", "test:8443", "extra.example.org", "a.example.net", "[::1]:8000"):
            assert await status(ours) == 200, ours
        for foreign in ("evil.example", "test.evil.example", "example.net", "extra.example.org.evil", "127.0.0.1"):
            assert await status(foreign) == 400, foreign
            assert await status(foreign, "/r/some-token") == 400, foreign  # refused before counting
        assert await status("evil.example", "/healthz") == 200  # health checks use an address


async def test_base_url_host_is_allowed_on_any_port(app: Litestar, settings: Settings) -> None:
    settings.base_url = "https://Exchange.Example.org"
    site = app_for(settings)
    async with client_of(site, host="exchange.example.org") as client:
        assert (await client.get("/sign-in")).status_code == 200
        assert (await client.get("/sign-in", headers={"host": "exchange.example.org:8000"})).status_code == 200
        assert (await client.get("/sign-in", headers={"host": "test"})).status_code == 400


def test_every_test_server_names_an_allowed_host() -> None:
    """The hosts the other tests use: http://test (integration) and 127.0.0.1 (CLI, browser)."""
    from backend.security.hosts import allowed_host_names

    settings = Settings()
    settings.base_url = "http://127.0.0.1:8000"
    assert allowed_host_names(settings) == ["127.0.0.1"]
    settings.base_url, settings.allowed_hosts = "http://test", ["localhost:8000", "::1"]
    assert allowed_host_names(settings) == ["[::1]", "localhost", "test"]
