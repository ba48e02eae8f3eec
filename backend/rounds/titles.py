"""A round's title in each language: what staff give, its checks, what is stored, what is shown.

Staff give the title in the questionnaire's default language (`title`, required) and, if they
wish, in other languages (`titles`, {language: title}): the interface's languages on the page,
those or the questionnaire's own through the JSON API. `round.title` keeps the default
language's title (staff pages, reports, the JSON API); `round.titles` holds every language the
title was given in, the default's among them. Partners and respondents read the title in their
language, else in the questionnaire's default language, marked with `lang` on the element
(`shown_title`, a `Shown` like any questionnaire text).

Pure: no database, no web framework. The messages are English (`N_`) with their values apart,
worded in the reader's language where they are shown (`TitleProblem.worded`; `.text`: English).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError

from backend.i18n import LANGUAGES, N_, SOURCE_LANGUAGE, Language, Shown, language_for

#: The longest title, in any language (the `title` column's length).
TITLE_LENGTH = 300

TOO_LONG = N_("Use %(max)d characters or fewer for the title in %(language)s.")
UNKNOWN_LANGUAGE = N_("A title can be given in these languages: %(languages)s.")
NOT_THE_DEFAULT = N_(
    "The questionnaire's default language is %(language)s: its title is the title of the round. "
    "Leave this empty or give the same title."
)


def language_in(code: str, language: Language) -> str:
    """A language's name as `language` writes it within a sentence ("French", "français")."""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(language.locale)
    except (UnknownLocaleError, ValueError, TypeError):
        return code
    return name or code


@dataclass(frozen=True)
class TitleProblem:
    """What is wrong with one language's title: `field` is `titles.<code>`."""

    field: str
    #: the language whose title it is
    code: str
    #: an English message with %-placeholders: `language` (the language's name), and `values`
    message: str
    values: Mapping[str, object] = dataclasses.field(default_factory=dict)

    def worded(self, language: Language) -> str:
        """The message in `language`."""
        return language.gettext(self.message, language=language_in(self.code, language), **self.values)

    @property
    def text(self) -> str:
        """The message in English (the JSON API)."""
        return self.worded(language_for(SOURCE_LANGUAGE))


def title_languages(survey_languages: Iterable[str] = ()) -> tuple[str, ...]:
    """The languages a round's title may be given in: the interface's, then the questionnaire's."""
    return tuple(dict.fromkeys([*LANGUAGES, *survey_languages]))


def cleaned(titles: Mapping[str, str]) -> dict[str, str]:
    """The titles given, without surrounding spaces or NUL (which PostgreSQL cannot store),
    empty ones left out."""
    out = {code: text.replace("\x00", "").strip() for code, text in titles.items()}
    return {code: text for code, text in out.items() if text}


def title_problems(
    title: str, titles: Mapping[str, str], default_language: str | None, survey_languages: Iterable[str] = ()
) -> list[TitleProblem]:
    """Every problem with the titles in other languages (`title` itself is checked with the
    round); `default_language` is the chosen questionnaire's (None: no questionnaire chosen)."""
    allowed = title_languages(survey_languages)
    problems = []
    for code, text in cleaned(titles).items():
        key = f"titles.{code}"
        if code not in allowed:
            problems.append(TitleProblem(key, code, UNKNOWN_LANGUAGE, {"languages": ", ".join(allowed)}))
        elif len(text) > TITLE_LENGTH:
            problems.append(TitleProblem(key, code, TOO_LONG, {"max": TITLE_LENGTH}))
        elif code == default_language and text != title.strip():
            problems.append(TitleProblem(key, code, NOT_THE_DEFAULT))
    return problems


def stored_titles(title: str, titles: Mapping[str, str], default_language: str) -> dict[str, str]:
    """`round.titles`: every title given, the default language's being `title`."""
    return {**cleaned(titles), default_language: title.strip()}


def shown_title(language: Language, titles: Mapping[str, str], title: str, default_language: str) -> Shown:
    """The title in `language`, else in the questionnaire's default language (`fell_back`: put
    `lang` on the element)."""
    return language.text({default_language: title, **titles}, default_language)
