"""Reading the values of a definition document: each reader records a `Problem` instead of raising.

One `Reader` serves a whole document. It collects the problems, knows the languages (for
translatable text) and remembers every text it read (for the missing-translation check). The
parts of the document are read by functions that are handed the reader: `parse.py` for the
questionnaire, its sections and the common question keys, each kind's `read_settings` for the
keys of its type, `crosscheck.py` for the checks that need the whole document.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from backend.surveys.format import spec
from backend.surveys.format.model import Option, Text
from backend.surveys.format.problems import Problem, did_you_mean
from backend.surveys.format.yaml_positions import Path


def normal_number(value: int | float) -> int | float:
    """2.0 and 2 are the same bound: kept as 2, so that both writings give one version."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


class Reader:
    """Reads keys of plain mappings, collecting every fault so that one run reports them all."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        #: what does not stop the definition being used (a text that lacks a translation)
        self.warnings: list[Problem] = []
        self.languages: tuple[str, ...] = ("en",)
        self.default_language = "en"
        #: every translatable string seen, for the missing-translation check
        self.texts: list[tuple[Path, Text]] = []

    def problem(self, path: Path, message: str, *, at_key: bool = False) -> None:
        self.problems.append(Problem(path, message, at_key=at_key))

    def warn(self, path: Path, message: str) -> None:
        self.warnings.append(Problem(path, message))

    def check_keys(self, raw: dict[str, Any], allowed: tuple[str, ...], path: Path, what: str) -> None:
        for key in raw:
            if key not in allowed:
                self.problem(
                    (*path, key), f'unknown key "{key}" in {what}{did_you_mean(str(key), allowed)}', at_key=True
                )

    def mapping(self, raw: object, path: Path, what: str) -> dict[str, Any] | None:
        if not isinstance(raw, dict):
            self.problem(path, f"{what} must be a mapping (key: value lines)")
            return None
        return raw

    def string(
        self,
        raw: dict[str, Any],
        key: str,
        path: Path,
        *,
        required: bool = True,
        pattern: str | None = None,
        hint: str = "",
    ) -> str | None:
        if key not in raw or raw[key] is None:
            if required:
                self.problem(path, f'missing required key "{key}"')
            return None
        value = raw[key]
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            self.problem((*path, key), f'"{key}" must be a non-empty string')
            return None
        if pattern and not re.fullmatch(pattern, value):
            self.problem((*path, key), f'"{key}" {value!r} is not valid: {hint}')
            return None
        return value.strip()

    def boolean(self, raw: dict[str, Any], key: str, path: Path, default: bool = False) -> bool:
        value = raw.get(key, default)
        if not isinstance(value, bool):
            self.problem((*path, key), f'"{key}" must be true or false, not {value!r}')
            return default
        return value

    def number(self, raw: dict[str, Any], key: str, path: Path) -> int | float | None:
        if key not in raw or raw[key] is None:
            return None
        value = raw[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem((*path, key), f'"{key}" must be a number, not {value!r}')
            return None
        if not math.isfinite(value):
            self.problem((*path, key), f'"{key}" must be a finite number, not {value!r}')
            return None
        if abs(value) > spec.MAX_NUMBER:
            self.problem((*path, key), f'"{key}" must be between -{spec.MAX_NUMBER:,} and {spec.MAX_NUMBER:,}')
            return None
        return normal_number(value)

    def positive_int(self, raw: dict[str, Any], key: str, path: Path) -> int | None:
        if key not in raw or raw[key] is None:
            return None
        value = raw[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.problem((*path, key), f'"{key}" must be a whole number of 1 or more, not {value!r}')
            return None
        return value

    def date(self, raw: dict[str, Any], key: str, path: Path) -> dt.date | None:
        """A date written YYYY-MM-DD (YAML may already have read it as a date)."""
        if key not in raw or raw[key] is None:
            return None
        value = raw[key]
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.problem((*path, key), f'"{key}" must be a date written YYYY-MM-DD, not {value!r}')
            return None

    def choice(self, raw: dict[str, Any], key: str, path: Path, allowed: tuple[str, ...], default: str) -> str:
        value = raw.get(key, default)
        if value not in allowed:
            self.problem(
                (*path, key),
                f'"{key}" must be one of {", ".join(allowed)}; not {value!r}{did_you_mean(str(value), allowed)}',
            )
            return default
        return str(value)

    def text(self, raw: dict[str, Any], key: str, path: Path, *, required: bool = False) -> Text:
        """A translatable string: plain text (the default language) or {language: text}."""
        if key not in raw or raw[key] is None:
            if required:
                self.problem(path, f'missing required key "{key}"')
            return {}
        value = raw[key]
        where = (*path, key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str):
            if not value.strip():
                self.problem(where, f'"{key}" must not be empty')
                return {}
            # Surrounding blank space (a block scalar's final line break) is never meant:
            # trimmed, so every way of writing a text gives the same version.
            text = {self.default_language: value.strip()}
        elif isinstance(value, dict):
            text = self._translations(value, key, where)
        else:
            self.problem(where, f'"{key}" must be text, or a mapping from language to text')
            return {}
        self.texts.append((where, text))
        return text

    def _translations(self, value: dict[Any, Any], key: str, where: Path) -> Text:
        text: Text = {}
        for lang, s in value.items():
            if lang not in self.languages:
                self.problem(
                    (*where, lang),
                    f'language "{lang}" is not in "languages" '
                    f"({', '.join(self.languages)})"
                    f"{did_you_mean(str(lang), self.languages)}",
                    at_key=True,
                )
                continue
            if isinstance(s, int | float) and not isinstance(s, bool):
                s = str(s)  # as for a plain `label: 100`
            if not isinstance(s, str) or not s.strip():
                self.problem((*where, lang), f'the "{lang}" text of "{key}" must be a non-empty string')
                continue
            text[str(lang)] = s.strip()
        return text

    def options(
        self,
        raw: dict[str, Any],
        key: str,
        path: Path,
        *,
        what: str,
        minimum: int,
        allow_exclusive: bool = False,
        reserved: tuple[str, ...] = (),
    ) -> tuple[Option, ...]:
        """A list of coded options (choices, scale points, items, rows) under `key`.

        `reserved`: the codes of the options the format adds to this question itself.
        """
        items, where = raw.get(key), (*path, key)
        if items is None:
            self.problem(path, f'missing required key "{key}"')
            return ()
        if not isinstance(items, list):
            self.problem(where, f'"{key}" must be a list of {what}')
            return ()
        if len(items) < minimum:
            self.problem(where, f'"{key}" needs at least {minimum} {what}; found {len(items)}')
        out: list[Option] = []
        codes: dict[str, int] = {}
        for i, item in enumerate(items):
            option = self._option(item, (*where, i), what, allow_exclusive)
            if option is None:
                continue
            if option.code in codes:
                self.problem(
                    (*where, i, "code"),
                    f'option code "{option.code}" is used twice (also by item {codes[option.code] + 1})',
                )
            elif option.code in reserved:
                self.problem(
                    (*where, i, "code"),
                    f'option code "{option.code}" collides with the code '
                    "the format adds itself for this question's extra option",
                )
            codes[option.code] = i
            out.append(option)
        return tuple(out)

    def _option(self, item: object, where: Path, what: str, allow_exclusive: bool) -> Option | None:
        o = self.mapping(item, where, f"one of the {what}")
        if o is None:
            return None
        keys = spec.OPTION_KEYS if allow_exclusive else spec.OPTION_KEYS[:2]
        self.check_keys(o, keys, where, f"one of the {what}")
        code = self.string(o, "code", where, pattern=spec.CODE_PATTERN, hint="use letters, digits, _ . and -")
        label = self.text(o, "label", where, required=True)
        exclusive = self.boolean(o, "exclusive", where) if allow_exclusive else False
        return None if code is None else Option(code=code, label=label, exclusive=exclusive)
