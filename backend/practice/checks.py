"""Checking a note before anything is stored: pure, so the pages and the JSON routes share the
rules and the messages. Each problem names its field (`title`, `problems`, `status_label`, …)."""

from __future__ import annotations

from collections.abc import Mapping

import msgspec

from backend.i18n import LANGUAGES, Language
from backend.practice.schemas import Attribution, Problem, StatusLabel

TITLE_MAX = 300
TEXT_MAX = 10_000
COMMENT_MAX = 5_000
MESSAGE_MAX = 5_000
QUERY_MAX = 200

#: The questionnaire notes are tagged with unless another is named.
DEFAULT_QUESTIONNAIRE = "drug-market-practice"


class NoteInput(msgspec.Struct):
    """A note as its author writes it (in `original_language`)."""

    title: str
    #: en | fr | es: the language the note is written in
    original_language: str = "en"
    #: problem categories: market_violence, corruption, health_harms, public_nuisance,
    #: exploitation, drug_deaths, organised_crime, other
    problems: list[str] = msgspec.field(default_factory=list)
    approach: str = ""
    #: partners involved
    partners: str = ""
    resources: str = ""
    #: outcome and evidence
    outcome: str = ""
    #: worked | promising | new | didnt_work
    status_label: str = ""
    #: named (your force's name is shown, never yours) | anonymous
    attribution: str = "anonymous"
    #: the questionnaire whose themes and questions tag the note (its slug)
    questionnaire: str = DEFAULT_QUESTIONNAIRE
    #: section ids of that questionnaire
    themes: list[str] = msgspec.field(default_factory=list)
    #: question ids of that questionnaire
    questions: list[str] = msgspec.field(default_factory=list)


class TranslationInput(msgspec.Struct):
    """A note's words in another language than its original one."""

    #: en | fr | es (not the note's original language)
    translation_language: str
    title: str
    approach: str = ""
    partners: str = ""
    resources: str = ""
    outcome: str = ""


def _clean(text: str) -> str:
    # PostgreSQL text cannot hold NUL.
    return text.replace("\x00", "").strip()


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(_clean(v) for v in values if _clean(v)))


def cleaned(data: NoteInput) -> NoteInput:
    return NoteInput(
        title=_clean(data.title),
        original_language=_clean(data.original_language),
        problems=_unique(data.problems),
        approach=_clean(data.approach),
        partners=_clean(data.partners),
        resources=_clean(data.resources),
        outcome=_clean(data.outcome),
        status_label=_clean(data.status_label),
        attribution=_clean(data.attribution),
        questionnaire=_clean(data.questionnaire) or DEFAULT_QUESTIONNAIRE,
        themes=_unique(data.themes),
        questions=_unique(data.questions),
    )


def cleaned_translation(data: TranslationInput) -> TranslationInput:
    return TranslationInput(
        translation_language=_clean(data.translation_language),
        title=_clean(data.title),
        approach=_clean(data.approach),
        partners=_clean(data.partners),
        resources=_clean(data.resources),
        outcome=_clean(data.outcome),
    )


def _text_problems(texts: Mapping[str, str], language: Language) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not texts["title"]:
        problems["title"] = language.gettext("Give the note a title.")
    elif len(texts["title"]) > TITLE_MAX:
        problems["title"] = language.gettext("The title is too long (at most %(max)s characters).", max=TITLE_MAX)
    for name in ("approach", "partners", "resources", "outcome"):
        if len(texts[name]) > TEXT_MAX:
            problems[name] = language.gettext("This text is too long (at most %(max)s characters).", max=TEXT_MAX)
    return problems


def check_note(
    data: NoteInput, themes: set[str] | None, questions: set[str] | None, language: Language
) -> dict[str, str]:
    """Problems by field; empty when the note may be stored. `themes`/`questions`: the ids of
    the named questionnaire (None: there is no such questionnaire)."""
    problems = _text_problems(msgspec.structs.asdict(data), language)
    if data.original_language not in LANGUAGES:
        problems["original_language"] = language.gettext("Choose the language the note is written in: en, fr or es.")
    if not data.problems:
        problems["problems"] = language.gettext("Choose at least one problem the note addresses.")
    elif any(p not in Problem.__members__.values() for p in data.problems):
        problems["problems"] = language.gettext("Choose problems from the list.")
    if data.status_label not in StatusLabel.__members__.values():
        problems["status_label"] = language.gettext("Say whether it worked, is promising, is new or didn't work.")
    if data.attribution not in Attribution.__members__.values():
        problems["attribution"] = language.gettext("Choose whether your force is named or the note is anonymous.")
    if themes is None or questions is None:
        problems["questionnaire"] = language.gettext("There is no questionnaire with this name.")
    else:
        if any(t not in themes for t in data.themes):
            problems["themes"] = language.gettext("Choose themes from the questionnaire's list.")
        if any(q not in questions for q in data.questions):
            problems["questions"] = language.gettext("Choose questions from the questionnaire's list.")
    return problems


def check_translation(data: TranslationInput, original: str, language: Language) -> dict[str, str]:
    problems = _text_problems(msgspec.structs.asdict(data), language)
    if data.translation_language not in LANGUAGES:
        problems["translation_language"] = language.gettext("Choose the translation's language: en, fr or es.")
    elif data.translation_language == original:
        problems["translation_language"] = language.gettext(
            "This is the note's original language: edit the note to change its words."
        )
    return problems


def check_comment(comment: str, language: Language) -> dict[str, str]:
    """A staff comment returning a note: required, so the author knows what to change."""
    text = _clean(comment)
    if not text:
        return {"comment": language.gettext("Say what the author should change.")}
    if len(text) > COMMENT_MAX:
        return {"comment": language.gettext("The comment is too long (at most %(max)s characters).", max=COMMENT_MAX)}
    return {}


def check_message(message: str, language: Language) -> dict[str, str]:
    text = _clean(message)
    if not text:
        return {"message": language.gettext("Write your message to the author.")}
    if len(text) > MESSAGE_MAX:
        return {"message": language.gettext("The message is too long (at most %(max)s characters).", max=MESSAGE_MAX)}
    return {}


#: Longest theme or question id in a filter (ids are at most this long in questionnaires).
SUBJECT_MAX = 100
#: Highest page number asked for (anything beyond is empty anyway).
PAGE_MAX = 10_000


def check_filters(
    q: str, problem: str, status: str, theme: str, question: str, lang: str, language: Language
) -> dict[str, str]:
    """Problems with a search's filters, by the query parameter's name."""
    problems: dict[str, str] = {}
    if len(q) > QUERY_MAX:
        problems["q"] = language.gettext("Search for at most %(max)s characters.", max=QUERY_MAX)
    if problem and problem not in Problem.__members__.values():
        problems["problem"] = language.gettext("Choose problems from the list.")
    if status and status not in StatusLabel.__members__.values():
        problems["status"] = language.gettext("Say whether it worked, is promising, is new or didn't work.")
    if lang and lang not in LANGUAGES:
        problems["lang"] = language.gettext("Choose a language: en, fr or es.")
    for name, value in (("theme", theme), ("question", question)):
        if len(value) > SUBJECT_MAX:
            problems[name] = language.gettext("There is no theme or question with this id.")
    return problems
