"""Client input bounded by what the database and the file system can take.

Ids, version numbers and revisions are PostgreSQL `integer` columns. An unbounded `int` from
the URL or a form reaches asyncpg, which refuses to encode 99999999999 for an `integer` and
raises: a 500 for a mistyped address. Bounded, it is a 400 (or "no such thing") before any
query runs, and the OpenAPI document states the bounds.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, TypeAlias, TypeVar

from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import PathParameter, SkipValidation

T = TypeVar("T")

#: A parameter Litestar injects by its name (`viewer: Injected[Viewer]`) and hands over as the
#: provider made it: our own objects need no checking, and a questionnaire's types (unions of
#: dataclasses) are more than msgspec would check.
Injected: TypeAlias = NamedDependency[SkipValidation[T]]

#: The range of a PostgreSQL `integer` (int4).
INT4_MIN, INT4_MAX = -(2**31), 2**31 - 1

#: A row id or version number in a path: a positive `integer`.
PathId = Annotated[int, PathParameter(ge=1, le=INT4_MAX)]

#: ASCII digits only: `int()` also reads '١٢' and ' 7 ', and `str.isdigit()` accepts '²',
#: which `int()` then refuses.
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,10}")

#: Longest name of one file or folder on Linux (NAME_MAX), in bytes.
NAME_MAX = 255


def form_int(text: str | None) -> int | None:
    """A whole number from a form field, or None unless it is one that fits an `integer`."""
    if text is None or not _WHOLE_NUMBER.fullmatch(text):
        return None
    value = int(text)
    return value if INT4_MIN <= value <= INT4_MAX else None


async def plausible_file_path(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard of the static-file routes: a path the file system cannot even look up (a NUL
    byte, a name over NAME_MAX bytes) names no file, so it is a 404 rather than the 500 the
    failed lookup would give."""
    path: str = connection.scope["path"]
    if "\x00" in path or any(len(part.encode()) > NAME_MAX for part in path.split("/")):
        raise NotFoundException()
