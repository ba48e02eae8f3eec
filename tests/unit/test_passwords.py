"""What a new password must be (issue 7, item 13): at least 12 characters and not one of the
most common passwords, whatever its case or spacing; each refusal says why."""

from __future__ import annotations

import pytest

from backend.security.passwords import (
    COMMON,
    COMMON_WITH_EXTRAS,
    REPEATED,
    SPACE_AT_ENDS,
    TOO_LONG,
    TOO_SHORT,
    PasswordRejected,
    check_new_password,
    common_passwords,
    normalise,
    password_problem,
)


def test_the_bundled_list_is_loaded() -> None:
    common = common_passwords()
    assert len(common) > 40_000
    assert {"password", "123456", "qwerty123456", "iloveyou"} <= common
    assert all(entry == normalise(entry) for entry in common)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", TOO_SHORT),
        ("elevenchars", TOO_SHORT),  # 11
        ("x" * 1025, TOO_LONG),
        (" a long password", SPACE_AT_ENDS),
        ("qwerty123456", COMMON),
        ("QWERTY123456", COMMON),  # case does not make a common password rare
        ("Pass Word 1234", COMMON),  # nor do spaces
        ("1qaz2wsx3edc", COMMON),
        ("password2024!", COMMON_WITH_EXTRAS),
        ("!!Monkey12345", COMMON_WITH_EXTRAS),
        ("abcabcabcabc", REPEATED),
        ("zzzzzzzzzzzzzzzz", REPEATED),
    ],
)
def test_refused_with_the_reason(password: str, problem: str) -> None:
    assert password_problem(password) == problem
    with pytest.raises(PasswordRejected) as refused:
        check_new_password(password)
    assert str(refused.value) == problem


@pytest.mark.parametrize(
    "password",
    ["twelve chars", "correct horse battery staple", "Tr0ub4dor&3-lake", "staff-password-123", "ab" * 200 + "c"],
)
def test_accepted(password: str) -> None:
    assert password_problem(password) is None
    check_new_password(password)


def test_messages_say_why() -> None:
    assert TOO_SHORT == "Use at least 12 characters."
    assert COMMON == "This password is one of the most common passwords; choose another."
