"""The pure part of e-mail digests: frequency parsing, due logic per period, idempotency keys,
plain-text excerpts without markup, and which posts a digest may tell about."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from backend.exchange.digest_plan import (
    BadFrequency,
    DigestItem,
    Frequency,
    PostSeen,
    SectionKind,
    excerpt,
    idempotency_key,
    is_due,
    parse_frequency,
    period,
    section,
    select_posts,
    worth_sending,
)

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_parse_frequency_accepts_the_three_choices() -> None:
    assert parse_frequency("daily") == Frequency.DAILY
    assert parse_frequency(" Weekly ") == Frequency.WEEKLY
    assert parse_frequency("none") == Frequency.NONE


@pytest.mark.parametrize("value", ["hourly", "", None, 1, ["daily"]])
def test_parse_frequency_refuses_anything_else_naming_the_field(value: object) -> None:
    with pytest.raises(BadFrequency) as refused:
        parse_frequency(value)
    assert refused.value.field == "frequency"
    assert "frequency" in str(refused.value) and "daily" in str(refused.value)


def test_periods_are_days_and_iso_weeks() -> None:
    assert period(Frequency.DAILY, MONDAY) == "2026-11-30"
    assert period(Frequency.WEEKLY, MONDAY) == "2026-W49"
    # Sunday is in the previous ISO week; the next Monday starts a new one.
    assert period(Frequency.WEEKLY, MONDAY - timedelta(days=1)) == "2026-W48"
    assert period(Frequency.WEEKLY, MONDAY + timedelta(days=6, hours=14)) == "2026-W49"
    with pytest.raises(ValueError):
        period(Frequency.NONE, MONDAY)


def test_daily_is_due_once_per_day() -> None:
    assert is_due(Frequency.DAILY, None, MONDAY)
    assert not is_due(Frequency.DAILY, "2026-11-30", MONDAY + timedelta(hours=14))
    assert is_due(Frequency.DAILY, "2026-11-30", MONDAY + timedelta(days=1))


def test_weekly_is_due_once_per_week() -> None:
    assert is_due(Frequency.WEEKLY, None, MONDAY)
    for days in range(7):
        assert not is_due(Frequency.WEEKLY, "2026-W49", MONDAY + timedelta(days=days, hours=10))
    assert is_due(Frequency.WEEKLY, "2026-W49", MONDAY + timedelta(days=7))


def test_none_is_never_due() -> None:
    assert not is_due(Frequency.NONE, None, MONDAY)


def test_one_key_per_person_and_period() -> None:
    assert idempotency_key(7, Frequency.DAILY, MONDAY) == idempotency_key(
        7, Frequency.DAILY, MONDAY + timedelta(hours=5)
    )
    assert idempotency_key(7, Frequency.DAILY, MONDAY) != idempotency_key(8, Frequency.DAILY, MONDAY)
    assert idempotency_key(7, Frequency.DAILY, MONDAY) != idempotency_key(
        7, Frequency.DAILY, MONDAY + timedelta(days=1)
    )
    assert idempotency_key(7, Frequency.WEEKLY, MONDAY) == "digest:7:2026-W49"


def test_excerpt_is_plain_text_of_the_sanitised_post() -> None:
    body = "# Title\n\nWe use **hot-spot** patrols & [a guide](https://example.org/guide) _daily_.\n\n- one\n- two"
    assert excerpt(body) == "Title We use hot-spot patrols & a guide daily. one two"
    # Raw HTML is never markup in a post: it stays text (escaped again in the HTML message).
    assert excerpt("<b>bold</b>") == "<b>bold</b>"


def test_excerpt_is_cut_at_a_word() -> None:
    shown = excerpt("word " * 100, limit=22)
    assert shown == "word word word word…"
    assert excerpt("short") == "short"


def post(post_id: int, author: int | None, minutes: int, state: str = "visible") -> PostSeen:
    return PostSeen(post_id, 1, author, post_id, state, f"post {post_id}", MONDAY + timedelta(minutes=minutes))


def test_select_posts_leaves_out_own_old_and_hidden_posts() -> None:
    posts = [
        post(1, 2, -10),  # before the last digest
        post(2, 1, 10),  # the recipient's own
        post(3, 2, 30),
        post(4, 3, 20),
        post(5, 2, 40, "hidden"),
        post(6, 2, 50, "deleted"),
        post(7, None, 60),  # author removed: still someone else's
    ]
    assert [p.post_id for p in select_posts(posts, 1, MONDAY)] == [4, 3, 7]
    assert [p.post_id for p in select_posts(posts, 1, None)] == [1, 4, 3, 7]


def test_sections_cap_their_items_and_empty_digests_are_not_sent() -> None:
    item = DigestItem("Chart", "Round", "/exchange/rounds/1/charts/q1", 1, date(2026, 11, 30), "text")
    capped = section(SectionKind.DISCUSSIONS, [item] * 5, limit=3)
    assert len(capped.items) == 3 and capped.more == 2
    assert worth_sending([capped])
    assert not worth_sending([section(SectionKind.DISCUSSIONS, [])])
    assert not worth_sending([])
