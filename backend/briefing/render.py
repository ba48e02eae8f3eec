"""A pack drawn as HTML (frontend/templates/briefing/pack.html, in the pack's language) and printed
to PDF by WeasyPrint; PDFs kept in memory by what they print (docs/briefing.md). No database, no
web framework.

WeasyPrint takes about a second per few pages and holds the CPU: it runs in a worker thread, and
a PDF is kept under the SHA-256 of its HTML, so the same pack (same publication version, force,
language, group, questions, related reports and day) is printed once. Keyed by content, an
entry can never be stale: anything that changes the pack changes its key."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from functools import cache

import anyio.to_thread
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from backend.briefing.pack import Pack
from backend.settings import REPO_ROOT
from backend.web.templating import install_i18n

TEMPLATES = REPO_ROOT / "frontend" / "templates"

#: PDFs kept (a few hundred kilobytes each): every force's pack of a round in three languages.
MAX_CACHED = 48
_CACHE: OrderedDict[str, bytes] = OrderedDict()
_LOCK = threading.Lock()


def _css_string(value: str) -> Markup:
    """A CSS string literal for `content:` in the page's <style> (the footer's words, a force's
    name among them): HTML escaping does not apply inside <style>, so every character that could
    end the string or the element is a CSS escape instead."""
    if isinstance(value, Markup):  # a message filled in by `_()` arrives HTML-escaped
        value = value.unescape()
    escaped = "".join(ch if ch.isalnum() or ch in " .,:;!?()-_'" else f"\\{ord(ch):x} " for ch in value)
    return Markup(f'"{escaped}"')  # noqa: S704 - only letters, digits and harmless marks are left as they are


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    install_i18n(env)
    env.filters["css_string"] = _css_string
    return env


def pack_html(pack: Pack) -> str:
    """The pack as one HTML document, every word in `pack.language`."""
    template = environment().get_template("briefing/pack.html")
    return template.render(pack=pack, language=pack.language)


def _print(html: str) -> bytes:
    # Nothing in a pack is fetched: no images, fonts or style sheets from anywhere (its style is
    # inline, its charts are HTML). Refusing every protocol keeps it so, whatever text it holds.
    fetcher = URLFetcher(allowed_protocols=set())
    pdf = HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()
    assert pdf is not None
    return pdf


def cached_pdf(html: str) -> bytes | None:
    key = hashlib.sha256(html.encode()).hexdigest()
    with _LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
        return found


async def pdf_of(html: str) -> bytes:
    """The PDF of `html`: printed in a worker thread, or as printed before."""
    found = cached_pdf(html)
    if found is not None:
        return found
    pdf = await anyio.to_thread.run_sync(_print, html)
    key = hashlib.sha256(html.encode()).hexdigest()
    with _LOCK:
        _CACHE[key] = pdf
        while len(_CACHE) > MAX_CACHED:
            _CACHE.popitem(last=False)
    return pdf
