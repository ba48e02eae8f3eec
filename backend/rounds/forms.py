"""The staff forms for rounds."""

from __future__ import annotations

from typing import ClassVar

from backend.i18n import LANGUAGES
from backend.web.forms import Form


class NewRoundForm(Form):
    stripped: ClassVar[frozenset[str]] = frozenset(
        {
            "title",
            "title_en",
            "title_fr",
            "title_es",
            "min_group_size",
            "closes_on",
            "opens_at",
            "reminder_days",
            "reminder_cap",
        }
    )
    lists: ClassVar[frozenset[str]] = frozenset({"forces"})

    #: in the questionnaire's default language
    title: str = ""
    #: the title in each interface language (optional; `titles()`)
    title_en: str = ""
    title_fr: str = ""
    title_es: str = ""
    #: the questionnaire version's id
    version: str = ""
    #: the chosen forces' ids (a multi-select: see `Form`)
    forces: list[str] | str = []
    min_group_size: str = "5"
    #: YYYY-MM-DD, optional
    closes_on: str = ""
    #: YYYY-MM-DDTHH:MM (UTC), optional: when the round opens (empty: at once)
    opens_at: str = ""
    #: "yes": keep it as a draft (nobody is invited until it is opened or scheduled)
    draft: str = ""
    #: days before the deadline, e.g. "7, 2"
    reminder_days: str = "7, 2"
    reminder_cap: str = "2"

    def titles(self) -> dict[str, str]:
        """The title in other languages, {language: title}, as `NewRound.titles` takes them."""
        return {code: getattr(self, f"title_{code}", "") for code in LANGUAGES}


#: The page's field of each language's title (the service names it `titles.<code>`).
def title_field(key: str) -> str:
    return key.replace("titles.", "title_", 1)


class ReplaceLink(Form):
    #: the round page to go back to
    round: str = ""


class OpenAtForm(Form):
    stripped: ClassVar[frozenset[str]] = frozenset({"opens_at"})

    #: YYYY-MM-DDTHH:MM (UTC)
    opens_at: str = ""


class DeadlineForm(Form):
    stripped: ClassVar[frozenset[str]] = frozenset({"closes_on"})

    #: YYYY-MM-DD
    closes_on: str = ""


class ForcesForm(Form):
    """Forces chosen on a round's pages: to add to the round, or to remind."""

    lists: ClassVar[frozenset[str]] = frozenset({"forces"})

    forces: list[str] | str = []


class ReminderScheduleForm(Form):
    stripped: ClassVar[frozenset[str]] = frozenset({"reminder_days", "reminder_cap"})

    reminder_days: str = ""
    reminder_cap: str = ""
