"""Post text is a safe subset of Markdown (backend/exchange/markdown.py, docs/exchange.md):
hostile input comes out inert."""

from __future__ import annotations

import re

import pytest

from backend.exchange.markdown import render

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<img src=x onerror=alert(1)>",
    '<a href="https://example.org" onclick="alert(1)">x</a>',
    "<div><p><iframe src=https://evil.example></iframe></p></div>",
    "<svg><script>alert(1)</script></svg>",
    "<style>body{display:none}</style>",
    "![tracker](https://evil.example/pixel.png)",
    "![x](data:image/png;base64,AAAA)",
    '[x](https://example.org "title" onmouseover=alert(1))',
    "<form action=https://evil.example><input name=p></form>",
    "<!-- <script>alert(1)</script> -->",
    "[x](<javascript:alert(1)>)",
    "<a href='jav&#x09;ascript:alert(1)'>x</a>",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_is_inert(text: str) -> None:
    html = render(text)
    tags = re.findall(r"<\s*([a-zA-Z0-9]+)", html)
    assert set(tags) <= {"p", "a", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "br", "hr"}, html
    assert not re.search(r"<[^>]*\son\w+\s*=", html), html  # no event handler attribute in any tag
    for href in re.findall(r'href="([^"]*)"', html):
        assert href.startswith(("https://", "http://", "mailto:")), html
    assert "<img" not in html and "<script" not in html.lower() and "<iframe" not in html


def test_images_show_their_text_and_fetch_nothing() -> None:
    assert render("![a chart of ours](https://evil.example/pixel.png)") == "<p>a chart of ours</p>\n"


def test_links_are_nofollow_and_only_http_https_mailto() -> None:
    html = render("[report](https://example.org/r) and [mail](mailto:someone@example.org) and [ftp](ftp://x/y)")
    assert '<a href="https://example.org/r" rel="nofollow noopener noreferrer">report</a>' in html
    assert '<a href="mailto:someone@example.org" rel="nofollow noopener noreferrer">mail</a>' in html
    assert "ftp://" not in html or 'href="ftp' not in html


def test_the_subset_renders() -> None:
    html = render("# Heading\n\n*em* **strong** `code`\n\n- one\n- two\n\n> quoted\n\n1. first")
    assert "<h3>Heading</h3>" in html  # headings sit under the page's own
    for part in ("<em>em</em>", "<strong>strong</strong>", "<code>code</code>", "<li>one</li>", "<blockquote>", "<ol>"):
        assert part in html


def test_html_is_shown_as_text() -> None:
    assert render("<b>bold?</b>") == "<p>&lt;b&gt;bold?&lt;/b&gt;</p>\n"
