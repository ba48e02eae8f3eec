"""No log line holds a link's secret or a client's address (issue 7, item 11). The real
processes are checked in tests/cli/test_cli.py; here, the filter and where it is installed."""

from __future__ import annotations

import logging
import re
import sys

import pytest

from backend.app import create_app
from backend.security.logs import (
    NO_ADDRESS,
    SECRET_PATH_PREFIXES,
    RedactingFilter,
    logging_config,
    redact,
    uvicorn_log_config,
)
from backend.settings import Settings

TOKEN = "CxQGMNjqg9CSfRXElu7ajrylohsKztN7A_14WEQh718"


def _record(msg: str, args: tuple[object, ...] | None = None, name: str = "test", **extra: object) -> logging.LogRecord:
    record = logging.LogRecord(name, logging.INFO, __file__, 1, msg, args, None)
    record.__dict__.update(extra)
    return record


def _formatted(record: logging.LogRecord) -> str:
    RedactingFilter().filter(record)
    return logging.Formatter("%(message)s").format(record)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"/r/{TOKEN}", "/r/[redacted]"),
        (f"GET /r/{TOKEN}?lang=fr HTTP/1.1", "GET /r/[redacted]?lang=fr HTTP/1.1"),
        (f"https://px.example.org/sign-in/link/{TOKEN}", "https://px.example.org/sign-in/link/[redacted]"),
        (f"/sign-in?next=%2Fr%2F{TOKEN}", "/sign-in?next=%2Fr%2F[redacted]"),
        (f"path='/sign-in/link/{TOKEN}'", "path='/sign-in/link/[redacted]'"),
        ("/respond/section/priorities", "/respond/section/priorities"),
        ("/staff/rounds/3", "/staff/rounds/3"),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_uvicorn_access_line_loses_the_address_and_the_token() -> None:
    # exactly what uvicorn's h11 protocol logs
    record = _record('%s - "%s %s HTTP/%s" %d', ("203.0.113.9:51234", "GET", f"/r/{TOKEN}", "1.1", 200))
    assert _formatted(record) == '- - "GET /r/[redacted] HTTP/1.1" 200'
    assert record.args[0] == NO_ADDRESS  # type: ignore[index]


def test_messages_arguments_and_tracebacks_are_redacted() -> None:
    assert _formatted(_record("unhandled error on %s %s", ("POST", f"/sign-in/link/{TOKEN}"))) == (
        "unhandled error on POST /sign-in/link/[redacted]"
    )
    assert TOKEN not in _formatted(_record(f"opened /r/{TOKEN}"))
    assert TOKEN not in _formatted(_record(ValueError(f"bad link /r/{TOKEN}")))  # type: ignore[arg-type]
    assert TOKEN not in _formatted(_record("%(path)s", ({"path": f"/r/{TOKEN}"},)))
    try:
        raise ValueError(f"no invitation for /r/{TOKEN}")
    except ValueError:
        record = _record("failed", exc_info=sys.exc_info())
    text = _formatted(record)
    assert "ValueError: no invitation for /r/[redacted]" in text and TOKEN not in text


def test_the_filter_is_on_every_handler() -> None:
    uvicorn = uvicorn_log_config()
    assert all(h["filters"] == ["redact"] for h in uvicorn["handlers"].values())
    assert "client_addr" not in uvicorn["formatters"]["access"]["fmt"]
    litestar = logging_config("INFO")
    assert litestar.handlers and all(h["filters"] == ["redact"] for h in litestar.handlers.values())
    # and it is the configuration the app uses
    app = create_app(Settings())
    assert app.logging_config is not None
    assert all(h.get("filters") == ["redact"] for h in app.logging_config.handlers.values())  # type: ignore[attr-defined]


def test_every_route_with_a_secret_in_its_path_is_redacted() -> None:
    """A new route with a token in its path must be added to SECRET_PATH_PREFIXES."""
    secret_parameter = re.compile(r"\{(\w*(?:token|secret|nonce|key)(?!_id)\w*)(?::\w+)?\}")  # not a row's id
    carrying = {r.path for r in create_app(Settings()).routes if secret_parameter.search(r.path)}
    assert carrying, "no route carries a secret? then the test is looking at the wrong thing"
    for path in carrying:
        prefix = path[: secret_parameter.search(path).start()]  # type: ignore[union-attr]
        assert prefix in SECRET_PATH_PREFIXES, path
        # the secret is redacted wherever the path goes on after it (`…/{token}/delete`)
        assert redact(secret_parameter.sub("abc", path)) == secret_parameter.sub("[redacted]", path)
    assert {p[: p.index("{")] for p in carrying} == set(SECRET_PATH_PREFIXES)
