"""A round's title in each language (issue 9, item 5): the checks, what is stored, and what a
reader is shown, with the questionnaire's default language as fallback."""

from __future__ import annotations

from backend.i18n import Shown, language_for
from backend.rounds.titles import shown_title, stored_titles, title_problems


def test_titles_given_in_other_languages_are_kept_with_the_default() -> None:
    given = {"fr": "  Campagne 2027 ", "es": " ", "en": "Round 2027", "de": "\x00"}
    assert stored_titles(" Round 2027", given, "en") == {"fr": "Campagne 2027", "en": "Round 2027"}
    assert title_problems("Round 2027", given, "en") == []


def test_each_problem_names_its_language_and_reads_in_the_readers() -> None:
    problems = title_problems("Round", {"fr": "x" * 301, "en": "Other", "xx": "Zzz", "de": "Runde"}, "en", ["en"])
    assert [p.field for p in problems] == ["titles.fr", "titles.en", "titles.xx", "titles.de"]
    too_long, not_default, unknown, _ = problems
    assert too_long.text == "Use 300 characters or fewer for the title in French."
    assert too_long.worded(language_for("fr")) == "Le titre en français ne doit pas dépasser 300 caractères."
    assert too_long.worded(language_for("es")) == "El título en francés no debe superar los 300 caracteres."
    assert not_default.text.startswith("The questionnaire's default language is English:")
    assert unknown.text == "A title can be given in these languages: en, fr, es."
    # a language of the questionnaire's own may have a title too
    assert title_problems("Runde", {"de": "Runde 2027"}, "en", ["en", "de"]) == []
    # the default language's title may repeat the title itself
    assert title_problems("Round", {"en": " Round "}, "en") == []


def test_the_reader_gets_their_language_else_the_default_marked() -> None:
    titles = {"en": "Round 2027", "fr": "Campagne 2027"}
    assert shown_title(language_for("fr"), titles, "Round 2027", "en") == Shown("Campagne 2027", "fr", False)
    assert shown_title(language_for("es"), titles, "Round 2027", "en") == Shown("Round 2027", "en", True)
    # a round stored before titles had languages: its one title, in the default language
    assert shown_title(language_for("es"), {}, "Ronda", "es") == Shown("Ronda", "es", False)
    assert shown_title(language_for("fr"), {}, "Ronda", "es") == Shown("Ronda", "es", True)
