"""How complete a questionnaire's translations are: every text, and which languages it lacks.

A definition may leave a text untranslated (as XLSForm and ODK allow): respondents then see it
in the default language. `surveys validate` warns about each such text (`--strict`: an error),
the staff questionnaire page shows each language's count, and a round cannot be opened with a
version that lacks any (`incomplete_message`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from backend.i18n import SOURCE_LANGUAGE, Language, language_for
from backend.surveys.format.model import Option, Question, Survey, Text

#: How many missing texts a message names before "and N more".
NAMED = 8


@dataclass(frozen=True)
class MissingText:
    #: The text in words: `question "q3" label`, `section "intro" title`, `title`.
    where: str
    language: str


@dataclass(frozen=True)
class LanguageCount:
    language: str
    present: int
    total: int

    @property
    def complete(self) -> bool:
        return self.present == self.total

    def __str__(self) -> str:
        return f"{self.language}: {self.present} of {self.total} texts"


@dataclass(frozen=True)
class TranslationReport:
    #: One count per language of the questionnaire, the default language first.
    counts: tuple[LanguageCount, ...]
    missing: tuple[MissingText, ...]

    @property
    def complete(self) -> bool:
        return not self.missing

    def missing_in(self, language: str) -> list[str]:
        return [m.where for m in self.missing if m.language == language]


def texts(survey: Survey) -> Iterator[tuple[str, Text]]:
    """Every text of the questionnaire that is written (optional ones left out are not texts),
    named in words, in the order of the file."""
    yield from _own("", survey, ("title", "description", "privacy_notice"))
    for section in survey.sections:
        where = f'section "{section.id}" '
        yield from _own(where, section, ("title", "intro"))
        for q in section.questions:
            yield from _question(q)


def _own(where: str, obj: object, names: tuple[str, ...]) -> Iterator[tuple[str, Text]]:
    for name in names:
        text = getattr(obj, name)
        if text:
            yield f"{where}{name}", text


def _question(q: Question[Any]) -> Iterator[tuple[str, Text]]:
    where = f'question "{q.id}" '
    yield from _own(where, q, ("label", "help", "required_message"))
    for f in dataclasses.fields(q.settings):
        value = getattr(q.settings, f.name)
        if isinstance(value, dict) and value:
            yield f"{where}{f.name}", value
        elif isinstance(value, tuple):
            for o in value:
                if isinstance(o, Option) and o.label:
                    yield f'{where}{f.name} "{o.code}"', o.label
    for i, c in enumerate(q.constraints, 1):
        if c.message:
            yield f"{where}constraint {i} message", c.message


def translation_report(survey: Survey) -> TranslationReport:
    """Each language's count of texts, and every text a language lacks."""
    found = list(texts(survey))
    missing = tuple(MissingText(where, lang) for where, text in found for lang in survey.languages if lang not in text)
    counts = tuple(
        LanguageCount(lang, sum(1 for _, text in found if lang in text), len(found))
        for lang in (survey.default_language, *(lang for lang in survey.languages if lang != survey.default_language))
    )
    return TranslationReport(counts, missing)


def incomplete_message(survey: Survey, language: Language | None = None) -> str | None:
    """Why a round cannot be opened with `survey` for want of translations (None: it can), in
    `language` (English unless given). The texts are named as in the definition file."""
    report = translation_report(survey)
    if report.complete:
        return None
    words = language or language_for(SOURCE_LANGUAGE)
    parts = []
    for count in report.counts:
        if count.complete:
            continue
        named = report.missing_in(count.language)
        shown = ", ".join(named[:NAMED])
        if len(named) > NAMED:
            shown = words.gettext("%(named)s and %(more)d more", named=shown, more=len(named) - NAMED)
        parts.append(
            words.gettext(
                '"%(language)s" lacks %(missing)d of %(total)d texts (%(named)s)',
                language=count.language,
                missing=count.total - count.present,
                total=count.total,
                named=shown,
            )
        )
    return words.gettext(
        "This version's translations are incomplete: %(details)s. Respondents would see those texts in the "
        "default language: complete the translations in the definition file, load it again and choose the "
        "new version.",
        details="; ".join(parts),
    )
