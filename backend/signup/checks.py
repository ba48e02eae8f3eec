"""What a sign-up may hold, all pure: the fields and their checks, the countries (by Babel, in
the reader's language), the interests, the consent text's version and purposes, the statuses."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache

from babel import Locale
from email_validator import EmailNotValidError, validate_email

from backend.i18n import LANGUAGES, Language
from backend.i18n.language import N_

#: The hidden field people never see and bots fill in (`frontend/templates/public/signup.html`).
HONEYPOT = "website"

#: The privacy text shown beside the consent box; a new wording gets a new version, and each
#: consent records the version it was given under (docs/signup.md).
CONSENT_VERSION = "signup-privacy-2026-11-30"
#: What the consent covers, as recorded.
CONSENT_PURPOSES = ("store_signup", "email_about_initiative", "staff_review")

#: Longest name, role and organisation (the columns' length).
TEXT_LENGTH = 200

#: Themes a person may say they are interested in: the questionnaire's themes (DOMAIN.md).
INTERESTS: dict[str, str] = {
    "strategy": N_("Strategic priorities"),
    "measurement": N_("How success is measured"),
    "targeting": N_("Focused deterrence and selective targeting"),
    "harm_reduction": N_("Police support for harm reduction"),
    "alternatives": N_("Alternatives to arrest and prosecution"),
    "financial": N_("Financial investigation"),
    "integrity": N_("Corruption and integrity"),
    "partnerships": N_("Partnerships"),
    "resources": N_("Resources"),
    "barriers": N_("Barriers to change"),
}

#: Babel's territories that are not countries (regions, groupings, unknown, pseudo-locales).
_NOT_COUNTRIES = frozenset({"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"})


class Status(StrEnum):
    #: signed up, e-mail address not confirmed yet
    PENDING = "pending"
    #: address confirmed, waiting for staff's review
    CONFIRMED = "confirmed"
    #: kept as a subscriber by staff
    SUBSCRIBER = "subscriber"
    #: approved: a partner contact of a force was made from it
    PARTNER = "partner"
    REJECTED = "rejected"


class Decision(StrEnum):
    """Staff's review of a confirmed sign-up."""

    APPROVE = "approve"
    KEEP = "keep"
    REJECT = "reject"


@dataclass
class SignupInput:
    name: str = ""
    role: str = ""
    organisation: str = ""
    country: str = ""
    email: str = ""
    language: str = ""
    interests: list[str] = field(default_factory=list)
    consent: bool = False


def _sort_key(text: str) -> str:
    """Names sort as people expect across accents ("Égypte" beside "Espagne")."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


@cache
def countries(code: str) -> tuple[tuple[str, str], ...]:
    """(ISO code, name) of every country, named and sorted in language `code`."""
    names = Locale.parse(code).territories
    found = [(k, v) for k, v in names.items() if len(k) == 2 and k.isalpha() and k not in _NOT_COUNTRIES]
    return tuple(sorted(found, key=lambda kv: _sort_key(kv[1])))


def country_name(country: str, code: str) -> str:
    return dict(countries(code)).get(country, country)


def normal_email(text: str) -> str:
    return text.strip().lower()


def cleaned(data: SignupInput) -> SignupInput:
    """Spaces around the fields dropped, the address in lower case, interests without repeats."""
    return SignupInput(
        name=data.name.strip(),
        role=data.role.strip(),
        organisation=data.organisation.strip(),
        country=data.country.strip().upper(),
        email=normal_email(data.email),
        language=data.language.strip(),
        interests=list(dict.fromkeys(i.strip() for i in data.interests if i.strip())),
        consent=data.consent,
    )


def email_problem(email: str, language: Language) -> str | None:
    """Why `email` is not an address mail could go to (syntax only: no DNS lookup here)."""
    if not email:
        return language.gettext("Enter your e-mail address.")
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return language.gettext("Enter an e-mail address like name@example.org.")
    if len(email) > 254:
        return language.gettext("Enter an e-mail address like name@example.org.")
    return None


def check_signup(data: SignupInput, language: Language) -> dict[str, str]:
    """Every problem with a (cleaned) sign-up, by field, in `language`."""
    problems: dict[str, str] = {}
    required = {
        "name": language.gettext("Enter your name."),
        "role": language.gettext("Enter your role."),
        "organisation": language.gettext("Enter your organisation."),
    }
    for name, message in required.items():
        value = getattr(data, name)
        if not value:
            problems[name] = message
        elif len(value) > TEXT_LENGTH:
            problems[name] = language.gettext("Use at most %(num)d characters.", num=TEXT_LENGTH)
    if data.country not in dict(countries("en")):
        problems["country"] = language.gettext("Choose your country.")
    if problem := email_problem(data.email, language):
        problems["email"] = problem
    if data.language not in LANGUAGES:
        problems["language"] = language.gettext("Choose English, French or Spanish.")
    unknown = [i for i in data.interests if i not in INTERESTS]
    if unknown:
        problems["interests"] = language.gettext("Choose interests from the list.")
    if not data.consent:
        problems["consent"] = language.gettext("Tick the box to agree, or we cannot keep your sign-up.")
    return problems
