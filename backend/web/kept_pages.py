"""Whole page bodies rendered once and kept, per process, within a byte budget.

`web/fragments.py` keeps small parts of pages (a question, a chart panel) by count; a page body
(kept encoded, as it is sent: `web/render.render_part`, `render_around`) is some hundreds of
kilobytes (the partner dashboard: 41 charts with their figures and tables),
so these are kept by size: least recently used first out once the bodies kept exceed
`MAX_BYTES`. A body is the page's `content` only: what the layout draws around it (the
signed-in person's name, the CSRF token of the sign-out and language forms, flash messages, the
navigation) is drawn afresh at every request, so nothing of one person's request is kept.

What a body depends on must all be in its key (the caller's job: `publication/page_cache.py`);
entries are never shared between workers and never outlive the process. One page is kept
whole, layout included: the respondent's question page (`responses/kept_page.py`), under a key
that names the person's request too (the session's CSRF token among it), so it is only ever
served again to that session.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

#: Some tens of dashboard pages (forces × groups × languages) per worker at most.
MAX_BYTES = 32 * 1024 * 1024

_KEPT: OrderedDict[Hashable, bytes] = OrderedDict()
_size = 0


def get(key: Hashable) -> bytes | None:
    """The body kept for `key`, if any."""
    found = _KEPT.get(key)
    if found is not None:
        _KEPT.move_to_end(key)
    return found


def put(key: Hashable, body: bytes) -> None:
    """Keep `body` for `key`, forgetting the least recently used bodies past the budget (a body
    larger than the whole budget is not kept)."""
    global _size
    size = len(body)
    if size > MAX_BYTES:
        return
    old = _KEPT.pop(key, None)
    if old is not None:
        _size -= len(old)
    _KEPT[key] = body
    _size += size
    while _size > MAX_BYTES:
        _, dropped = _KEPT.popitem(last=False)
        _size -= len(dropped)


def kept_bytes() -> int:
    """The size of the bodies kept, in bytes."""
    return _size


def clear() -> None:
    """Forget every body (tests)."""
    global _size
    _KEPT.clear()
    _size = 0
