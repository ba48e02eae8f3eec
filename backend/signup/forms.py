"""The sign-up's HTML forms (msgspec Structs decoded from the URL-encoded body)."""

from __future__ import annotations

from typing import ClassVar

import msgspec

from backend.signup.checks import SignupInput
from backend.web.forms import Form


class SignupForm(Form):
    stripped: ClassVar[frozenset[str]] = frozenset({"name", "role", "organisation", "country", "email", "language"})
    lists: ClassVar[frozenset[str]] = frozenset({"interests"})

    name: str = ""
    role: str = ""
    organisation: str = ""
    country: str = ""
    email: str = ""
    language: str = ""
    interests: list[str] | str = msgspec.field(default_factory=list)
    consent: str = ""
    #: the honeypot (`checks.HONEYPOT`): hidden from people, filled by bots
    website: str = ""

    def as_input(self) -> SignupInput:
        interests = [self.interests] if isinstance(self.interests, str) else list(self.interests)
        return SignupInput(
            name=self.name,
            role=self.role,
            organisation=self.organisation,
            country=self.country,
            email=self.email,
            language=self.language,
            interests=interests,
            consent=self.consent == "yes",
        )


class EmailForm(Form):
    stripped: ClassVar[frozenset[str]] = frozenset({"email"})

    email: str = ""
    website: str = ""


class ReviewForm(Form):
    stripped: ClassVar[frozenset[str]] = frozenset({"decision", "force"})

    decision: str = ""
    force: str = ""
