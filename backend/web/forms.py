"""Reading HTML forms.

Fixed forms (sign-in, a new force, a new round, …) are msgspec Structs that Litestar decodes
from the URL-encoded body: a handler declares `data: Annotated[NewForce, FORM]`. Every field
is text with a default, so a missing field is empty and the handler words its own messages;
the CSRF token and other unknown fields are ignored. `read_form` stays for what a Struct
cannot describe: questionnaire pages (their fields come from the questionnaire)."""

from __future__ import annotations

from typing import Any, ClassVar

import msgspec
from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.params import Body

#: The `Body` of a handler's `data` parameter that is an HTML form: `Annotated[SomeForm, FORM]`.
FORM = Body(media_type=RequestEncodingType.URL_ENCODED)


def _clean(text: str) -> str:
    # PostgreSQL text cannot hold NUL (a query with one fails), and nobody types one.
    return text.replace("\x00", "")


class Form(msgspec.Struct, kw_only=True):
    """Base of the fixed forms: NUL is dropped from every field, and the fields named in
    `stripped` lose the spaces around them (as people type them by accident).

    A multi-select field is declared `list[str] | str`: Litestar hands a single chosen value
    over as text (litestar#2028), and `__post_init__` makes it a list again."""

    stripped: ClassVar[frozenset[str]] = frozenset()
    lists: ClassVar[frozenset[str]] = frozenset()

    def __post_init__(self) -> None:
        for name in self.__struct_fields__:
            value = getattr(self, name)
            if name in self.lists:
                setattr(self, name, [_clean(v) for v in ([value] if isinstance(value, str) else value)])
            elif isinstance(value, str):
                value = _clean(value)
                setattr(self, name, value.strip() if name in self.stripped else value)

    def values(self) -> dict[str, Any]:
        """The fields as a dict, for showing the form again as it was typed."""
        return msgspec.structs.asdict(self)


async def read_form(request: Request[Any, Any, Any]) -> dict[str, list[str]]:
    """Every field of a form with all of its values (a questionnaire page)."""
    form = await request.form()
    out: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            out.setdefault(key, []).append(_clean(value))
    return out


#: A form whose fields are not known in advance (a questionnaire page), as Litestar decodes it:
#: a field sent once is text, a field sent more than once a list.
FormFields = dict[str, str | list[str]]


def form_lists(fields: FormFields) -> dict[str, list[str]]:
    """`fields` as `read_form` gives them: every value in a list, NUL dropped."""
    return {key: [_clean(v) for v in ([value] if isinstance(value, str) else value)] for key, value in fields.items()}
