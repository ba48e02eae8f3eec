"""An independent attacker on published figures: brute force over every possible world.

Shares nothing with `backend.publication` except reading the public output objects
(`DisclosedRound`, `DisclosedQuestion`, `DisclosedGroup`): group membership, answer components,
quartiles and rounding are re-implemented here from the published format.

The attacker reads every figure of every round, knows every force's peer groups in every round
and who took part, and knows its own force's answers. A *world* gives every force an answer to
every question (a follow-up is answered exactly when its parent's answer asks for it). A world is
consistent when every published figure, recomputed from it, equals what was published; withheld
cells (n None, or a component None) say nothing. A force's answer component is *determined* for a
viewer when it takes a single value over every consistent world that gives the viewer its own
true answers.

Every published figure of a group is a function of the multiset of its members' component values
(counts with n, or quartiles with n), so each figure becomes a constraint "the members' values form
one of these multisets". The search assigns forces one by one and keeps only partial assignments
whose values, group by group, still fit inside an accepted multiset. Questions that no figure links
(different families; the options of a multiple choice nobody can skip and that nothing follows) are
searched separately: the worlds are their product, so nothing is lost.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

ALL_FORCES = ("all", "all")
#: Pseudo component of a multiple choice: did the force answer at all (what n counts).
ANSWERED = "*answered"

Key = tuple[str, str]  # (question id, component); component "" for one-value answers
Row = tuple[int, tuple[str, str]]  # (round index, group)
Value = Hashable


# ---- the answer space ---------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """What every reader knows about a question: its kind and the answers it allows."""

    id: str
    kind: str  # "categorical", "multi" or "numeric"
    #: categorical: the codes; multi: the options
    codes: tuple[str, ...] = ()
    #: a follow-up: asked only when the parent's answer is (categorical) or includes (multi) `trigger`
    parent: str | None = None
    trigger: str = "yes"
    #: a force may skip it (numeric only here)
    optional: bool = False
    #: numeric: the numbers a force may give (what the questionnaire's validation allows)
    values: tuple[int, ...] = ()

    def components(self) -> tuple[str, ...]:
        return (*self.codes, ANSWERED) if self.kind == "multi" else ("",)

    def possible_answers(self) -> list[Any]:
        if self.kind == "categorical":
            found: list[Any] = list(self.codes)
        elif self.kind == "multi":
            found = [
                [c for c, chosen in zip(self.codes, bits, strict=True) if chosen]
                for bits in itertools.product((False, True), repeat=len(self.codes))
            ]
        elif self.kind == "numeric":
            found = list(self.values)
        else:
            raise ValueError(self.kind)
        return [*found, None] if self.optional else found

    def asks(self, parent_answer: Any) -> bool:
        """Whether a force with this parent answer is asked this follow-up."""
        if isinstance(parent_answer, list):
            return self.trigger in parent_answer
        return parent_answer == self.trigger


def component(question: Question, answer: Any, comp: str) -> Value:
    """One component of one force's answer (None: not answered)."""
    if question.kind == "multi":
        if not isinstance(answer, list):
            return False if comp == ANSWERED else None
        return True if comp == ANSWERED else comp in answer
    return answer


@dataclass(frozen=True)
class Unit:
    """Questions (or options of one question) searched together: each option is one possible
    force's answer, projected on the unit's keys."""

    keys: tuple[Key, ...]
    options: tuple[tuple[Value, ...], ...]
    questions: Mapping[str, Question] = field(compare=False)

    def project(self, answers: Mapping[str, Any]) -> tuple[Value, ...]:
        return tuple(component(self.questions[q], answers.get(q), c) for q, c in self.keys)

    def option_of(self, answers: Mapping[str, Any]) -> int:
        return self.options.index(self.project(answers))

    def targets(self) -> list[int]:
        """Key indices an attacker may try to learn (not the pseudo component)."""
        return [i for i, (_, c) in enumerate(self.keys) if c != ANSWERED]


