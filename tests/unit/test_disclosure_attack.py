"""Attacks on disclosure control, judged by an independent brute-force checker (`attacker.py`).

The attacker reads every published figure of every round, knows every force's peer groups and who
took part in each round, knows its own force's answers (each participating force in turn, and an
outsider), and reasons exactly over every possible world. It shares nothing with the suppressor
but the published objects.

Two models of the truth:
(a) answers may change between rounds: each round is attacked on its own, and nothing may ever be
    determined (the suppressor's crowd rule claims exactness within a round);
(b) answers do not change: the attacker combines all rounds. The suppressor claims that no force
    is isolated by linear differencing and that no difference of two rows of different rounds is
    at an extreme; it does not claim integer exactness over three or more rows of different rounds.

What this checker found in the suppressor, now fixed, each kept as a minimal reproduction:
B1  a follow-up of a multiple choice shown where the option that asks it is withheld: its n gave
    that option's count (`test_follow_up_n_does_not_reveal_a_withheld_option`);
B3  quartiles differenced across two rounds (`test_quartiles_are_not_differenced_across_two_rounds`).
And one finding that is partial information, not an answer (docs/disclosure-control.md, "Known
limits"): a parent's counts can tell that a force was *not asked* a follow-up that is never
published (`test_not_asked_an_unpublished_follow_up_is_partial_information`). The property tests
set aside exactly that kind of finding (`unasked_follow_up`), so that they keep looking for
anything else.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from backend.publication import audit as audit_module
from backend.publication.basis import QuestionSpec, RoundBasis
from backend.publication.disclosure import (
    AUDIT,
    THRESHOLD,
    DisclosedGroup,
    DisclosedQuestion,
    DisclosedRound,
    Disclosure,
    disclose,
)
from tests.unit.attacker import (
    ALL_FORCES,
    Fact,
    Finding,
    Question,
    attack,
    explain,
    facts,
    linear_isolations,
    members,
    published_quartiles,
)

Profile = Mapping[str, str]


# ---- scenarios ----------------------------------------------------------------------------


@dataclass
class Scenario:
    breakdowns: dict[str, tuple[str, ...]]
    k: int
    questions: list[Question]
    #: per round: force -> peer groups (the forces that took part)
    participants: list[dict[int, dict[str, str]]]
    #: per round: force -> question id -> answer (absent: not answered)
    answers: list[dict[int, dict[str, Any]]]

    @property
    def forces(self) -> list[int]:
        return sorted({f for p in self.participants for f in p})


def spec(q: Question) -> QuestionSpec:
    if q.kind == "multi":
        return QuestionSpec(q.id, "multi", components=q.codes, codes=q.codes)
    return QuestionSpec(q.id, q.kind, codes=q.codes, depends_on=(q.parent,) if q.parent else ())


def publish(s: Scenario) -> list[Disclosure]:
    """Every round published in order, each against everything published before."""
    specs = {q.id: spec(q) for q in s.questions}
    earlier: list[tuple[RoundBasis, set]] = []
    out = []
    for r, (participants, answers) in enumerate(zip(s.participants, s.answers, strict=True), start=1):
        basis = RoundBasis(
            key=f"round {r} v1",
            label=f"round {r}",
            participants=participants,
            answers={f: {q: a for q, a in answers[f].items() if a is not None} for f in participants},
            questions=specs,
        )
        disclosure = disclose(basis, earlier, round_id=r, version=1, min_group_size=s.k, breakdowns=s.breakdowns)
        check_layout(s, disclosure.round, participants)
        earlier.append((basis, disclosure.round.shown_cells()))
        out.append(disclosure)
    return out


def configured(s: Scenario) -> list[tuple[str, str]]:
    return [ALL_FORCES, *((dim, v) for dim, values in s.breakdowns.items() for v in values)]


def check_layout(s: Scenario, published: DisclosedRound, participants: Mapping[int, Profile]) -> None:
    """Presence tells nothing: every configured group, in one order, for every question; a
    withheld group is exactly (n None, no figures); a shown one has at least k forces. The
    responding forces per group are shown from k on (the reader knows them anyway)."""
    assert list(published.questions) == [q.id for q in s.questions]
    for q in published.questions.values():
        assert [g.key for g in q.groups] == configured(s)
        for g in q.groups:
            if g.n is None:
                assert dict(g.figures) == {}
            else:
                assert g.n >= s.k
                assert g.figures
    assert [g.key for g in published.responses] == configured(s)
    for g in published.responses:
        size = len(members(participants, g.key))
        assert (g.n, dict(g.figures)) == ((size if size >= s.k else None), {})


def round_facts(s: Scenario, published: Sequence[Disclosure]) -> list[Fact]:
    return [fact for r, d in enumerate(published) for fact in facts(r, d.round, s.participants[r], s.questions)]


def independent_findings(s: Scenario, published: Sequence[Disclosure]) -> list[tuple[int, Finding]]:
    """Model (a): each round attacked on its own, by an outsider and by each participant."""
    found = []
    for r, d in enumerate(published):
        round_facts_ = facts(r, d.round, s.participants[r], s.questions)
        viewers = [None, *sorted(s.participants[r])]
        found.extend((r, f) for f in attack(s.questions, round_facts_, s.answers[r], viewers))
    return found


def constant_truth(s: Scenario) -> dict[int, dict[str, Any]]:
    truth: dict[int, dict[str, Any]] = {}
    for answers in s.answers:
        for f, a in answers.items():
            assert truth.setdefault(f, a) == a, "not a constant-answers scenario"
    return truth


def constant_findings(s: Scenario, published: Sequence[Disclosure]) -> list[Finding]:
    """Model (b): answers assumed the same in every round; all rounds combined."""
    return attack(s.questions, round_facts(s, published), constant_truth(s), [None, *s.forces])


def describe(s: Scenario, published: Sequence[Disclosure], findings: Sequence[Any] = ()) -> str:
    lines = [f"k={s.k} breakdowns={s.breakdowns}", f"questions={[dataclasses.astuple(q) for q in s.questions]}"]
    for r, (participants, answers) in enumerate(zip(s.participants, s.answers, strict=True)):
        lines.append(f"round {r}:")
        for f in sorted(participants):
            lines.append(f"  force {f} {participants[f]} answers {answers[f]}")
        if r < len(published):
            for qid, q in published[r].round.questions.items():
                shown = {g.key: (g.n, dict(g.figures)) for g in q.groups if g.n is not None}
                lines.append(f"  published {qid}: {shown}")
    lines.extend(f"found: {f}" for f in findings)
    return "\n".join(lines)


# ---- Hypothesis strategies ----------------------------------------------------------------


@st.composite
def scenarios(draw: st.DrawFn, constant: bool, max_rounds: int = 3) -> Scenario:
    n = draw(st.integers(3, 8), label="forces")
    forces = list(range(1, n + 1))
    breakdowns: dict[str, tuple[str, ...]] = {"region": draw(st.sampled_from([("r1", "r2"), ("r1", "r2", "r3")]))}
    if draw(st.booleans()):
        breakdowns["force_type"] = ("t1", "t2")
    profiles = {f: {dim: draw(st.sampled_from(values)) for dim, values in breakdowns.items()} for f in forces}
    k = draw(st.sampled_from([3, 3, 3, 4, 5]), label="k")

    parent = Question("q1", "categorical", codes=draw(st.sampled_from([("yes", "no"), ("yes", "no", "maybe")])))
    questions = [parent]
    if draw(st.booleans()):
        questions.append(Question("q2", "categorical", codes=("a", "b"), parent="q1", trigger="yes"))
    options = draw(st.sampled_from([(), ("x", "y"), ("x", "y", "z")]))
    if options:
        questions.append(Question("m", "multi", codes=options))
    if draw(st.booleans()):
        low = draw(st.sampled_from([0, 1, 8, 95, 120]))
        high = low + draw(st.integers(1, 3))
        values = tuple(range(low, high + 1))
        questions.append(Question("num", "numeric", optional=draw(st.booleans()), values=values))

    def answer_sheet() -> dict[str, Any]:
        sheet: dict[str, Any] = {}
        for q in questions:
            if q.parent is not None and not q.asks(sheet.get(q.parent)):
                sheet[q.id] = None
                continue
            sheet[q.id] = draw(st.sampled_from(q.possible_answers()))
        return sheet

    rounds = draw(st.integers(1, max_rounds), label="rounds")
    fixed = {f: answer_sheet() for f in forces} if constant else {}
    participants, answers = [], []
    for _ in range(rounds):
        absent = draw(st.sets(st.sampled_from(forces), max_size=min(3, n - 3)), label="absent")
        taking_part = [f for f in forces if f not in absent]
        moved = dict(profiles)
        if draw(st.integers(0, 4)) == 0:  # a force changed region since the last round
            f = draw(st.sampled_from(forces))
            moved[f] = {**profiles[f], "region": draw(st.sampled_from(breakdowns["region"]))}
        participants.append({f: dict(moved[f]) for f in taking_part})
        answers.append({f: fixed[f] if constant else answer_sheet() for f in taking_part})
        profiles = moved
    return Scenario(breakdowns, k, questions, participants, answers)


# ---- known bugs -------------------------------------------------------------------------


def question(s: Scenario, qid: str) -> Question:
    return next(q for q in s.questions if q.id == qid)


def unasked_follow_up(s: Scenario, finding: Finding, found: Sequence[Finding]) -> bool:
    """A follow-up's 'not asked' is determined while its parent's answer is not (partial
    information about the parent; it matters only for follow-ups that are never published)."""
    q = question(s, finding.key[0])
    return (
        q.parent is not None
        and finding.value is None
        and not any((g.viewer, g.force, g.key[0]) == (finding.viewer, finding.force, q.parent) for g in found)
    )


# ---- (a) independent rounds: exact ------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(constant=False))
def test_independent_rounds_determine_nothing(s: Scenario) -> None:
    published = publish(s)
    found = independent_findings(s, published)
    everything = [f for _, f in found]
    found = [(r, f) for r, f in found if not unasked_follow_up(s, f, everything)]
    assert not found, describe(s, published, found)


# ---- (b) unchanged answers --------------------------------------------------------------


def claimed_exposures(s: Scenario, published: Sequence[Disclosure], found: Sequence[Finding]) -> list[str]:
    """What of `found` the suppressor claims to prevent: anything that follows from one round's
    figures, or from two rows of different rounds; and any linear isolation of one force."""
    all_facts = round_facts(s, published)
    truth = constant_truth(s)
    problems = []
    for finding in found:
        if unasked_follow_up(s, finding, found):
            continue
        rows = explain(s.questions, all_facts, truth, finding)
        if rows is not None:
            problems.append(f"{finding} follows from rows {rows}")
    for family in _families(s.questions):
        row_members = sorted({(f.row, f.members) for f in all_facts if f.key[0] in family}, key=lambda rm: repr(rm[0]))
        if len({row[0] for row, _ in row_members}) < 2:
            continue
        for viewer, force in linear_isolations([m for _, m in row_members], s.forces, [None, *s.forces]):
            problems.append(f"linear: viewer {viewer} isolates force {force} from rows {[r for r, _ in row_members]}")
    return problems


def _families(questions: Sequence[Question]) -> list[set[str]]:
    found: list[set[str]] = []
    for q in questions:
        if q.parent is None:
            found.append({q.id})
        else:
            next(f for f in found if q.parent in f).add(q.id)
    return found


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(constant=True))
def test_unchanged_answers_claimed_checks_hold(s: Scenario) -> None:
    """Nothing follows from one round, or from two rows of different rounds, and no force is
    isolated linearly: what the suppressor claims."""
    published = publish(s)
    problems = claimed_exposures(s, published, constant_findings(s, published))
    assert not problems, describe(s, published, problems)


@pytest.mark.xfail(
    strict=False,
    reason="integer reasoning over three or more rows of different rounds, which the suppressor does not "
    "claim to prevent (see test_three_rounds_combined_is_the_documented_limit); every other finding "
    "fails test_unchanged_answers_claimed_checks_hold",
)
@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # an expected failure: no shrinking
)
@given(scenarios(constant=True))
def test_unchanged_answers_determine_nothing(s: Scenario) -> None:
    published = publish(s)
    found = constant_findings(s, published)
    first = next((f for f in found if not unasked_follow_up(s, f, found)), None)
    assert first is None, describe(s, published, [first])


# ---- hand-built adversarial fixtures ------------------------------------------------------


def scenario(
    breakdowns: dict[str, tuple[str, ...]],
    profiles: Mapping[int, Profile],
    questions: list[Question],
    rounds: Sequence[Mapping[int, Mapping[str, Any]]],
    k: int = 3,
) -> Scenario:
    """Rounds given as force -> answers (the forces that took part)."""
    return Scenario(
        breakdowns,
        k,
        questions,
        [{f: dict(profiles[f]) for f in answers} for answers in rounds],
        [{f: {q.id: dict(a).get(q.id) for q in questions} for f, a in answers.items()} for answers in rounds],
    )


YES_NO = Question("q1", "categorical", codes=("yes", "no"))


def shown(d: Disclosure, qid: str) -> dict[tuple[str, str], Any]:
    return {g.key: g.figures for g in d.round.questions[qid].groups if g.n is not None}


def overlapping() -> Scenario:
    """north and metro differ by force 5; 'large' is every force but 8."""
    profiles = {
        f: {
            "region": "north" if f <= 4 else "south",
            "force_type": "metro" if f <= 5 else "rural",
            "size": "large" if f <= 7 else "small",
        }
        for f in range(1, 9)
    }
    answers = {1: "yes", 2: "no", 3: "yes", 4: "no", 5: "yes", 6: "no", 7: "yes", 8: "no"}
    return scenario(
        {"region": ("north", "south"), "force_type": ("metro", "rural"), "size": ("large", "small")},
        profiles,
        [YES_NO],
        [{f: {"q1": a} for f, a in answers.items()}],
    )


def test_overlapping_breakdowns() -> None:
    s = overlapping()
    published = publish(s)
    figures = shown(published[0], "q1")
    assert ALL_FORCES in figures  # something is published
    # never both sides of a one-force difference
    assert not {("region", "north"), ("force_type", "metro")} <= set(figures)
    assert not {ALL_FORCES, ("size", "large")} <= set(figures)
    found = independent_findings(s, published)
    assert not found, describe(s, published, found)
    assert not constant_findings(s, published)


def presence() -> Scenario:
    """r3 has no force, r2 two (below k), t1 is all 'yes' (withheld by the audit); every force
    chose option x (withheld by the audit inside shown groups)."""
    profiles = {f: {"region": "r1" if f <= 5 else "r2", "force_type": "t1" if f <= 3 else "t2"} for f in range(1, 8)}
    answers = {1: "yes", 2: "yes", 3: "yes", 4: "no", 5: "no", 6: "yes", 7: "no"}
    multi = Question("m", "multi", codes=("x", "y"))
    chosen = {1: ["x"], 2: ["x", "y"], 3: ["x"], 4: ["x", "y"], 5: ["x", "y"], 6: ["x"], 7: ["x"]}
    return scenario(
        {"region": ("r1", "r2", "r3"), "force_type": ("t1", "t2")},
        profiles,
        [YES_NO, multi],
        [{f: {"q1": answers[f], "m": chosen[f]} for f in profiles}],
    )


def test_presence_and_absence_tell_nothing() -> None:
    s = presence()
    [d] = publish(s)
    reasons = {(w.question_id, w.group): w.reason for w in d.withheld}
    # the fixture covers every reason a group can be withheld
    assert reasons[("q1", ("region", "r3"))] == THRESHOLD  # no force
    assert reasons[("q1", ("region", "r2"))] == THRESHOLD  # two forces
    assert AUDIT in {reasons.get(("q1", g)) for g in configured(s)}
    withheld = []
    for q in d.round.questions.values():
        assert [g.key for g in q.groups] == configured(s)
        withheld.extend(g for g in q.groups if g.n is None)
    assert withheld
    # one marker, whatever the reason: equal but for the key, in objects and in the snapshot
    assert {(g.n, tuple(g.figures.items())) for g in withheld} == {(None, ())}
    snapshot = d.round.to_snapshot()
    listed = snapshot["questions"]
    listed = list(listed.values()) if isinstance(listed, dict) else listed
    marks = [
        {k: v for k, v in group.items() if k != "key"} for q in listed for group in q["groups"] if group["n"] is None
    ]
    assert marks and all(m == {"n": None, "figures": {}} for m in marks)
    again = DisclosedRound.from_snapshot(snapshot)
    assert again.to_snapshot() == snapshot
    # a withheld component is None in place, listed like every other
    assert shown(d, "m")[ALL_FORCES] == {"counts": {"x": None, "y": 3}}
    assert reasons[("m", ALL_FORCES)] == AUDIT
    found = independent_findings(s, [d])
    assert not found, describe(s, [d], found)


def small_quartiles(values: Mapping[int, int]) -> Scenario:
    """Numbers; region r1 holds forces 1-3 (a group of exactly k = 3)."""
    profiles = {f: {"region": "r1" if f <= 3 else "r2"} for f in range(1, 7)}
    number = Question("num", "numeric", values=tuple(sorted({*values.values(), 0, 100})))
    return scenario({"region": ("r1", "r2")}, profiles, [number], [{f: {"num": v} for f, v in values.items()}])


@pytest.mark.parametrize(
    ("values", "r1_shown"),
    [
        ({1: 20, 2: 47, 3: 130, 4: 60, 5: 61, 6: 90}, True),  # distinct: r1's quartiles are shown
        ({1: 47, 2: 47, 3: 130, 4: 60, 5: 61, 6: 90}, False),  # a pair in r1: force 3 would learn it
        ({1: 3, 2: 4, 3: 5, 4: 4, 5: 5, 6: 3}, True),  # small numbers: rounding hides nothing
    ],
)
def test_quartiles_of_a_group_of_three(values: Mapping[int, int], r1_shown: bool) -> None:
    """Quartiles of three numbers are the three numbers, nearly; a force of the group knows its
    own, yet must not learn which of the others gave which."""
    s = small_quartiles(values)
    published = publish(s)
    figures = shown(published[0], "num")
    assert ALL_FORCES in figures
    assert (("region", "r1") in figures) == r1_shown
    found = independent_findings(s, published)
    assert not found, describe(s, published, found)


def joining(new: Mapping[int, str]) -> Scenario:
    """Round 2 is round 1 plus the forces in `new`."""
    first = {1: "yes", 2: "no", 3: "yes", 4: "no", 5: "yes", 6: "no"}
    profiles = {f: {"region": "r1" if f % 2 else "r2"} for f in range(1, 9)}
    return scenario(
        {"region": ("r1", "r2")},
        profiles,
        [YES_NO],
        [{f: {"q1": a} for f, a in first.items()}, {f: {"q1": a} for f, a in {**first, **new}.items()}],
    )


@pytest.mark.parametrize("new", [{7: "yes"}, {7: "no"}, {7: "yes", 8: "yes"}, {7: "no", 8: "no"}])
def test_forces_joining_between_rounds(new: Mapping[int, str]) -> None:
    s = joining(new)
    published = publish(s)
    assert shown(published[0], "q1")
    found = constant_findings(s, published)
    assert not found, describe(s, published, found)
    assert not independent_findings(s, published)


def follow_up(parent: Question, trigger_answers: Mapping[int, Any], breakdowns: str = "both") -> Scenario:
    """A follow-up q2 asked when the parent's answer is or includes 'yes'."""
    q2 = Question("q2", "categorical", codes=("a", "b"), parent=parent.id, trigger="yes")
    forces = sorted(trigger_answers)
    half = len(forces) // 2
    profiles = {f: {"region": "r1" if f <= half else "r2", "force_type": "t1" if f % 2 else "t2"} for f in forces}
    groups = {"region": ("r1", "r2"), "force_type": ("t1", "t2")}
    if breakdowns == "region":
        del groups["force_type"]
    answers = {}
    for i, (f, a) in enumerate(sorted(trigger_answers.items())):
        answers[f] = {parent.id: a, "q2": "ab"[i % 2] if q2.asks(a) else None}
    return scenario(groups, profiles, [parent, q2], [answers])


