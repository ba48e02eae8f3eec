"""The gettext catalogues: several `.po` files per language, merged and compiled in memory.

`backend/locale/<language>/LC_MESSAGES/<area>.po` holds one area's translations (common,
respondent, partner, staff: see `AREAS`), so that people working on different pages edit
different files. At first use, each language's files are read with Babel, merged into one
catalogue (a message lives in one area's file; if two files hold it, the first area in
`AREAS` wins and `practice-exchange translations check` reports it), compiled with
`write_mo` into memory and kept for the life of the process: no build step, no `.mo` files.

English is the source language: the messages in the code are English, so English needs no
catalogue. Fuzzy and empty translations are never used (the English text is shown instead)."""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

#: The language the messages are written in.
SOURCE_LANGUAGE = "en"
#: The interface languages, in the order the language switch shows them. Adding one: see
#: docs/translations.md ("How to add a language").
LANGUAGES = ("en", "fr", "es")
DEFAULT_LANGUAGE = SOURCE_LANGUAGE

#: The `.po` file of each area, in merge order. Which messages go where: `tools.AREA_PATHS`.
AREAS = ("common", "respondent", "partner", "staff", "mail")


def po_path(language: str, area: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{area}.po"


def po_files(language: str) -> list[Path]:
    """The language's `.po` files: the known areas first, in `AREAS` order, then any other."""
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    found = sorted(folder.glob("*.po")) if folder.is_dir() else []
    order = {area: i for i, area in enumerate(AREAS)}
    return sorted(found, key=lambda p: (order.get(p.stem, len(AREAS)), p.stem))


#: gettext's usual plural rules, simpler for translators than CLDR's (which gives French and
#: Spanish a third form for a million and more); other languages get Babel's.
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);", "es": "nplurals=2; plural=(n != 1);"}


def new_catalogue(language: str, area: str) -> Catalog:
    """An empty `.po` catalogue for one area of a language, with this project's header."""
    catalogue = Catalog(
        locale=language,
        domain=area,
        header_comment=(
            f"# Practice Exchange: the {area} pages' interface text in {language}.\n"
            "# How to add and translate messages: docs/translations.md."
        ),
        project="Practice Exchange",
        version="1",
        fuzzy=False,
    )
    if language in PLURAL_FORMS:
        catalogue.mime_headers = [("Plural-Forms", PLURAL_FORMS[language])]
    return catalogue


def read_catalogue(path: Path, language: str) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=language, domain=path.stem, abort_invalid=True)


def merged_catalogue(language: str) -> Catalog:
    """Every area's messages for `language` in one catalogue (the first file holding a message wins)."""
    merged = Catalog(locale=language, domain="messages", fuzzy=False)
    seen: set[tuple[object, str | None]] = set()
    for path in po_files(language):
        catalogue = read_catalogue(path, language)
        if not seen:  # the plural rule the translators wrote for: the first file's
            merged.mime_headers = [("Plural-Forms", catalogue.plural_forms)]
        for message in catalogue:
            key = (message.id, message.context)
            if not message.id or key in seen:
                continue
            seen.add(key)
            merged.add(
                message.id,
                message.string,
                locations=message.locations,
                flags=message.flags,
                context=message.context,
            )
    return merged


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of `language`, made once per process; English (or a language
    without catalogues) translates nothing."""
    if language == SOURCE_LANGUAGE or not po_files(language):
        return gettext.NullTranslations()
    buffer = BytesIO()
    write_mo(buffer, merged_catalogue(language), use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def load_all() -> None:
    """Compile every interface language now: a broken `.po` file stops the start, not a page."""
    for language in LANGUAGES:
        translations(language)