def _answer_sets(family: Sequence[Question]) -> list[dict[str, Any]]:
    """Every combination of answers to a family (parents before follow-ups)."""
    worlds: list[dict[str, Any]] = [{}]
    for q in family:
        grown = []
        for w in worlds:
            asked = q.parent is None or q.asks(w.get(q.parent))
            for a in q.possible_answers() if asked else [None]:
                grown.append({**w, q.id: a})
        worlds = grown
    return worlds


def units(questions: Sequence[Question]) -> list[Unit]:
    by_id = {q.id: q for q in questions}

    def root(q: Question) -> str:
        while q.parent is not None:
            q = by_id[q.parent]
        return q.id

    families: dict[str, list[Question]] = {}
    for q in questions:
        families.setdefault(root(q), []).append(q)
    found = []
    for family in families.values():
        head = family[0]
        if len(family) == 1 and head.kind == "multi" and not head.optional:
            # nothing links the options: one unit per option
            for c in head.codes:
                keys = ((head.id, c), (head.id, ANSWERED))
                options = sorted({(c in a, True) for a in head.possible_answers()}, key=repr)
                found.append(Unit(keys, tuple(options), by_id))
            continue
        keys = tuple((q.id, c) for q in family for c in q.components())
        unit = Unit(keys, (), by_id)
        options = []
        for answers in _answer_sets(family):
            projected = unit.project(answers)
            if projected not in options:
                options.append(projected)
        found.append(Unit(keys, tuple(options), by_id))
    for unit in found:
        for i in unit.targets():
            assert len({o[i] for o in unit.options}) >= 2, unit.keys[i]
    return found


# ---- reading what was published -----------------------------------------------------------


def members(participants: Mapping[int, Mapping[str, str]], group: tuple[str, str]) -> frozenset[int]:
    if group == ALL_FORCES:
        return frozenset(participants)
    dim, value = group
    return frozenset(f for f, groups in participants.items() if groups.get(dim) == value)


def _round_half_even_significant(x: Fraction, digits: int = 2) -> Fraction:
    if x == 0:
        return Fraction(0)
    sign = -1 if x < 0 else 1
    x = abs(x)
    exponent = 0
    while Fraction(10) ** exponent > x:
        exponent -= 1
    while Fraction(10) ** (exponent + 1) <= x:
        exponent += 1
    unit = Fraction(10) ** (exponent - digits + 1)
    scaled = x / unit
    low = scaled.numerator // scaled.denominator
    rest = scaled - low
    up = rest > Fraction(1, 2) or (rest == Fraction(1, 2) and low % 2 == 1)
    return sign * (low + up) * unit


def published_quartiles(values: Sequence[int]) -> tuple[float, float, float]:
    """Quartiles by linear interpolation between closest ranks, each printed to two significant
    figures (ties to even: the values are exact in binary, so this is what `round` does)."""
    ordered = sorted(values)
    last = len(ordered) - 1
    out = []
    for fraction in (Fraction(1, 4), Fraction(1, 2), Fraction(3, 4)):
        position = last * fraction
        low = position.numerator // position.denominator
        high = min(low + 1, last)
        exact = ordered[low] + (ordered[high] - ordered[low]) * (position - low)
        out.append(float(_round_half_even_significant(exact)))
    return out[0], out[1], out[2]


@dataclass(frozen=True)
class Fact:
    """One published cell: the members' values of `key` form one of `accepted` (multisets)."""

    row: Row
    key: Key
    members: frozenset[int]
    accepted: tuple[Counter, ...]