FOLLOW_UP_CASES = [
    # r1 all yes: the follow-up's n there would say so
    (YES_NO, {1: "yes", 2: "yes", 3: "yes", 4: "yes", 5: "no", 6: "yes", 7: "no", 8: "yes", 9: "no"}, "both"),
    # one 'no' in r1
    (YES_NO, {1: "yes", 2: "yes", 3: "no", 4: "yes", 5: "no", 6: "yes", 7: "yes", 8: "no", 9: "yes"}, "both"),
    # the parent is a multiple choice: the follow-up's n counts option 'yes'
    (
        Question("p", "multi", codes=("yes", "other")),
        {1: ["yes"], 2: ["yes", "other"], 3: ["yes"], 4: ["other"], 5: [], 6: ["yes", "other"], 7: ["other"]}
        | {8: ["yes"], 9: ["other"]},
        "both",
    ),
    # shown in every region: each region's follow-up n is its count of 'yes'
    (
        YES_NO,
        {1: "yes", 2: "yes", 3: "yes", 4: "no", 5: "no", 6: "no", 7: "yes", 8: "no", 9: "yes", 10: "yes"},
        "region",
    ),
]


@pytest.mark.parametrize(("parent", "answers", "breakdowns"), FOLLOW_UP_CASES)
def test_follow_up_n_does_not_reveal_the_parent(parent: Question, answers: Mapping[int, Any], breakdowns: str) -> None:
    s = follow_up(parent, answers, breakdowns)
    published = publish(s)
    assert shown(published[0], "q2"), "the follow-up is not published anywhere: nothing is tested"
    found = independent_findings(s, published)
    assert not found, describe(s, published, found)


