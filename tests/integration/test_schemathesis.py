"""Schemathesis over the JSON API, as part of the suite: requests generated from
/schema/openapi.json (valid ones, invalid ones, boundary values, undeclared methods) sent as an
anonymous visitor, as staff (an administrator; signed in, and with an API token) and as a
partner, to the real server on the test database. Each response must not be a server error,
and its status must be one the OpenAPI document lists for the operation (with a body of the
documented type).

Examples are bounded so that the whole run takes about a minute; a failure prints the
request that caused it (as a curl command) for reproducing by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis import checks
from schemathesis.specs.openapi import checks as openapi_checks

from backend.app import create_app
from backend.profile_changes.services import propose_changes
from backend.publication.services import close_round, publish
from backend.security.api_tokens import TokenScope, create_token
from backend.settings import Settings
from tests.conftest import truncate_all
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, World, make_world, open_test_round
from tests.factories import submit_random as submit
from tests.served import run_async, served

SECRET = "schemathesis-secret-key-0123456789"
SURVEYS = Path(__file__).resolve().parents[2] / "surveys"
#: Generated cases per operation, on top of schemathesis' boundary cases (coverage phase);
#: each is sent four times (one per session). About a minute for the whole API. The
#: examples are derandomised: every run sends the same requests, so a failure reproduces.
MAX_EXAMPLES = 15
CHECKS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.negative_data_rejection,
]


async def _world() -> tuple[World, str]:
    """Something for every operation to find: a published round, an open one with a draft
    and a submitted response, and a pending profile change; and a staff API token."""
    world = await make_world(SURVEYS, forces=6)
    published = await open_test_round(world, SECRET)
    await submit(published, world, world.force_ids, seed=1)
    await close_round(published, world.staff)
    await publish(published, world.staff)
    still_open = await open_test_round(world, SECRET)
    await submit(still_open, world, world.force_ids[:2], seed=2)
    await propose_changes(world.force_ids[0], published, {"size_band": "under_1000"})
    token, _ = await create_token(world.staff, "schemathesis", TokenScope.WRITE, None)
    return world, token


def _signed_in(base: str, email: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/sign-in", timeout=10)
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert token, "sign-in page has no CSRF field"
    data = {"email": email, "password": password, "_csrf_token": token.group(1)}
    done = session.post(f"{base}/sign-in", data=data, timeout=10)
    assert done.status_code == 200 and "/sign-in" not in done.url, done.text[:500]
    # The landing page issued a CSRF token bound to the new session: API clients send it back.
    session.headers["x-csrftoken"] = session.cookies["csrftoken"]
    return session


@pytest.fixture(scope="module")
def sessions(database_dsn: str) -> Iterator[dict[str, Any]]:
    run_async(lambda: truncate_all(database_dsn))
    world, token = run_async(_world)
    with served(
        database_dsn, SECRET, log_name="schemathesis-server", SIGN_IN_RATE_LIMIT="1000", ADDRESS_RATE_LIMIT="100000"
    ) as base:
        staff = _signed_in(base, STAFF_EMAIL, STAFF_PASSWORD)
        partner = _signed_in(base, world.partner_emails[1], PARTNER_PASSWORD)
        # The sessions really reach the handlers (else the fuzzing would only meet guards).
        assert staff.get(f"{base}/api/rounds", timeout=10).status_code == 200
        assert partner.get(f"{base}/api/publications", timeout=10).json()
        # Staff through a personal API token: `Authorization: Bearer`, no cookie, no CSRF header.
        bearer = requests.Session()
        bearer.headers["authorization"] = f"Bearer {token}"
        assert bearer.get(f"{base}/api/rounds", timeout=10).status_code == 200
        yield {
            "base": base,
            "dsn": database_dsn,
            "anonymous": requests.Session(),
            "staff": staff,
            "partner": partner,
            "token": bearer,
        }


def _openapi_document() -> dict[str, Any]:
    """The document /schema/openapi.json serves (checked below), built without a server so that
    pytest can collect one test per operation."""
    return create_app(Settings()).openapi_schema.to_schema()


schema = schemathesis.openapi.from_dict(_openapi_document())


def test_fuzzed_document_is_the_served_one(sessions: dict[str, Any]) -> None:
    served_doc = requests.get(f"{sessions['base']}/schema/openapi.json", timeout=10).json()
    assert served_doc == _openapi_document()


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api(case: Any, sessions: dict[str, Any]) -> None:
    # The document declares the bearer scheme, so schemathesis would send made-up tokens, which
    # would override every session (and soon meet the address's rate limit): the sessions'
    # own credentials are used instead, one of them a real token.
    if case.headers:
        case.headers = {k: v for k, v in case.headers.items() if k.lower() != "authorization"}
    for who in ("anonymous", "staff", "partner", "token"):
        response = case.call(base_url=sessions["base"], session=sessions[who], timeout=30)
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as exc:
            exc.add_note(f"(as {who})")
            raise
    if case.path == "/api/account/tokens/{token_id}/revoke":
        # The fuzzing may have revoked the token session's own token (small ids are generated):
        # later operations would then meet a dead token (401, even on public routes that read
        # the viewer), not the real one this session stands for. Made live again.
        run_async(lambda: _revive_tokens(sessions["dsn"]))


async def _revive_tokens(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("UPDATE api_token SET revoked_at = NULL WHERE name = 'schemathesis'")
    finally:
        await conn.close()
