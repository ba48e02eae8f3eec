"""Static files and vendored JavaScript, each under a versioned URL that browsers may keep for a
year (`immutable`): a changed file gets a new URL, so no one is ever served a stale copy.

- `/static/…?v=ASSET_VERSION`: our own CSS and JavaScript. ASSET_VERSION is the app's version and
  a digest of every file under frontend/static/, so that any change to any of them changes
  every URL (templates write `?v={{ app_version }}`). Without that `v`, as before: no cache
  lifetime is set.
- PLOTLY_URL: plotly.js as vendored from npm (frontend/vendor/plotly.js-cartesian-dist-min/,
  see update_plotly.py there: the partial "cartesian" bundle, which has the bar, box and
  scatter traces the charts use), served as stored: brotli or gzip as compressed once when it
  was vendored (the app's compression middleware is bypassed), the plain script to clients that
  take neither.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from litestar import Request, get
from litestar.datastructures import MutableScopeHeaders
from litestar.response import Response
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from backend import __version__
from backend.settings import REPO_ROOT

FRONTEND = REPO_ROOT / "frontend"
STATIC_DIR = FRONTEND / "static"
ONE_YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"

#: Route handlers whose `opt` has this key send bodies that are already compressed: the app's
#: CompressionConfig(exclude_opt_key=PRECOMPRESSED) leaves them alone.
PRECOMPRESSED = "precompressed"

PLOTLY_DIR = FRONTEND / "vendor" / "plotly.js-cartesian-dist-min"
PLOTLY_SCRIPT = "plotly-cartesian.min.js"
PLOTLY_VERSION: str = json.loads((PLOTLY_DIR / "package.json").read_text())["version"]
PLOTLY_URL = f"/vendor/plotly-cartesian-{PLOTLY_VERSION}.min.js"

#: Preferred first: (Content-Encoding, suffix of the stored file).
_STORED = (("br", ".br"), ("gzip", ".gz"))


def _static_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:12]


#: What `?v=` names in the URLs of our static files (the template global `app_version`).
ASSET_VERSION = f"{__version__}-{_static_digest(STATIC_DIR)}"
_VERSIONED_QUERY = f"v={ASSET_VERSION}".encode()


def versioned_cache_middleware(app: ASGIApp) -> ASGIApp:
    """On the static files router: a year's cache lifetime for URLs of the current version."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if _VERSIONED_QUERY not in scope.get("query_string", b"").split(b"&"):
            await app(scope, receive, send)
            return

        async def send_immutable(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                MutableScopeHeaders.from_message(message)["cache-control"] = IMMUTABLE
            await send(message)

        await app(scope, receive, send_immutable)

    return middleware


@lru_cache(maxsize=256)
def accepted_encodings(header: str) -> frozenset[str]:
    """The content codings an Accept-Encoding header allows (a `q=0` refuses one). Kept per
    header: browsers send a handful of distinct ones, on every request."""
    accepted = set()
    for part in header.lower().split(","):
        coding, _, params = part.strip().partition(";")
        q = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
        try:
            refused = float(q) == 0
        except ValueError:
            refused = False
        if coding.strip() and not refused:
            accepted.add(coding.strip())
    return frozenset(accepted)


@cache
def _plotly_bytes(suffix: str) -> bytes | None:
    path = PLOTLY_DIR / (PLOTLY_SCRIPT + suffix)
    return path.read_bytes() if path.is_file() else None


@get(PLOTLY_URL, include_in_schema=False, cache=False, opt={PRECOMPRESSED: True}, sync_to_thread=False)
def plotly_js(request: Request[Any, Any, Any]) -> Response[bytes]:
    """plotly.js from our origin, compressed once (not per request); the version is in the URL,
    so browsers may keep it for a year."""
    headers = {"cache-control": IMMUTABLE, "vary": "accept-encoding"}
    accepted = accepted_encodings(request.headers.get("accept-encoding", ""))
    for coding, suffix in _STORED:
        body = _plotly_bytes(suffix) if coding in accepted else None
        if body is not None:
            headers["content-encoding"] = coding
            break
    else:
        body = _plotly_bytes("")
        assert body is not None, "plotly.js is vendored in frontend/vendor"
    return Response(content=body, media_type="text/javascript", headers=headers)