def test_follow_up_is_shown_in_regions() -> None:
    """The last case really publishes a follow-up's n per region."""
    s = follow_up(*FOLLOW_UP_CASES[-1])
    assert {("region", "r1"), ("region", "r2")} <= set(shown(publish(s)[0], "q2"))


# ---- the checker finds leaks when the audit is off ----------------------------------------


@pytest.fixture
def audit_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every cell the rules before the audit let through is shown: a refused cell is put back
    exactly as `try_add` would have left it had it been accepted."""
    original = audit_module.FamilyAudit.try_add

    def accept(self: audit_module.FamilyAudit, cell: audit_module.Cell) -> None:
        if original(self, cell) is not None:
            _, group, _ = cell
            self.shown[self.last].add(cell)
            if group not in self.rows[self.last]:
                self.rows[self.last].add(group)
                self.atoms[self.last] = self._atoms(self.last)
        return None

    monkeypatch.setattr(audit_module.FamilyAudit, "try_add", accept)


def all_fixtures() -> Iterator[tuple[str, Scenario]]:
    yield "overlapping", overlapping()
    yield "presence", presence()
    yield "quartiles", small_quartiles({1: 20, 2: 47, 3: 130, 4: 60, 5: 61, 6: 90})
    yield "quartiles pair", small_quartiles({1: 47, 2: 47, 3: 130, 4: 60, 5: 61, 6: 90})
    for new in ({7: "yes"}, {7: "yes", 8: "yes"}):
        yield f"joining {new}", joining(new)
    for i, case in enumerate(FOLLOW_UP_CASES):
        yield f"follow-up {i}", follow_up(*case)


@pytest.mark.usefixtures("audit_off")
def test_checker_finds_leaks_without_the_audit() -> None:
    leaking = {}
    for name, s in all_fixtures():
        published = publish(s)
        found = [f for _, f in independent_findings(s, published)]
        if len(s.participants) > 1:
            found += constant_findings(s, published)
        if found:
            leaking[name] = found
    # every channel's fixture leaks once the audit is off
    assert set(leaking) >= {
        "overlapping",
        "presence",
        "quartiles pair",
        "joining {7: 'yes'}",
        "joining {7: 'yes', 8: 'yes'}",
        "follow-up 0",
    }, leaking
    # and the leaks are the ones intended: metro - north, all - large; the force that joined
    assert {5, 8} <= {f.force for f in leaking["overlapping"] if f.viewer is None}
    assert Finding(None, 7, ("q1", ""), "yes") in leaking["joining {7: 'yes'}"]


# ---- the output types ---------------------------------------------------------------------


def test_disclosed_types_cannot_be_made_outside_disclosure() -> None:
    with pytest.raises(TypeError):
        DisclosedGroup(ALL_FORCES, 10, {"counts": {"yes": 10}})
    with pytest.raises(TypeError):
        DisclosedGroup(ALL_FORCES, 10, {"counts": {"yes": 10}}, object())
    with pytest.raises(TypeError):
        DisclosedQuestion("q1", "categorical", ())
    with pytest.raises(TypeError):
        DisclosedRound(1, 1, 3, (), {})
    with pytest.raises(TypeError):
        DisclosedRound(1, 1, 3, (), {}, _mint=object())


# ---- the checker itself -----------------------------------------------------------------


def test_checker_sees_a_lone_difference() -> None:
    """Sanity of the attacker alone: a group and the same group plus one force, both shown."""
    two = [frozenset({1, 2, 3}), frozenset({1, 2, 3, 4})]
    assert (None, 4) in linear_isolations(two, [1, 2, 3, 4], [None])
    assert linear_isolations([frozenset({1, 2, 3, 4})], [1, 2, 3, 4], [None]) == []
    assert (1, 2) in linear_isolations([frozenset({1, 2})], [1, 2, 3], [1])


def test_checker_members() -> None:
    participants = {1: {"region": "a"}, 2: {"region": "b"}, 3: {"region": "a"}}
    assert members(participants, ALL_FORCES) == {1, 2, 3}
    assert members(participants, ("region", "a")) == {1, 3}
    assert members(participants, ("region", "c")) == set()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, 2, 3, 4], (1.8, 2.5, 3.2)),  # 1.75 and 3.25: ties, to even
        ([20, 47, 130], (34.0, 47.0, 88.0)),  # 33.5 → 34, 88.5 → 88
        ([0, 0, 0], (0.0, 0.0, 0.0)),
        ([95, 96, 98, 99], (96.0, 97.0, 98.0)),  # 95.75, 97, 98.25
        ([995, 996], (1000.0, 1000.0, 1000.0)),  # 995.25 rounds up past a power of ten
        ([7], (7.0, 7.0, 7.0)),
    ],
)
def test_checker_quartiles(values: list[int], expected: tuple[float, float, float]) -> None:
    """The checker's own percentile_cont and two-significant-figure rounding."""
    assert published_quartiles(values) == expected


