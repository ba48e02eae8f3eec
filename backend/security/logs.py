"""What reaches the logs: never a secret from a URL, never a client's address.

Personal invitation links (`/r/<token>`) and one-time sign-in links (`/sign-in/link/<token>`)
carry their secret in the path, and uvicorn's access log, Litestar's and our own messages would
otherwise write it down: anyone who can read the logs could then answer for a force or sign in
as a member of staff. Client addresses identify respondents, so none is logged either; an
operator may opt in (LOG_CLIENT_ADDRESSES) for the rate-limit warnings only
(`security/rate_limits.py`), where an address is what one needs to act.

One filter, installed on every handler (uvicorn's, Litestar's and the root logger's), rewrites
each record before it is formatted, whoever logged it.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

from litestar.logging import LoggingConfig
from uvicorn.config import LOGGING_CONFIG as UVICORN_LOGGING_CONFIG

#: Every route whose path carries a secret, as the prefix before it (tests/unit/test_logs.py
#: checks that no other route has a `token` parameter).
SECRET_PATH_PREFIXES = (
    "/r/",
    "/sign-in/link/",
    "/reminders/off/",
    "/digest/off/",
    # sign-up confirmation, unsubscribe and "my data" links (backend/signup)
    "/signup/confirm/",
    "/signup/unsubscribe/",
    "/signup/my-data/",
)
REDACTED = "[redacted]"
#: Stands where uvicorn would put the client's address.
NO_ADDRESS = "-"

_SLASH = r"(?:/|%2[Ff])"  # also inside an encoded URL, e.g. a `next=` parameter


def _prefix_pattern(prefix: str) -> str:
    return _SLASH.join(re.escape(part) for part in prefix.split("/"))


_SECRET_IN_PATH = re.compile("(" + "|".join(_prefix_pattern(p) for p in SECRET_PATH_PREFIXES) + r")[^/?#&\s\"'<>]+")
#: uvicorn's access lines ('%s - "GET /path HTTP/1.1" 200') and websocket lines start with the
#: client's address as their first argument.
_ADDRESS_FIRST = '%s - "'


def redact(text: str) -> str:
    """`text` with the secret of every personal or sign-in link replaced."""
    return _SECRET_IN_PATH.sub(lambda m: m.group(1) + REDACTED, text)


def _redact_arg(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, (int, float)) or value is None:
        return value  # keeps %d and %f working
    text = str(value)
    redacted = redact(text)
    return value if redacted == text else redacted


class RedactingFilter(logging.Filter):
    """Removes link secrets and client addresses from a record; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _redact_arg(record.msg)  # also an object logged as the message
        if isinstance(record.args, tuple):
            args = tuple(_redact_arg(a) for a in record.args)
            if isinstance(record.msg, str) and record.msg.startswith(_ADDRESS_FIRST) and args:
                args = (NO_ADDRESS, *args[1:])
            record.args = args
        elif isinstance(record.args, dict):
            record.args = {k: _redact_arg(v) for k, v in record.args.items()}
        if record.exc_info and not record.exc_text:
            # Formatted here, once, so that every handler prints the redacted traceback.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTERS = {"redact": {"()": f"{__name__}.RedactingFilter"}}


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's own logging configuration, with the filter on both handlers and an access
    line without the client's address."""
    config = copy.deepcopy(UVICORN_LOGGING_CONFIG)
    config["filters"] = copy.deepcopy(_FILTERS)
    for handler in config["handlers"].values():
        handler["filters"] = ["redact"]
    config["formatters"]["access"]["fmt"] = '%(levelprefix)s "%(request_line)s" %(status_code)s'
    return config


def logging_config(level: str) -> LoggingConfig:
    """Litestar's logging (the root logger included, so our own modules' lines too), with the
    filter on every handler."""
    config = LoggingConfig(
        root={"level": level, "handlers": ["queue_listener"]},
        filters=copy.deepcopy(_FILTERS),
        # Litestar would log every exception with a traceback, a refused or malformed request
        # (4xx) included: errors.py logs the server's own failures (5xx) once, and only those.
        log_exceptions="never",
    )
    # Copies: LoggingConfig fills `handlers` with Litestar's shared module-level dicts.
    config.handlers = {name: {**handler, "filters": ["redact"]} for name, handler in config.handlers.items()}
    return config
