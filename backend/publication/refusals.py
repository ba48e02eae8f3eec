"""Why a round cannot be published (yet), in words: staff read these on the preview page, in a
message after pressing "Publish", and in the JSON API's answers (English). Staff-only words
among the partner code, so their messages live in `staff.po` (`i18n.tools.AREA_PATHS`)."""

from __future__ import annotations

from backend.i18n import SOURCE_LANGUAGE, Language, language_for
from backend.rounds.schemas import RoundStatus


def _words(language: Language | None) -> Language:
    return language or language_for(SOURCE_LANGUAGE)


def publish_refusal(
    status: str, submitted: int, drafts: int, correction: bool, language: Language | None = None
) -> str | None:
    """Why publishing a round in `status` now is refused (None: it may be published), in
    `language` (English unless given)."""
    words = _words(language)
    if status in {RoundStatus.DRAFT, RoundStatus.SCHEDULED, RoundStatus.OPEN}:
        close = words.gettext("Close the round before publishing: answers can still change while it is open.")
        if not drafts:
            return close
        pending = words.ngettext(
            "%(num)d force has answers in draft, which would not be counted.",
            "%(num)d forces have answers in draft, which would not be counted.",
            drafts,
        )
        return f"{close} {pending}"
    if status == RoundStatus.PUBLISHED and not correction:
        return words.gettext(
            "This round has already been published. To change what partners see, publish a correction."
        )
    if status != RoundStatus.PUBLISHED and correction:
        return words.gettext("Only a published round can be corrected.")
    if submitted == 0:
        return words.gettext("No force has submitted answers: there is nothing to publish.")
    return None


def no_such_round(language: Language | None = None) -> str:
    return _words(language).gettext("No such round.")


def published_meanwhile(language: Language | None = None) -> str:
    return _words(language).gettext("Someone else published this round a moment ago; reload the page.")
