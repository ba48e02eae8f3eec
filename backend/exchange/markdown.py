"""Post text: a safe subset of Markdown, rendered by markdown-it-py and sanitised by nh3.

Two maintained libraries, each doing one job (docs/exchange.md):

- **markdown-it-py** (CommonMark) with raw HTML switched off (`html=False`: `<script>` stays
  text): paragraphs, emphasis, lists, quotes, code, links, and headings moved under the page's
  own (h3–h6); an image is shown as its alternative text.
- **nh3** (Rust's ammonia) then keeps only the tags and attributes below, only `http`,
  `https` and `mailto` links, and gives every link `rel="nofollow noopener noreferrer"`.
  Whatever the renderer might let through (a `javascript:` link, an event handler, a
  `data:` URI), the sanitiser drops.

Images are not allowed: an image pointing off-site would tell its host who reads the thread
and when (a tracking pixel), and a partner's screenshot could carry their force's
identity. Image syntax shows as its alternative text. Pure functions, no database."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

ALLOWED_TAGS = frozenset(
    {"p", "br", "em", "strong", "ul", "ol", "li", "blockquote", "code", "pre", "a", "h3", "h4", "h5", "h6", "hr"}
)
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer"
#: The longest post, in characters of Markdown.
MAX_LENGTH = 10_000


def _image_as_text(renderer: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    # An image is shown as its alternative text: nothing is fetched from anywhere.
    return escapeHtml(renderer.renderInlineAsText(tokens[idx].children or [], options, env))


_RENDERER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable(
    ["html_block", "html_inline"]
)
_RENDERER.add_render_rule("image", _image_as_text)


def _demote_headings(html: str) -> str:
    # A post sits under the page's own headings: # … ###### become h3 … h6.
    for level in range(6, 0, -1):
        shown = min(level + 2, 6)
        html = html.replace(f"<h{level}>", f"<h{shown}>").replace(f"</h{level}>", f"</h{shown}>")
    return html


def render(text: str) -> str:
    """The sanitised HTML of a post's Markdown."""
    html = _demote_headings(_RENDERER.render(text))
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
