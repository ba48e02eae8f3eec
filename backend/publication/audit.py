"""The disclosure audit: could a reader of everything published work out one force's answer?

Pure. The reader we defend against (docs/disclosure-control.md) reads every published figure of
every round of a questionnaire, knows every force's peer groups and which forces took part, knows
its own force's answers, and reasons exactly. Cells are offered to the audit one at a time
(`FamilyAudit.try_add`); a cell is refused when showing it would break one of these checks, each
run for every possible reader (an outsider, or any force knowing its own answers):

1. **The crowd rule, within a round** (`_crowd`). Two forces that are in exactly the same shown
   groups of a round are indistinguishable: swapping all their answers to a family of linked
   questions changes no published figure of that round — no count, quartile, mean, n, nothing.
   Such forces form an *atom*. A force's answer component is undetermined whenever its atom holds
   another force, not the reader, that answered differently (the swapped world publishes the same
   and gives the force another answer). Demanding **two** such forces for every force in a shown
   cell covers every reader at once:

       in every atom a shown cell covers, the most common value of the cell's component is
       shared by at most (size of the atom − 2) forces.

   This is exact for any reasoning within a round — integer counts, 0/1 answers, quartiles as
   order statistics, overlapping breakdowns, follow-ups (a family's n is part of each component),
   unanimity — because it exhibits another possible world rather than reasoning about figures.
   For a follow-up, whether each force answered is checked the same way (its n counts the forces
   that gave its parent's answer).

2. **Differencing across rounds, linearly** (`_linear`). A reader who assumes answers did not
   change between rounds can subtract figures of different rounds (and groups). Each figure is a
   sum over a set of forces; with one variable per force (the same in every round) a force's
   answer is determined by linear combinations exactly when its unit vector lies in the row space
   of the published rows, or, for a reader who knows its own answers, in that space plus the
   reader's own vector. Equivalently (`nullspace`): the force's row of a null-space basis is zero,
   or parallel to the reader's row. Computed exactly over the integers (python-flint).

2b. **Magnitudes across rounds** (`_magnitudes`). For numbers and shares, the crowd rule over
   atoms of *all* rounds (same shown groups in every round, same rounds taken part in): swapping
   whole histories changes no figure of any round and keeps every answer unchanged between
   rounds, so it is exact even for a reader who assumes nobody changed their answers.

3. **Two rows of different rounds, exactly** (`_difference`, `pinned_difference`). A reader
   who assumes answers did not change can combine the counts of a row of this round with those
   of a row of an earlier one: the difference gives the forces in one and not the other (two
   forces joined and "yes" rose by two: both said yes), and the zeros of both narrow the forces
   they share (no "maybe" left in one, no "no" in the other: the shared forces said yes). Every
   world the two rows allow is enumerated by counts, exactly, for every reader.

The docs say what this does not cover (integer reasoning over three or more rows of different
rounds at once, under the assumption that answers did not change).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from math import gcd

import flint

from backend.publication.basis import Component, GroupKey, QuestionSpec, RoundBasis

Cell = tuple[str, GroupKey, str]  # (question id, group, component)
Row = tuple[int, GroupKey]  # (index of the round in the audit, group)

#: The kinds whose figures are counts: the difference check applies to them.
COUNT_KINDS = frozenset({"categorical", "multi", "ranking", "matrix"})
#: The kinds whose figures are quartiles or means: checked across rounds by `_magnitudes`.
MAGNITUDE_KINDS = frozenset({"numeric", "allocation"})

CROWD = "crowd"
LINEAR = "linear"
DIFFERENCE = "difference"


@dataclass(frozen=True)
class Exposure:
    """Why a cell cannot be shown: forces whose answers a reader could then work out."""

    check: str  # CROWD, LINEAR or DIFFERENCE
    round_key: str
    question_id: str
    component: str
    #: The forces that would be singled out.
    forces: frozenset[int]
    #: The shown groups, per round, involved: (round key, group).
    rows: tuple[tuple[str, GroupKey], ...]


class FamilyAudit:
    """The checks for one family of linked questions across the rounds of a questionnaire.

    `rounds` are the published versions in order, the last being the candidate; the cells shown
    in earlier versions are fixed, cells are added to the candidate with `try_add`.
    """

    def __init__(self, family: Iterable[str], rounds: Sequence[tuple[RoundBasis, Collection[Cell]]]) -> None:
        self.family = frozenset(family)
        self.bases = [basis for basis, _ in rounds]
        self.last = len(self.bases) - 1
        self.shown: list[set[Cell]] = [{c for c in cells if c[0] in self.family} for _, cells in rounds]
        self.rows: list[set[GroupKey]] = [{g for _, g, _ in cells} for cells in self.shown]
        self.atoms: list[dict[frozenset[GroupKey], list[int]]] = [self._atoms(i) for i in range(len(self.bases))]

    def _spec(self, i: int, question_id: str) -> QuestionSpec | None:
        return self.bases[i].questions.get(question_id)

    def _name(self, i: int, groups: Iterable[GroupKey]) -> tuple[tuple[str, GroupKey], ...]:
        return tuple((self.bases[i].key, g) for g in sorted(groups))

    # ---- 1. the crowd rule within a round ---------------------------------------------------

    def _atoms(self, i: int) -> dict[frozenset[GroupKey], list[int]]:
        """Forces of round i by the set of shown groups they are in (forces in none are free)."""
        atoms: dict[frozenset[GroupKey], list[int]] = defaultdict(list)
        basis, rows = self.bases[i], self.rows[i]
        if rows:
            for force in basis.participants:
                key = frozenset(g for g in basis.groups_of(force) if g in rows)
                if key:
                    atoms[key].append(force)
        return atoms

    def _crowd(
        self, i: int, key: frozenset[GroupKey], cells: Iterable[tuple[str, str]] | None = None
    ) -> Exposure | None:
        forces = self.atoms[i][key]
        wanted = cells if cells is not None else {(q, c) for q, g, c in self.shown[i] if g in key}
        for q, c in wanted:
            if not any((q, g, c) in self.shown[i] for g in key):
                continue
            spec = self._spec(i, q)
            if spec is None:
                continue
            if too_alike(self.bases[i], spec, c, forces):
                return Exposure(CROWD, self.bases[i].key, q, c, frozenset(forces), self._name(i, key))
        return None

    def _crowd_round(self, i: int) -> Exposure | None:
        for key in self.atoms[i]:
            exposure = self._crowd(i, key)
            if exposure is not None:
                return exposure
        return None

    # ---- 1b. magnitudes across rounds: the crowd rule over whole histories -----------------

    def _combined_atoms(self) -> dict[tuple[tuple[int, bool, frozenset[GroupKey]], ...], list[int]]:
        """Forces by the shown groups they are in, round by round, and the rounds they took part
        in: swapping two such forces' answers in *every* round changes no figure of any round."""
        rounds = [i for i in range(len(self.bases)) if self.rows[i]]
        atoms: dict[tuple[tuple[int, bool, frozenset[GroupKey]], ...], list[int]] = defaultdict(list)
        for force in set().union(*(self.bases[i].participants for i in rounds)):
            key = []
            for i in rounds:
                basis = self.bases[i]
                took_part = force in basis.participants
                groups = frozenset(g for g in basis.groups_of(force) if g in self.rows[i]) if took_part else frozenset()
                key.append((i, took_part, groups))
            atoms[tuple(key)].append(force)
        return atoms

    def _magnitudes(self) -> Exposure | None:
        """Quartiles and means are not sums one can subtract row by row, but a reader assuming
        answers did not change can still combine rounds (two overlapping rows of two rounds may
        pin a number). Swapping whole histories within an atom of every round's shown groups
        changes no figure of any round and keeps answers unchanged, so the crowd rule over those
        atoms is exact for magnitudes under that assumption."""
        if sum(1 for rows in self.rows if rows) < 2:
            return None  # one round: the crowd rule within it is the same
        for key, forces in self._combined_atoms().items():
            for i, took_part, groups in key:
                if not took_part:
                    continue
                for q, g, c in self.shown[i]:
                    spec = self._spec(i, q)
                    magnitude = g in groups and spec is not None and spec.kind in MAGNITUDE_KINDS
                    if magnitude and too_alike(self.bases[i], spec, c, forces):  # type: ignore[arg-type]
                        rows = tuple((self.bases[j].key, h) for j, part, gs in key if part for h in sorted(gs))
                        return Exposure(CROWD, self.bases[i].key, q, c, frozenset(forces), rows)
        return None

    # ---- 2. linear differencing across rounds -----------------------------------------------

    def _linear(self, question_id: str) -> Exposure | None:
        rows: list[Row] = [(i, g) for i in range(len(self.bases)) for g in sorted(self.rows[i])]
        if len({i for i, _ in rows}) < 2:
            return None  # one round: the crowd rule is stronger than any linear argument
        members = [self.bases[i].members(g) for i, g in rows]
        columns: dict[tuple[int, ...], list[int]] = defaultdict(list)
        for force in set().union(*members):
            columns[tuple(1 if force in m else 0 for m in members)].append(force)
        atoms = list(columns)
        # Twins are never isolated from a third reader; see nullspace_exposures.
        null = nullspace([[column[r] for column in atoms] for r in range(len(rows))])
        for index in nullspace_exposures(null, [len(columns[a]) for a in atoms]):
            forces = frozenset(columns[atoms[index]])
            involved = [rows[r] for r, bit in enumerate(atoms[index]) if bit]
            rows_named = tuple((self.bases[i].key, g) for i, g in involved)
            return Exposure(LINEAR, self.bases[self.last].key, question_id, "", forces, rows_named)
        return None

    # ---- 3. differencing two rows of different rounds ---------------------------------------

    def _difference(self, group: GroupKey, question_id: str, component: str) -> Exposure | None:
        last = self.last
        spec = self._spec(last, question_id)
        if spec is None or spec.kind not in COUNT_KINDS:
            return None
        basis = self.bases[last]
        a = basis.members(group)
        for i in range(last):
            other = self.bases[i]
            other_spec = self._spec(i, question_id)
            if other_spec is None or other_spec.kind != spec.kind:
                continue
            for g in self.rows[i]:
                if (question_id, g, component) not in self.shown[i]:
                    continue
                b = other.members(g)
                if a == b:
                    continue

                def now(f: int) -> Component:
                    return basis.component(f, spec, component)

                def before(f: int, other: RoundBasis = other, other_spec: QuestionSpec = other_spec) -> Component:
                    return other.component(f, other_spec, component)

                if pinned_difference(a, b, now, before):
                    rows = ((basis.key, group), (other.key, g))
                    return Exposure(DIFFERENCE, basis.key, question_id, component, frozenset(a ^ b), rows)
        return None

    # ---- adding cells -----------------------------------------------------------------------

    def exposures(self) -> list[Exposure]:
        """What the shown cells already expose (earlier publications were audited: expect none)."""
        found = [e for i in range(len(self.bases)) if (e := self._crowd_round(i)) is not None]
        across = [self._linear(min(self.family)), self._magnitudes()]
        return [*found, *(e for e in across if e is not None)]

    def try_add(self, cell: Cell) -> Exposure | None:
        """Show `cell` in the candidate round if every check still holds; else say why not."""
        q, group, _ = cell
        if q not in self.family:
            raise ValueError(f"{q} is not in this family")
        last = self.last
        self.shown[last].add(cell)
        new_row = group not in self.rows[last]
        exposure = self._check_new_row(cell) if new_row else self._check_cell(cell)
        if exposure is not None:
            self.shown[last].discard(cell)
            if new_row:
                self.rows[last].discard(group)
                self.atoms[last] = self._atoms(last)
        return exposure

    def _check_cell(self, cell: Cell) -> Exposure | None:
        """A cell in a group already shown: the atoms stay; those inside the group gain a cell."""
        q, group, component = cell
        last = self.last
        for key in [key for key in self.atoms[last] if group in key]:
            exposure = self._crowd(last, key, [(q, component)])
            if exposure is not None:
                return exposure
        spec = self._spec(last, q)
        if spec is not None and spec.kind in MAGNITUDE_KINDS:
            exposure = self._magnitudes()
            if exposure is not None:
                return exposure
        return self._difference(group, q, component)

    def _check_new_row(self, cell: Cell) -> Exposure | None:
        q, group, component = cell
        last = self.last
        before = {key: frozenset(forces) for key, forces in self.atoms[last].items()}
        self.rows[last].add(group)
        self.atoms[last] = self._atoms(last)
        for key, forces in self.atoms[last].items():
            if before.get(key) != frozenset(forces):
                exposure = self._crowd(last, key)  # split, or lost members to a split: check in full
            elif group in key:
                exposure = self._crowd(last, key, [(q, component)])
            else:
                continue
            if exposure is not None:
                return exposure
        return self._linear(q) or self._magnitudes() or self._difference(group, q, component)