def facts(
    round_index: int,
    disclosed: Any,
    participants: Mapping[int, Mapping[str, str]],
    questions: Sequence[Question],
) -> list[Fact]:
    """What one published round says, cell by cell (withheld cells say nothing)."""
    found: list[Fact] = []
    for q in questions:
        published = disclosed.questions.get(q.id)
        if published is None:
            continue
        for group in published.groups:
            if group.n is None:
                continue
            who = members(participants, group.key)
            n = group.n
            skipped = len(who) - n
            row = (round_index, group.key)
            if q.kind == "categorical":
                counts = Counter({code: c for code, c in group.figures["counts"].items()})
                counts[None] = skipped
                found.append(Fact(row, (q.id, ""), who, (counts,)))
            elif q.kind == "multi":
                found.append(Fact(row, (q.id, ANSWERED), who, (Counter({True: n, False: skipped}),)))
                for option, chosen in group.figures["counts"].items():
                    if chosen is None:
                        continue
                    counts = Counter({True: chosen, False: n - chosen, None: skipped})
                    found.append(Fact(row, (q.id, option), who, (counts,)))
            elif q.kind == "numeric":
                target = (group.figures["p25"], group.figures["median"], group.figures["p75"])
                accepted = []
                for values in itertools.combinations_with_replacement(sorted(q.values), n):
                    if published_quartiles(values) == target:
                        counts = Counter(values)
                        counts[None] = skipped
                        accepted.append(counts)
                found.append(Fact(row, (q.id, ""), who, tuple(accepted)))
            else:
                raise ValueError(q.kind)
    return found


# ---- the search ---------------------------------------------------------------------------


@dataclass
class _Constraint:
    members: frozenset[int]
    #: option index -> index of its value of the key in the value list
    project: list[int]
    #: count vectors (over the value list) of every sub-multiset of an accepted multiset
    feasible: frozenset[tuple[int, ...]]


def _constraint(unit: Unit, fact: Fact) -> _Constraint:
    ki = unit.keys.index(fact.key)
    values: list[Value] = []
    for option in unit.options:
        if option[ki] not in values:
            values.append(option[ki])
    feasible: set[tuple[int, ...]] = set()
    for counts in fact.accepted:
        if any(c < 0 for c in counts.values()) or any(c > 0 for v, c in counts.items() if v not in values):
            continue  # impossible here: no world matches
        top = [counts.get(v, 0) for v in values]
        feasible.update(itertools.product(*(range(t + 1) for t in top)))
    return _Constraint(fact.members, [values.index(o[ki]) for o in unit.options], frozenset(feasible))


class Search:
    """The consistent worlds of one unit under some published facts."""

    def __init__(self, unit: Unit, unit_facts: Iterable[Fact]) -> None:
        self.unit = unit
        self.constraints = [_constraint(unit, f) for f in unit_facts]
        order: list[int] = []
        for c in sorted(self.constraints, key=lambda c: len(c.members)):
            order.extend(sorted(f for f in c.members if f not in order))
        self.forces = order  # only forces some figure covers: the others are free
        self.touching = {f: [i for i, c in enumerate(self.constraints) if f in c.members] for f in order}

    def consistent(self, world: Mapping[int, int]) -> bool:
        for c in self.constraints:
            if not c.feasible:
                return False
            counts = [0] * len(next(iter(c.feasible)))
            for f in c.members:
                counts[c.project[world[f]]] += 1
            if tuple(counts) not in c.feasible:
                return False
        return True

    def worlds(self, domains: Mapping[int, Sequence[int]]) -> Iterator[dict[int, int]]:
        if any(not c.feasible for c in self.constraints):
            return
        counts = [[0] * len(next(iter(c.feasible))) for c in self.constraints]
        world: dict[int, int] = {}

        def extend(i: int) -> Iterator[dict[int, int]]:
            if i == len(self.forces):
                yield world
                return
            force = self.forces[i]
            for option in domains[force]:
                touched = []
                fits = True
                for ci in self.touching[force]:
                    c = self.constraints[ci]
                    vi = c.project[option]
                    counts[ci][vi] += 1
                    touched.append((ci, vi))
                    if tuple(counts[ci]) not in c.feasible:
                        fits = False
                        break
                if fits:
                    world[force] = option
                    yield from extend(i + 1)
                    del world[force]
                for ci, vi in touched:
                    counts[ci][vi] -= 1

        yield from extend(0)


@dataclass(frozen=True)
class Finding:
    """A force's answer component that a viewer (None: an outsider) can work out."""

    viewer: int | None
    force: int
    key: Key
    value: Value


class Inconsistent(Exception):
    """The true answers do not reproduce what was published (a wrong figure, or a misread)."""


