"""Parts of pages rendered once and kept: a template calls `{{ cached(key, macro, args…) }}`
where it would call `{{ macro(args…) }}`, and gets the HTML the macro gave the first time it was
called with that key (in the same interface language).

What may be cached is what depends on nothing but its key: a respondent's question with its
answer (the questionnaire version, the question, the languages and the answer's form values
make the key; `responses/controllers.py`), a dashboard panel (the publication, the group, the
languages, the question and the viewer's own answer; `publication/controllers.py`). The
interface language of the page (`_()` in the macro) is always added to the key here, so a key
need only say what else the fragment depends on. A key of None renders afresh (a page drawn
again with errors, a staff preview that may change).

Entries are kept per process, least recently used first out past `MAX_FRAGMENTS`; their keys
name immutable things (questionnaire versions and publications never change), so none goes
stale. Nothing is shared between workers: each renders a fragment once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from backend.web.templating import page_language

#: Some thousands of fragments of a few kilobytes each: a few megabytes per worker at most.
MAX_FRAGMENTS = 4096

_FRAGMENTS: OrderedDict[Hashable, Markup] = OrderedDict()


@pass_context
def cached(context: Context, key: Hashable | None, macro: Callable[..., Any], *args: Any, **kwargs: Any) -> Markup:
    """`macro(*args, **kwargs)`, rendered once per `key` and interface language."""
    if key is None:
        return Markup(macro(*args, **kwargs))  # noqa: S704 - a macro's output is already escaped
    full_key = (key, page_language(context).code)
    found = _FRAGMENTS.get(full_key)
    if found is not None:
        _FRAGMENTS.move_to_end(full_key)
        return found
    html = _FRAGMENTS[full_key] = Markup(macro(*args, **kwargs))  # noqa: S704 - as above
    while len(_FRAGMENTS) > MAX_FRAGMENTS:
        _FRAGMENTS.popitem(last=False)
    return html


def form_key(values: dict[str, list[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A question's form values as part of a key."""
    return tuple(sorted((name, tuple(v)) for name, v in values.items()))


def clear() -> None:
    """Forget every fragment (tests)."""
    _FRAGMENTS.clear()
