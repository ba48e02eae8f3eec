"""The typed-value readers of definition parsing: each records a `Problem` instead of raising."""

from __future__ import annotations

import math
import re
from typing import Any

from backend.surveys.definition import Text
from backend.surveys.problems import Problem, did_you_mean
from backend.surveys.spec import MAX_NUMBER
from backend.surveys.yamlpos import Path


def normal_number(value: int | float) -> int | float:
    """2.0 and 2 are the same bound: kept as 2, so that both writings give one version."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


class ValueReader:
    """Reads keys of plain mappings, collecting every fault so that one run reports them all."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.languages: tuple[str, ...] = ("en",)
        self.default_language = "en"
        #: every translatable string seen, for the missing-translation check
        self.texts: list[tuple[Path, Text]] = []

    def problem(self, path: Path, message: str, *, at_key: bool = False) -> None:
        self.problems.append(Problem(path, message, at_key=at_key))

    # ---- small readers -------------------------------------------------------------------

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

    def number(self, raw: dict[str, Any], key: str, path: Path) -> float | None:
        if key not in raw or raw[key] is None:
            return None
        value = raw[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem((*path, key), f'"{key}" must be a number, not {value!r}')
            return None
        if not math.isfinite(value):
            self.problem((*path, key), f'"{key}" must be a finite number, not {value!r}')
            return None
        if abs(value) > MAX_NUMBER:
            self.problem((*path, key), f'"{key}" must be between -{MAX_NUMBER:,} and {MAX_NUMBER:,}')
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
            text = {}
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
        else:
            self.problem(where, f'"{key}" must be text, or a mapping from language to text')
            return {}
        self.texts.append((where, text))
        return text
