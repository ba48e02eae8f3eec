"""`web/fragments.cached`: a macro's HTML rendered once per key and interface language."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from jinja2 import Environment

from backend.i18n import language_for
from backend.web import fragments

TEMPLATE = """{% macro shown(x) %}<b>{{ x }}</b> {{ calls.append(x) or "" }}{{ language.code }}{% endmacro -%}
{{ cached(key, shown, value) }}"""


@pytest.fixture(autouse=True)
def empty() -> Iterator[None]:
    fragments.clear()
    yield
    fragments.clear()


def _render(key: object, value: str, calls: list[str], lang: str = "en") -> str:
    env = Environment(autoescape=True)
    env.globals["cached"] = fragments.cached
    return env.from_string(TEMPLATE).render(key=key, value=value, calls=calls, language=language_for(lang))


def test_a_fragment_is_rendered_once_per_key_and_language() -> None:
    calls: list[str] = []
    first = _render(("q", 1), "<a>", calls)
    assert first == "<b>&lt;a&gt;</b> en" and calls == ["<a>"]
    # Kept: the same key gives the same HTML without calling the macro (even for other input).
    assert _render(("q", 1), "other", calls) == first and calls == ["<a>"]
    assert _render(("q", 2), "other", calls) == "<b>other</b> en" and calls == ["<a>", "other"]
    # The page's language is part of every key.
    assert _render(("q", 1), "<a>", calls, "fr") == "<b>&lt;a&gt;</b> fr" and len(calls) == 3


def test_no_key_renders_every_time() -> None:
    calls: list[str] = []
    assert _render(None, "x", calls) == _render(None, "x", calls) == "<b>x</b> en"
    assert calls == ["x", "x"]


def test_the_least_recently_used_go_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fragments, "MAX_FRAGMENTS", 2)
    calls: list[str] = []
    _render(1, "a", calls)
    _render(2, "b", calls)
    _render(1, "a", calls)  # 1 used again: 2 is now the oldest
    _render(3, "c", calls)
    assert calls == ["a", "b", "c"]
    _render(1, "a", calls)
    _render(2, "b", calls)  # gone: drawn again
    assert calls == ["a", "b", "c", "b"]


def test_form_key_is_independent_of_field_order() -> None:
    assert fragments.form_key({"a": ["1"], "b": ["2", "3"]}) == fragments.form_key({"b": ["2", "3"], "a": ["1"]})