def determined(
    unit: Unit, unit_facts: Sequence[Fact], truth: Mapping[int, Mapping[str, Any]], viewers: Iterable[int | None]
) -> list[Finding]:
    """Every (viewer, force, component) of this unit fixed by the facts; `truth` gives every
    force's true answers (the viewer's are what it knows)."""
    search = Search(unit, unit_facts)
    if not search.forces:
        return []
    true = {f: unit.option_of(truth[f]) for f in search.forces}
    if not search.consistent(true):
        raise Inconsistent(f"true answers contradict the published figures for {unit.keys}")
    everything = range(len(unit.options))
    found = []
    for viewer in viewers:
        domains = {f: [true[f]] if f == viewer else everything for f in search.forces}
        pending = {(f, ki) for f in search.forces if f != viewer for ki in unit.targets()}
        for world in search.worlds(domains):
            for f, ki in list(pending):
                if unit.options[world[f]][ki] != unit.options[true[f]][ki]:
                    pending.discard((f, ki))
            if not pending:
                break
        found.extend(
            Finding(viewer, f, unit.keys[ki], unit.options[true[f]][ki]) for f, ki in sorted(pending, key=repr)
        )
    return found


def attack(
    questions: Sequence[Question],
    all_facts: Sequence[Fact],
    truth: Mapping[int, Mapping[str, Any]],
    viewers: Iterable[int | None],
) -> list[Finding]:
    """Everything the viewers can work out from these facts, unit by unit."""
    viewers = list(viewers)
    found = []
    for unit in units(questions):
        keys = set(unit.keys)
        found.extend(determined(unit, [f for f in all_facts if f.key in keys], truth, viewers))
    return found


def follows_from(
    questions: Sequence[Question],
    some_facts: Sequence[Fact],
    truth: Mapping[int, Mapping[str, Any]],
    finding: Finding,
) -> bool:
    """Whether the finding still follows when only `some_facts` are published."""
    unit = next(u for u in units(questions) if finding.key in u.keys)
    keys = set(unit.keys)
    again = determined(unit, [f for f in some_facts if f.key in keys], truth, [finding.viewer])
    return any((g.force, g.key) == (finding.force, finding.key) for g in again)


def explain(
    questions: Sequence[Question],
    all_facts: Sequence[Fact],
    truth: Mapping[int, Mapping[str, Any]],
    finding: Finding,
) -> tuple[Row, ...] | None:
    """The published rows a finding follows from, if they are one round's, or two rows of
    different rounds; None if it needs three or more rows of two or more rounds."""
    rows = sorted({f.row for f in all_facts}, key=repr)
    rounds = sorted({r for r, _ in rows})
    candidates = [tuple(row for row in rows if row[0] == r) for r in rounds]
    candidates += [pair for pair in itertools.combinations(rows, 2) if pair[0][0] != pair[1][0]]
    for subset in candidates:
        if follows_from(questions, [f for f in all_facts if f.row in subset], truth, finding):
            return subset
    return None


# ---- linear differencing ------------------------------------------------------------------


def _rank(vectors: Sequence[Sequence[int]]) -> int:
    rows = [[Fraction(x) for x in v] for v in vectors]
    rank = 0
    width = len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][col] != 0:
                factor = rows[r][col] / rows[rank][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        rank += 1
    return rank


def linear_isolations(
    row_members: Sequence[frozenset[int]], forces: Sequence[int], viewers: Iterable[int | None]
) -> list[tuple[int | None, int]]:
    """(viewer, force) pairs where the force's unit vector is a rational combination of the
    published rows' membership vectors and the viewer's own unit vector."""
    forces = sorted(forces)

    def unit(f: int) -> list[int]:
        return [1 if g == f else 0 for g in forces]

    matrix = [[1 if f in m else 0 for f in forces] for m in row_members]
    found = []
    for viewer in viewers:
        base = matrix + ([unit(viewer)] if viewer is not None else [])
        rank = _rank(base)
        for f in forces:
            if f != viewer and _rank([*base, unit(f)]) == rank:
                found.append((viewer, f))
    return found