def test_checker_agrees_with_what_is_published() -> None:
    """The true answers always reproduce the published figures (`determined` checks it and
    raises `Inconsistent` otherwise); here on a numeric round built to need rounding."""
    s = small_quartiles({1: 20, 2: 47, 3: 130, 4: 60, 5: 61, 6: 90})
    [d] = publish(s)
    assert shown(d, "num")[("region", "r1")] == {"p25": 34.0, "median": 47.0, "p75": 88.0}
    assert attack(s.questions, round_facts(s, [d]), s.answers[0], [None]) == []


# ---- minimal reproductions of bugs found ------------------------------------------------------


def test_follow_up_n_does_not_reveal_a_withheld_option() -> None:
    """B1. Four forces all choose option 'yes' of a multiple choice, two also 'other'; a follow-up
    is asked of those choosing 'yes'. The audit withholds 'yes' (unanimous) and shows 'other';
    the follow-up's n would be 4 — every force chose 'yes' — so the crowd rule also checks, for a
    follow-up, who answered it."""
    parent = Question("p", "multi", codes=("yes", "other"))
    q2 = Question("q2", "categorical", codes=("a", "b"), parent="p")
    answers = {1: (["yes"], "a"), 2: (["yes", "other"], "b"), 3: (["yes"], "b"), 4: (["yes", "other"], "a")}
    s = scenario(
        {"region": ("r1",)},
        {f: {"region": "r1"} for f in answers},
        [parent, q2],
        [{f: {"p": p, "q2": a} for f, (p, a) in answers.items()}],
    )
    published = publish(s)
    found = independent_findings(s, published)
    assert not found, describe(s, published, found)


