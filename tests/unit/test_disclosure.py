"""Disclosure control, tested exhaustively on small partitions."""

from __future__ import annotations

import itertools

import pytest

from backend.analysis.aggregates import RawQuestion, RawRound
from backend.publication.disclosure import (
    MIN_GROUP_SIZE_FLOOR,
    DisclosedGroup,
    DisclosedRound,
    disclose,
    effective_k,
    suppressed_keys,
)

ALL = ("all", "all")


def partition_counts(sizes: tuple[int, ...]) -> dict[tuple[str, str], int]:
    n = {ALL: sum(sizes)}
    for i, size in enumerate(sizes):
        if size:
            n[("region", f"r{i}")] = size
    return n


def test_floor_is_three() -> None:
    assert effective_k(1) == MIN_GROUP_SIZE_FLOOR == 3
    assert effective_k(7) == 7


@pytest.mark.parametrize("k", [3, 4, 5])
def test_every_partition_of_up_to_four_groups(k: int) -> None:
    """For every way of splitting up to 16 forces into up to 4 groups: no shown group is below
    k, and what is withheld can never be worked out as total minus shown groups."""
    for sizes in itertools.product(range(0, 7), repeat=4):
        n = partition_counts(sizes)
        withheld = suppressed_keys(n, k)
        shown = {key: c for key, c in n.items() if key not in withheld}
        total = n[ALL]
        if total < k:
            assert ALL in withheld and not shown
            continue
        assert ALL not in withheld
        for key, count in shown.items():
            assert count >= k, (sizes, key)
        hidden = total - sum(c for key, c in shown.items() if key != ALL)
        assert hidden == 0 or hidden >= k, (sizes, withheld)
        # nothing is withheld without need: a withheld group is small or needed as a complement
        small = {key for key, c in n.items() if c < k}
        assert set(withheld) >= small


def test_complement_is_the_smallest_group() -> None:
    n = {ALL: 12, ("region", "a"): 6, ("region", "b"): 4, ("region", "c"): 2}
    withheld = suppressed_keys(n, 3)
    assert set(withheld) == {("region", "b"), ("region", "c")}
    assert "subtraction" in withheld[("region", "b")]
    assert "fewer than 3" in withheld[("region", "c")]


def test_breakdowns_are_independent() -> None:
    n = {ALL: 10, ("region", "a"): 9, ("region", "b"): 1, ("size_band", "x"): 5, ("size_band", "y"): 5}
    withheld = suppressed_keys(n, 3)
    assert set(withheld) == {("region", "a"), ("region", "b")}


def raw_round() -> RawRound:
    q = RawQuestion("q1", "categorical")
    q.n = {ALL: 6, ("region", "a"): 4, ("region", "b"): 2}
    q.data = {
        ALL: {"counts": {"yes": 4, "no": 2}},
        ("region", "a"): {"counts": {"yes": 4}},
        ("region", "b"): {"counts": {"no": 2}},
    }
    num = RawQuestion("n1", "numeric")
    num.n = {ALL: 6}
    num.data = {ALL: {"p25": 1.0, "median": 2.0, "p75": 3.0, "mean": 2.2}}
    alloc = RawQuestion("a1", "allocation")
    alloc.n = {ALL: 4}
    alloc.data = {ALL: {"sums": {"x": 200.0, "y": 200.0}}}
    secret = RawQuestion("s1", "categorical")
    secret.n = {ALL: 6}
    secret.data = {ALL: {"counts": {"x": 6}}}
    return RawRound(
        1, {ALL: 6, ("region", "a"): 4, ("region", "b"): 2}, {"q1": q, "n1": num, "a1": alloc, "s1": secret}
    )


def test_disclose_withholds_and_keeps_only_aggregates() -> None:
    disclosed = disclose(raw_round(), 3, {"q1", "n1", "a1"})
    assert "s1" not in disclosed.questions  # staff-only questions never enter a snapshot
    q1 = disclosed.questions["q1"]
    assert q1.overall is not None and q1.overall.figures == {"counts": {"yes": 4, "no": 2}}
    assert q1.group(("region", "b")).suppressed  # 2 < 3
    assert q1.group(("region", "a")).suppressed  # else 6 - 4 reveals b
    assert q1.group(("region", "a")).figures == {}
    numeric = disclosed.questions["n1"].overall
    assert numeric is not None and set(numeric.figures) == {"p25", "median", "p75"}  # no mean, min or max
    assert disclosed.questions["a1"].overall.figures == {"means": {"x": 50.0, "y": 50.0}}


def test_snapshot_round_trip() -> None:
    disclosed = disclose(raw_round(), 5, {"q1"})
    again = DisclosedRound.from_snapshot(disclosed.to_snapshot())
    assert again.to_snapshot() == disclosed.to_snapshot()
    assert again.min_group_size == 5
    assert again.questions["q1"].overall.figures == {"counts": {"yes": 4, "no": 2}}


def test_disclosed_types_cannot_be_made_outside_the_module() -> None:
    with pytest.raises(TypeError):
        DisclosedGroup(ALL, 10, {"counts": {}}, None)
    with pytest.raises(TypeError):
        DisclosedRound(1, 3, (), {})


def test_round_below_threshold_shows_nothing() -> None:
    raw = raw_round()
    disclosed = disclose(raw, 7, {"q1", "n1"})
    assert all(g.suppressed for q in disclosed.questions.values() for g in q.groups)
    assert all(g.suppressed for g in disclosed.responses)