def too_alike(basis: RoundBasis, spec: QuestionSpec, component: str, forces: Collection[int]) -> bool:
    """The crowd rule's test for one atom: fewer than two forces differ from the most common value.

    For a follow-up, whether a force answered at all is checked too: the follow-up's n counts the
    forces that gave its parent's answer, whatever the parent's own cells show.
    """
    limit = len(forces) - 2
    if Counter(basis.component(f, spec, component) for f in forces).most_common(1)[0][1] > limit:
        return True
    if spec.depends_on:
        return Counter(basis.answered(f, spec) for f in forces).most_common(1)[0][1] > limit
    return False


def nullspace(rows: list[list[int]]) -> list[list[int]]:
    """A basis of the null space of an integer matrix, one list per column of the matrix
    (exact: python-flint's integer linear algebra)."""
    if not rows or not rows[0]:
        return [[] for _ in (rows[0] if rows else [])]
    basis, nullity = flint.fmpz_mat(rows).nullspace()
    width = len(rows[0])
    return [[int(basis[c, j]) for j in range(nullity)] for c in range(width)]


def _direction(vector: Sequence[int]) -> tuple[int, ...] | None:
    """The vector scaled so that its first non-zero entry is positive and entries are coprime."""
    nonzero = [v for v in vector if v]
    if not nonzero:
        return None
    divisor = 0
    for v in nonzero:
        divisor = gcd(divisor, v)
    sign = 1 if nonzero[0] > 0 else -1
    return tuple(sign * v // divisor for v in vector)


def nullspace_exposures(null: Sequence[Sequence[int]], multiplicity: Sequence[int]) -> list[int]:
    """Columns (atoms of identical forces) whose force a reader could isolate linearly.

    `null[c]` is column c's row of a null-space basis. A single force (multiplicity 1) is
    determined for an outsider when its row is zero, and for a reader whose own column is another
    single force when the two rows are parallel. Two identical forces are determined only for each
    other, when their row is zero. Three or more are never determined for one reader.
    """
    exposed: list[int] = []
    seen: dict[tuple[int, ...], int] = {}
    for column, (row, count) in enumerate(zip(null, multiplicity, strict=True)):
        if count >= 3:
            continue
        direction = _direction(row)
        if direction is None:
            exposed.append(column)
            continue
        if count == 1:
            if direction in seen:
                exposed.extend([seen[direction], column])
            else:
                seen[direction] = column
    return exposed


def pinned_difference(
    a: Collection[int],
    b: Collection[int],
    now: Callable[[int], Component],
    before: Callable[[int], Component],
) -> bool:
    """Whether two count rows (members `a` this round, `b` in an earlier one) let some reader who
    assumes answers did not change fix the answer of some force in either row. Exact.

    For a reader r (an outsider, or a force of either row knowing its own answers), take away
    r's own answers: ca (counts now over a) and cb (counts before over b). The forces in both
    rows (B) answered the same in both by assumption; with z their counts, x = ca − z and
    y = cb − z are the counts over a − b and b − a, so the worlds the reader cannot rule out
    are exactly the z with 0 ≤ z ≤ m = min(ca, cb) and Σz = |B|. Forces of one set are
    interchangeable, so a value is possible for a force of B when m has it, and for a force of
    a − b (b − a) when a world leaves one in x (y): when m with that value's bound lowered to
    ca − 1 (cb − 1) still sums to |B|. A force whose set has one possible value is pinned.
    This covers the difference of the rows (forces joined or left, all with one answer) and
    their intersection (zeros in both rows leaving one answer to the forces they share).
    """
    a_set, b_set = set(a), set(b)
    both = a_set & b_set
    plus, minus = a_set - b_set, b_set - a_set
    ca = Counter(now(f) for f in a_set)
    cb = Counter(before(f) for f in b_set)
    values = set(ca) | set(cb)
    readers: list[int | None] = [None, *sorted(a_set | b_set)]
    for reader in readers:
        ra, rb = Counter(ca), Counter(cb)
        if reader in a_set:
            ra[now(reader)] -= 1
        if reader in b_set:
            rb[before(reader)] -= 1
        n_both = len(both - {reader})
        n_plus, n_minus = len(plus - {reader}), len(minus - {reader})
        m = {v: max(0, min(ra[v], rb[v])) for v in values}
        if sum(m.values()) < n_both:
            continue  # no world agrees with "nobody changed": the reader learns that, no more

        def possible(
            limit: Counter[Component], value: Component, m: dict[Component, int] = m, n_both: int = n_both
        ) -> bool:
            if limit[value] < 1:
                return False
            lowered = {**m, value: min(m[value], limit[value] - 1)}
            return sum(lowered.values()) >= n_both

        if n_both and sum(1 for v in values if m[v] >= 1) == 1:
            return True
        if n_plus and sum(1 for v in values if possible(ra, v)) == 1:
            return True
        if n_minus and sum(1 for v in values if possible(rb, v)) == 1:
            return True
    return False
