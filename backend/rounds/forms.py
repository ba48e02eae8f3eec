"""The staff forms for rounds."""

from __future__ import annotations

from typing import ClassVar

from backend.web.forms import Form


class NewRoundForm(Form):
    stripped: ClassVar[frozenset[str]] = frozenset({"title", "min_group_size", "closes_on"})
    lists: ClassVar[frozenset[str]] = frozenset({"forces"})

    title: str = ""
    #: the questionnaire version's id
    version: str = ""
    #: the chosen forces' ids (a multi-select: see `Form`)
    forces: list[str] | str = []
    min_group_size: str = "5"
    #: YYYY-MM-DD, optional
    closes_on: str = ""


class ReplaceLink(Form):
    #: the round page to go back to
    round: str = ""