def test_not_asked_an_unpublished_follow_up_is_partial_information() -> None:
    """Three forces answer yes / no / maybe; q1 is published (1, 1, 1), its follow-up (asked on
    'yes') is not. Force 1, the 'yes', learns that forces 2 and 3 said something other than 'yes',
    hence were not asked the follow-up; their answer to q1 stays undetermined, and they gave no
    answer to the follow-up. That, and only that, is what the checker finds."""
    q1 = Question("q1", "categorical", codes=("yes", "no", "maybe"))
    q2 = Question("q2", "categorical", codes=("a", "b"), parent="q1")
    s = scenario(
        {"region": ("r1",)},
        {f: {"region": "r1"} for f in (1, 2, 3)},
        [q1, q2],
        [{1: {"q1": "yes", "q2": "a"}, 2: {"q1": "no"}, 3: {"q1": "maybe"}}],
    )
    published = publish(s)
    found = [f for _, f in independent_findings(s, published)]
    assert found and all(unasked_follow_up(s, f, found) for f in found), describe(s, published, found)


def test_quartiles_are_not_differenced_across_two_rounds() -> None:
    """B3. Round 1: forces 2-5 give 1, 2, 3, 1 and all forces' quartiles (1.0, 1.5, 2.2) are shown.
    Round 2: force 1 (who gives 1) joins region r2 = {1, 3, 4}; were its quartiles (1.5, 2.0,
    2.5) shown, force 1 would know forces 3 and 4 gave 2 and 3, and round 1's quartiles would
    leave 1 and 1 for forces 2 and 5. Linear differencing finds nothing there (2 and 5 are twins),
    so magnitudes are checked across rounds by swapping whole histories."""
    number = Question("num", "numeric", values=(1, 2, 3))
    region = {1: "r2", 2: "r1", 3: "r2", 4: "r2", 5: "r1"}
    value = {1: 1, 2: 1, 3: 2, 4: 3, 5: 1}
    s = scenario(
        {"region": ("r1", "r2")},
        {f: {"region": r} for f, r in region.items()},
        [number],
        [{f: {"num": value[f]} for f in (2, 3, 4, 5)}, {f: {"num": value[f]} for f in (1, 2, 3, 4, 5)}],
    )
    published = publish(s)
    assert not independent_findings(s, published)
    found = constant_findings(s, published)
    assert not found, describe(s, published, found)


