"""The soft check before a post is published: does its text name the author's force, its
country or region, or a person of the registry (name or e-mail)? It only warns: the author
confirms or edits; nothing is published silently, and nothing is blocked."""

from __future__ import annotations

import re

from backend.database import fetch
from backend.i18n import LANGUAGES, language_for
from backend.partners.peer_groups import label
from backend.partners.services import get_force
from backend.security.roles import Viewer

#: Everyone in the registry (names and e-mails), and every force's name and code.
REGISTRY_NAMES = """
SELECT name, email FROM person WHERE active
"""
#: Names shorter than this are not looked for (initials would match everywhere).
MIN_LENGTH = 4
#: Any e-mail address: every one is warned about, registered or not, so that the warning does
#: not tell anyone whether an address is in the registry.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def mentions(text: str, phrase: str) -> bool:
    """`phrase` appears in `text` as whole words, whatever the case."""
    phrase = phrase.strip()
    if len(phrase) < MIN_LENGTH:
        return False
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.IGNORECASE) is not None


async def identity_mentions(viewer: Viewer, text: str) -> list[str]:
    """What the text names that could identify a force or a person (each phrase once, as
    found in the registry): the author's force's name, code, country and region (in every
    interface language), and any person's name or e-mail."""
    phrases: list[str] = []
    if viewer.force_id is not None:
        force = await get_force(viewer.force_id)
        if force is not None:
            phrases += [force.name, force.code, force.country]
            region = label("region", force.region)
            phrases += [language_for(code).translations.gettext(region) for code in LANGUAGES]
    for row in await fetch(REGISTRY_NAMES):
        phrases += [row["name"], row["email"]]
    found: list[str] = []
    for address in EMAIL.findall(text):
        if address not in found:
            found.append(address)
    for phrase in phrases:
        if phrase and phrase.lower() not in {f.lower() for f in found} and mentions(text, phrase):
            found.append(phrase)
    return found
