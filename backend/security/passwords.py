"""Passwords: argon2id hashes (argon2-cffi's defaults follow RFC 9106's recommendations), and
what a new password must be (NIST SP 800-63B: long enough, and not a known common password)."""

from __future__ import annotations

import gzip
import re
import string
import unicodedata
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from backend.i18n import N_, Language, language_for

_hasher = PasswordHasher()
#: Verified against when no account matches, so that a wrong e-mail costs the same time as a
#: wrong password and does not reveal which addresses have accounts.
_DUMMY_HASH = _hasher.hash("not a real password")

MIN_PASSWORD_LENGTH = 12
#: Long passphrases are welcome; this only keeps one form field from costing a hash of megabytes.
MAX_PASSWORD_LENGTH = 1024
#: 40,101 passwords from breach corpuses, normalised (see data/README.md for sources and licences).
COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt.gz"

#: Why a password is refused: messages (translated where they are shown), and in English.
_LIMITS = {"min": MIN_PASSWORD_LENGTH, "max": MAX_PASSWORD_LENGTH}
_TOO_SHORT = N_("Use at least %(min)d characters.")
_TOO_LONG = N_("Use at most %(max)d characters.")
SPACE_AT_ENDS = N_("Do not start or end the password with a space.")
COMMON = N_("This password is one of the most common passwords; choose another.")
COMMON_WITH_EXTRAS = N_(
    "This password is one of the most common passwords with digits or symbols added; choose another."
)
REPEATED = N_("This password repeats the same few characters; choose another.")
TOO_SHORT = _TOO_SHORT % _LIMITS
TOO_LONG = _TOO_LONG % _LIMITS

_EXTRAS = string.digits + string.punctuation
_REPEATS = re.compile(r"(.{1,8}?)\1+")


class PasswordRejected(ValueError):
    """A new password that `password_problem` refuses; the message says why."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def normalise(password: str) -> str:
    """How a password is compared with the list: "Pass Word" and "password" are the same
    guess to an attacker, so case, spaces and Unicode look-alike forms are ignored."""
    return "".join(unicodedata.normalize("NFKC", password).split()).casefold()


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.rstrip("\n") for line in lines if line.strip())


def password_problem(password: str, language: Language | None = None) -> str | None:
    """Why `password` cannot be a new password (a sentence for the person, in `language`:
    English unless given), or None."""
    message = _problem(password)
    return None if message is None else (language or language_for("en")).gettext(message, **_LIMITS)


def _problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return _TOO_SHORT
    if len(password) > MAX_PASSWORD_LENGTH:
        return _TOO_LONG
    if password.strip() != password:
        return SPACE_AT_ENDS
    return _guessable(normalise(password))


def _guessable(normalised: str) -> str | None:
    common = common_passwords()
    if normalised in common:
        return COMMON
    # "password2024!" is the first thing an attacker tries after "password".
    core = normalised.strip(_EXTRAS)
    if core != normalised and core in common:
        return COMMON_WITH_EXTRAS
    if _REPEATS.fullmatch(normalised):
        return REPEATED
    return None


def check_new_password(password: str) -> None:
    """Raise PasswordRejected unless `password` may be set (services call this, so that no
    way of setting a password can skip the rules)."""
    problem = password_problem(password)
    if problem:
        raise PasswordRejected(problem)