def test_three_rounds_combined_is_the_documented_limit() -> None:
    """What the suppressor does not claim, shown to be real: three rounds of six forces, two
    'yes' each time. Rounds 2 + 3 - 1 give 2 (x1 + x2) + x7 + x8 = 2, so force 2 (a 'yes')
    learns that forces 1, 7 and 8 said 'no'. No single round, no two rows, no linear
    combination gives it; integer reasoning over three rows of three rounds does."""
    answers = {1: "no", 2: "yes", 3: "yes", 4: "yes", 5: "no", 6: "no", 7: "no", 8: "no"}
    rounds = [(3, 4, 5, 6, 7, 8), (1, 2, 4, 6, 7, 8), (1, 2, 3, 5, 7, 8)]
    s = scenario(
        {"region": ("r1",)},
        {f: {"region": "r1"} for f in answers},
        [YES_NO],
        [{f: {"q1": answers[f]} for f in r} for r in rounds],
    )
    published = publish(s)
    assert all(shown(d, "q1")[ALL_FORCES] == {"counts": {"yes": 2, "no": 4}} for d in published)
    assert not independent_findings(s, published)
    found = constant_findings(s, published)
    assert Finding(2, 1, ("q1", ""), "no") in found
    assert claimed_exposures(s, published, found) == []  # all of it needs three rows
