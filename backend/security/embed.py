"""JSON inside HTML pages, made inert.

Page data travels in `<script type="application/json">` blocks (the CSP allows no inline
scripts). The HTML parser ends such a block at the first `</script` whatever the JSON means,
and `<!--` switches it into a state where a later `<script` changes how the block ends; a
respondent's free text or a questionnaire label may contain either. Escaping `<`, `>` and
`&` as JSON `\\u003c`-style escapes leaves the decoded value unchanged while no markup can
appear in the block; U+2028 and U+2029 are escaped too, since older JavaScript parsers end a
string at them. `'` is escaped as well, so the output may also stand in a single-quoted
attribute (Jinja's own `tojson` gives the same guarantee).

This is the app's `tojson` template filter: every JSON that goes into a page uses it.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

#: Replaced one by one (`str.replace` is some 40 times faster than `str.translate` with a
#: mapping, and a dashboard page escapes some forty figures).
_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("'", "\\u0027"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def script_json(value: Any, indent: int | None = None) -> Markup:
    """`value` as JSON that cannot end or change the HTML element it is written into."""
    text = json.dumps(value, ensure_ascii=False, indent=indent, sort_keys=False)
    for char, escape in _ESCAPES:
        text = text.replace(char, escape)
    return Markup(text)  # noqa: S704 - escaped just above: no markup can remain
