"""Interface text in every language we ship, and choosing a language.

Interface text is gettext messages, translated in `.po` files (`catalogues.py`) and shown
through a `Language` (`language.py`): the one value a request carries (chosen by
`backend.web.language`), which also writes dates, numbers and percentages. Questionnaire text
comes from the definition file (`pick`, `Language.text`). How to add strings and languages:
docs/translations.md. This package imports no web framework: the questionnaire library uses it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from babel.core import negotiate_locale

from backend.i18n.catalogues import AREAS, DEFAULT_LANGUAGE, LANGUAGES, SOURCE_LANGUAGE, load_all
from backend.i18n.language import (
    DISPLAY_TIMEZONE,
    LANGUAGE_NAMES,
    N_,
    Language,
    Shown,
    choose_text,
    language_for,
    language_name,
)
from backend.i18n.respondent import t

__all__ = [
    "AREAS",
    "DEFAULT_LANGUAGE",
    "DISPLAY_TIMEZONE",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "N_",
    "SOURCE_LANGUAGE",
    "Language",
    "Shown",
    "language_for",
    "language_name",
    "load_all",
    "negotiate",
    "pick",
    "t",
]


def pick(text: Mapping[str, str], language: str, default_language: str = "en") -> str:
    """A questionnaire string in `language`, falling back to the definition's default language
    (`Language.text` also says whether it fell back)."""
    return choose_text(text, language, default_language).text


def _preferred(accept_language: str) -> list[str]:
    """The tags of an Accept-Language header, best first (q-values honoured, q=0 left out)."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip()
        quality = 1.0
        for p in pieces[1:]:
            name, _, value = p.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(ranked)]


def negotiate(accept_language: str | None, available: Iterable[str], default: str) -> str:
    """The best of `available` for an Accept-Language header (Babel's `negotiate_locale`:
    `fr-CA` gets `fr`), else `default`."""
    options = list(available)
    if not accept_language:
        return default
    best = negotiate_locale(_preferred(accept_language), options, sep="-", aliases={})
    if best is None:
        return default
    # Babel answers with the header's spelling (`FR`): ours is the one in `available`.
    return next((o for o in options if o.lower() == best.lower()), default)
