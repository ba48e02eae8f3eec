"""Helpers shared by the HTML controllers: rendering with the common context, flash
messages, redirects, and reading HTML forms."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Redirect, Template

from backend.security.guards import load_viewer

FLASH_KEY = "flash"


def flash(request: Request[Any, Any, Any], message: str, kind: str = "success") -> None:
    session = request.session if isinstance(request.scope.get("session"), dict) else {}
    messages = list(session.get(FLASH_KEY, []))
    messages.append({"kind": kind, "message": message})
    request.set_session({**session, FLASH_KEY: messages})


def _take_flashes(request: Request[Any, Any, Any]) -> list[dict[str, str]]:
    session = request.scope.get("session")
    if not isinstance(session, dict) or not session.get(FLASH_KEY):
        return []
    messages = list(session[FLASH_KEY])
    request.set_session({k: v for k, v in session.items() if k != FLASH_KEY})
    return messages


async def render(request: Request[Any, Any, Any], template: str, status_code: int = 200, **context: Any) -> Template:
    viewer = await load_viewer(request)
    base = {"viewer": viewer, "flashes": _take_flashes(request), "lang": "en"}
    base.update(context)
    return Template(template_name=template, context=base, status_code=status_code)


def redirect(path: str) -> Redirect:
    # 303: after a POST, the browser fetches the next page with GET.
    return Redirect(path=path, status_code=303)


async def read_form(request: Request[Any, Any, Any]) -> dict[str, list[str]]:
    form = await request.form()
    out: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            # PostgreSQL text cannot hold NUL (a query with one fails), and nobody types one.
            out.setdefault(key, []).append(value.replace("\x00", ""))
    return out


def one(form: dict[str, list[str]], key: str) -> str:
    values = form.get(key) or [""]
    return values[0].strip()


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths: `next` must never send someone to another site after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
