"""Read models of stored questionnaire versions: what the surveys services return."""

from __future__ import annotations

from datetime import datetime

import msgspec


class VersionRow(msgspec.Struct, frozen=True):
    """A stored version with its questionnaire and how many rounds use it."""

    id: int
    version_label: str
    #: SHA-256 of the normalised definition: the version's identity
    content_hash: str
    loaded_at: datetime
    #: the definition file it was loaded from
    source_name: str
    #: the questionnaire's
    slug: str
    #: the questionnaire's title in its default language
    title: str
    purpose: str
    rounds: int
    #: this version's title in each of its languages, and its default language (pages show
    #: the title in the reader's language: `language.text(v.titles, v.default_language)`)
    titles: dict[str, str] = {}
    default_language: str = "en"
