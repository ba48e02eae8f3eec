"""Disclosure control's rules, one by one, on small hand-made rounds (the attacker's view is
tested in test_disclosure_attack.py)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from backend.publication.audit import CROWD, DIFFERENCE, LINEAR, FamilyAudit, nullspace, nullspace_exposures
from backend.publication.audit import pinned_difference as pinned
from backend.publication.basis import ALL, WHOLE, QuestionSpec, RoundBasis, component_value, families
from backend.publication.disclosure import (
    AUDIT,
    DOMINANCE,
    MIN_GROUP_SIZE_FLOOR,
    PARENT,
    THRESHOLD,
    DisclosedRound,
    disclose,
    effective_k,
)
from backend.publication.figures import dominated, percentile, quartiles, round_significant

YES_NO = QuestionSpec("q", "categorical", codes=("yes", "no"))
BREAKDOWNS = {"region": ["a", "b", "c"]}


def basis(
    answers: dict[int, dict[str, Any]],
    regions: dict[int, str] | None = None,
    questions: tuple[QuestionSpec, ...] = (YES_NO,),
    key: str = "r1",
) -> RoundBasis:
    regions = regions or {}
    return RoundBasis(
        key=key,
        label=key,
        participants={f: ({"region": regions[f]} if f in regions else {}) for f in answers},
        answers=answers,
        questions={q.id: q for q in questions},
    )


def run(b: RoundBasis, k: int = 3, earlier: list[tuple[RoundBasis, set[Any]]] | None = None, **kw: Any):  # type: ignore[no-untyped-def]
    return disclose(b, earlier or [], round_id=1, version=1, min_group_size=k, breakdowns=BREAKDOWNS, **kw)


def reasons(result: Any) -> dict[tuple[str | None, tuple[str, str], str], str]:
    return {(w.question_id, w.group, w.component): w.reason for w in result.withheld}


def test_floor_is_three() -> None:
    assert effective_k(1) == MIN_GROUP_SIZE_FLOOR == 3
    assert effective_k(7) == 7


def test_threshold_and_uniform_output() -> None:
    answers = {f: {"q": "yes" if f % 2 else "no"} for f in range(8)}
    regions = {f: "a" if f < 6 else "b" for f in range(8)}
    result = run(basis(answers, regions), k=3)
    groups = {g.key: g for g in result.round.questions["q"].groups}
    # every configured group is listed, in the configured order, whatever it holds
    assert list(groups) == [ALL, ("region", "a"), ("region", "b"), ("region", "c")]
    assert groups[ALL].n == 8 and groups[ALL].figures == {"counts": {"yes": 4, "no": 4}}
    # b has 2 forces (below k), c has none: withheld alike, no n, no figures, no reason
    for key in (("region", "b"), ("region", "c")):
        assert groups[key].withheld and groups[key].n is None and dict(groups[key].figures) == {}
    assert reasons(result)[("q", ("region", "b"), WHOLE)] == THRESHOLD
    assert reasons(result)[("q", ("region", "c"), WHOLE)] == THRESHOLD
    # a (6) would leave the two forces of b alone (all minus a): withheld by the audit
    assert groups[("region", "a")].withheld
    assert reasons(result)[("q", ("region", "a"), WHOLE)] == AUDIT


def test_snapshot_round_trip_and_first_format() -> None:
    answers = {f: {"q": "yes" if f % 3 else "no"} for f in range(9)}
    disclosed = run(basis(answers)).round
    again = DisclosedRound.from_snapshot(disclosed.to_snapshot())
    assert again.to_snapshot() == disclosed.to_snapshot()
    assert again.shown_cells() == disclosed.shown_cells() == {("q", ALL, WHOLE)}
    old = {
        "round_id": 3,
        "min_group_size": 5,
        "responses": [{"key": ["all", "all"], "n": 9, "figures": {}, "suppressed": None}],
        "questions": {
            "q": {
                "kind": "categorical",
                "groups": [
                    {"key": ["all", "all"], "n": 9, "figures": {"counts": {"yes": 6}}, "suppressed": None},
                    {"key": ["region", "a"], "n": None, "figures": {}, "suppressed": "fewer than 5 forces answered"},
                ],
            }
        },
    }
    read = DisclosedRound.from_snapshot(old)
    assert read.version == 1 and read.shown_cells() == {("q", ALL, WHOLE)}
    assert read.questions["q"].group(("region", "a")).withheld  # type: ignore[union-attr]


def test_crowd_rule_withholds_near_unanimity() -> None:
    # 9 yes, 1 no: the force that said no would learn every other force's answer
    answers = {f: {"q": "no" if f == 0 else "yes"} for f in range(10)}
    result = run(basis(answers))
    assert result.round.questions["q"].overall.withheld  # type: ignore[union-attr]
    assert reasons(result)[("q", ALL, WHOLE)] == AUDIT
    exposure = result.withheld[0].exposure
    assert exposure is not None and exposure.check == CROWD
    # 8 yes, 2 no: every force has at least two others answering differently
    answers[1] = {"q": "no"}
    assert not run(basis(answers)).round.questions["q"].overall.withheld  # type: ignore[union-attr]


def test_multiple_choice_withholds_option_by_option() -> None:
    spec = QuestionSpec("m", "multi", components=("x", "y", "z"), codes=("x", "y", "z"))
    answers = {f: {"m": ["x", "y"] if f % 2 else ["x"]} for f in range(8)}
    result = run(basis(answers, questions=(spec,)))
    overall = result.round.questions["m"].overall
    assert overall is not None and overall.n == 8
    # x: everyone (withheld); y: half (shown); z: nobody (withheld) — each option on its own
    assert overall.figures == {"counts": {"x": None, "y": 4, "z": None}}
    assert result.round.shown_cells() == {("m", ALL, "y")}


def test_dominance_for_magnitudes() -> None:
    assert dominated([1000, 10, 10, 10], 10) and not dominated([40, 30, 20, 10], 10)
    assert not dominated([0, 0, 0], 10)
    spec = QuestionSpec("n", "numeric")
    answers = {f: {"n": 5000 if f == 0 else 10 + f} for f in range(6)}
    result = run(basis(answers, questions=(spec,)))
    assert result.round.questions["n"].overall.withheld  # type: ignore[union-attr]
    assert reasons(result)[("n", ALL, WHOLE)] == DOMINANCE


def test_quartiles_match_postgresql_and_are_rounded() -> None:
    assert quartiles([1, 2, 3, 4, 5]) == (2, 3, 4)
    assert percentile([10, 20], 0.25) == 12.5
    assert round_significant(1234) == 1200 and round_significant(0.04567) == 0.046 and round_significant(0) == 0
    spec = QuestionSpec("n", "numeric")
    answers = {f: {"n": v} for f, v in enumerate([1234, 1250, 1311, 1402, 1499, 1530])}
    figures = run(basis(answers, questions=(spec,))).round.questions["n"].overall.figures  # type: ignore[union-attr]
    assert figures == {"p25": 1300.0, "median": 1400.0, "p75": 1500.0}  # no force's own number


def test_follow_up_shown_only_where_its_question_is() -> None:
    parent = QuestionSpec("p", "categorical", codes=("yes", "no"))
    child = QuestionSpec("c", "categorical", codes=("x", "y"), depends_on=("p",))
    answers: dict[int, dict[str, Any]] = {}
    for f in range(10):
        answers[f] = {"p": "no" if f == 0 else "yes"}  # 9 yes, 1 no: parent withheld
        if f:
            answers[f]["c"] = "x" if f % 2 else "y"
    result = run(basis(answers, questions=(parent, child)))
    assert reasons(result)[("p", ALL, WHOLE)] == AUDIT
    assert reasons(result)[("c", ALL, WHOLE)] == PARENT
    assert families([parent, child, YES_NO]) == [["p", "c"], ["q"]]


def test_component_values() -> None:
    multi = QuestionSpec("m", "multi", components=("x", "y"), codes=("x", "y"))
    assert component_value(multi, ["x"], "x") is True and component_value(multi, ["x"], "y") is False
    assert component_value(multi, None, "x") is None
    ranking = QuestionSpec("r", "ranking", components=("a", "b", "c"), codes=("1", "2"))
    assert [component_value(ranking, ["b", "a"], c) for c in "abc"] == [2, 1, 0]
    matrix = QuestionSpec("t", "matrix", components=("r1", "r2"), codes=("1", "2"))
    assert component_value(matrix, {"r1": "2"}, "r2") == "" and component_value(matrix, "bad", "r1") is None
    allocation = QuestionSpec("a", "allocation", components=("i", "j"))
    assert component_value(allocation, {"i": 60}, "j") == 0.0
    assert component_value(QuestionSpec("n", "numeric"), True, WHOLE) is None  # a bool is not a number


# ---- the linear audit ----------------------------------------------------------------------


def test_nullspace_finds_isolated_and_paired_columns() -> None:
    # rows: {0,1,2} and {0,1}: column 2 is isolated (row 1 − row 2); 0 and 1 each learn the
    # other's answer from their sum
    null = nullspace([[1, 1, 1], [1, 1, 0]])
    assert sorted(nullspace_exposures(null, [1, 1, 1])) == [0, 1, 2]
    # the same seen as atoms, {0,1} twice and {2}: 2 is isolated, the twins' sum is known
    assert nullspace_exposures(nullspace([[1, 1], [1, 0]]), [2, 1]) == [0, 1]
    # rows {0,1,2,3} and {0,1}: 0 and 1 are only hidden by each other, so each reader of
    # the pair learns the other's answer; 2 and 3 likewise
    assert sorted(nullspace_exposures(nullspace([[1, 1, 1, 1], [1, 1, 0, 0]]), [1, 1, 1, 1])) == [0, 1, 2, 3]
    # with three in a column nothing is ever determined
    assert nullspace_exposures(nullspace([[1, 1], [1, 0]]), [3, 3]) == []


def test_one_force_joining_is_not_published_again() -> None:
    first = {f: {"q": "yes" if f % 2 else "no"} for f in range(8)}
    r1 = basis(first, key="r1")
    shown1 = run(r1).round.shown_cells()
    assert shown1 == {("q", ALL, WHOLE)}
    second = {**first, 8: {"q": "yes"}}
    result = disclose(
        basis(second, key="r2"), [(r1, shown1)], round_id=2, version=1, min_group_size=3, breakdowns=BREAKDOWNS
    )
    # all forces of round 2 minus all forces of round 1 is the new force's answer
    assert result.round.questions["q"].overall.withheld  # type: ignore[union-attr]
    exposure = next(w.exposure for w in result.withheld if w.group == ALL and w.question_id == "q")
    assert exposure is not None and exposure.check == LINEAR and exposure.forces == {8}


@pytest.mark.parametrize(
    "joined,check",
    [
        (["yes", "no"], LINEAR),  # each of the two learns the other's answer from their sum
        (["yes", "yes", "no"], DIFFERENCE),  # the one who said no learns the other two said yes
        (["yes", "yes", "no", "no"], None),  # nobody can tell
    ],
)
def test_forces_joining_between_rounds(joined: list[str], check: str | None) -> None:
    first = {f: {"q": "yes" if f % 2 else "no"} for f in range(8)}
    r1 = basis(first, key="r1")
    shown1 = run(r1).round.shown_cells()
    second = {**first, **{8 + i: {"q": a} for i, a in enumerate(joined)}}
    result = disclose(
        basis(second, key="r2"), [(r1, shown1)], round_id=2, version=1, min_group_size=3, breakdowns=BREAKDOWNS
    )
    overall = result.round.questions["q"].overall
    assert overall is not None and overall.withheld is (check is not None)
    if check:
        exposure = next(w.exposure for w in result.withheld if w.group == ALL and w.question_id == "q")
        assert exposure is not None and exposure.check == check


@pytest.mark.parametrize(
    "stay,plus,minus,values",
    [(s, p, m, 2) for s in (1, 2) for p in range(4) for m in range(4) if s + p + m <= 7]
    + [(s, p, m, 3) for s in (1, 2) for p in range(3) for m in range(3) if s + p + m <= 5],
)
def test_pinned_difference_agrees_with_brute_force(stay: int, plus: int, minus: int, values: int) -> None:
    """Against every assignment of answers to the forces in both rows (stay), those that joined
    (plus) and those that left (minus), answers unchanged for the stayers: the check says pinned
    exactly when some reader, seeing both rows' counts and assuming nobody changed, can fix some
    force's answer."""
    stayers = list(range(100, 100 + stay))
    joined = list(range(plus))
    left = list(range(10, 10 + minus))
    forces = [*stayers, *joined, *left]
    a, b = {*stayers, *joined}, {*stayers, *left}

    def signature(world: dict[int, int]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return (
            tuple(sum(world[f] == v for f in a) for v in range(values)),
            tuple(sum(world[f] == v for f in b) for v in range(values)),
        )

    worlds: dict[tuple[tuple[int, ...], tuple[int, ...]], list[dict[int, int]]] = {}
    for bits in itertools.product(range(values), repeat=len(forces)):
        world = dict(zip(forces, bits, strict=True))
        worlds.setdefault(signature(world), []).append(world)
    for same in worlds.values():
        for truth in same:
            expected = any(
                len({w[f] for w in same if reader is None or w[reader] == truth[reader]}) == 1
                for reader in [None, *forces]
                for f in forces
                if f != reader
            )
            assert pinned(a, b, truth.__getitem__, truth.__getitem__) == expected, (truth, a, b)


def test_family_audit_refuses_and_keeps_state() -> None:
    answers = {f: {"q": "yes" if f < 9 else "no"} for f in range(10)}
    audit = FamilyAudit(["q"], [(basis(answers), set())])
    exposure = audit.try_add(("q", ALL, WHOLE))
    assert exposure is not None and exposure.check == CROWD
    assert audit.shown[0] == set() and audit.rows[0] == set() and audit.exposures() == []


def test_report_lists_small_groups_together_in_questionnaire_order() -> None:
    from backend.publication.report import describe, report_to_json

    answers = {f: {"q": "yes" if f % 2 else "no", "p": "no" if f == 0 else "yes"} for f in range(8)}
    regions = {f: "a" if f < 6 else "b" for f in range(8)}
    p = QuestionSpec("p", "categorical", codes=("yes", "no"))
    result = run(basis(answers, regions, questions=(YES_NO, p)))
    lines = describe(
        report_to_json(result),
        k=3,
        question_label=str.upper,
        item_label=lambda q, c: c,
        group_label=lambda g: g[1],
        round_label=str,
        force_name=str,
        question_order=["p", "q"],
    )
    questions = [line.question for line in lines if line.question != "Number of responding forces"]
    assert questions == sorted(questions, key=["P", "Q"].index)  # questionnaire order, not audit order
    small = [line for line in lines if line.code == THRESHOLD and line.question == "Q"]
    assert len(small) == 1 and small[0].group == "b (2), c (0)"
    crowd = next(line for line in lines if line.question == "P" and line.group == "all")
    assert crowd.code == CROWD and "single out 8 forces" in crowd.reason


def test_pinned_difference_sees_zeros_in_two_rows_meeting_in_one_force() -> None:
    """Found by the attacker tests: all forces in 2025 (2, 3, 5, 6, 7: yes 3, no 1, maybe 1) and
    region r2 in 2026 (1, 4, 7, 8: yes 2, no 2, maybe 0) share force 7 only. Force 5, which said
    no, sees no other "no" in 2025 and no "maybe" in r2: force 7, if unchanged, said yes."""
    answers = {1: "yes", 2: "yes", 3: "yes", 4: "no", 5: "no", 6: "maybe", 7: "yes", 8: "no"}
    assert pinned({1, 4, 7, 8}, {2, 3, 5, 6, 7}, answers.__getitem__, answers.__getitem__)
    # With force 6 saying no and force 1 maybe, no reader is left with a single answer for anyone.
    answers |= {6: "no", 1: "maybe"}
    assert not pinned({1, 4, 7, 8}, {2, 3, 5, 6, 7}, answers.__getitem__, answers.__getitem__)
