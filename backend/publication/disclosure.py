"""Disclosure control: from a round's answers (staff-only) to what partners may see.

Pure: no database access, so it can be tested exhaustively and attacked in tests. Its output
types (`DisclosedRound`, `DisclosedQuestion`, `DisclosedGroup`) can only be made here (by
`disclose`, or by `DisclosedRound.from_snapshot` re-reading what `disclose` produced), and every
partner-facing page, chart, API route and export takes only these types.

The rules (docs/disclosure-control.md says why each is needed and why together they suffice):
1. Threshold: a group is shown for a question only if at least k forces in it answered; k is
   the round's minimum group size, never below MIN_GROUP_SIZE_FLOOR (3), so every shown figure
   rests on at least k − 1 forces other than whoever reads it.
2. A follow-up is shown in a group only where each published question it follows is shown.
3. Dominance (the p% rule) for magnitudes: no quartiles of numbers, and no mean share of an
   allocation item, where the two largest contributions leave less than p% of the largest.
4. The audit (`audit.py`): cells are shown one at a time, most informative first (all forces,
   then larger groups), and a cell is kept only if the crowd rule still holds over every round
   of the questionnaire ever published; otherwise it is withheld (secondary suppression).
5. Uniform output: every configured group appears for every published question, shown with its
   n and figures or withheld with one marker and no n, whatever the reason. Free text and
   staff-only questions are never in the output at all; a text question's coded themes, when
   staff publish them, are a multiple choice like any other (`themes.py`), never its text.
Staff get the reasons (`Disclosure.withheld`); partners never do.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from backend.publication.audit import Cell, Exposure, FamilyAudit
from backend.publication.basis import ALL, WHOLE, GroupKey, QuestionSpec, RoundBasis, configured_groups, families
from backend.publication.figures import dominated, group_figures

MIN_GROUP_SIZE_FLOOR = 3
#: The p of the p% dominance rule for magnitudes.
DOMINANCE_P = 10.0
#: The format of snapshots written by this module (1: the format before the audit existed).
SNAPSHOT_FORMAT = 2

#: Only this module holds the key to the disclosed types' constructors.
_MINT = object()

#: Why a cell is withheld (staff only).
THRESHOLD = "threshold"
DOMINANCE = "dominance"
PARENT = "parent"
AUDIT = "audit"


def _check_mint(mint: object) -> None:
    if mint is not _MINT:
        raise TypeError("disclosed aggregates are only made by publication.disclosure")


@dataclass(frozen=True)
class DisclosedGroup:
    """One group's figures for one question, or withheld (n None, no figures)."""

    key: GroupKey
    n: int | None
    figures: Mapping[str, Any]
    _mint: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_mint(self._mint)

    @property
    def withheld(self) -> bool:
        return self.n is None


@dataclass(frozen=True)
class DisclosedQuestion:
    question_id: str
    kind: str
    #: Every configured group, in the same order for every question.
    groups: tuple[DisclosedGroup, ...]
    #: A free-text question's coded themes (`themes.py`): its options, in the codebook's order
    #: and named as staff wrote them when it was published; () for every other question.
    themes: tuple[str, ...] = ()
    _mint: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_mint(self._mint)

    def group(self, key: GroupKey) -> DisclosedGroup | None:
        for g in self.groups:
            if g.key == key:
                return g
        return None

    @property
    def overall(self) -> DisclosedGroup | None:
        return self.group(ALL)


@dataclass(frozen=True)
class DisclosedRound:
    round_id: int
    version: int
    min_group_size: int
    #: Responding forces per group (withheld below the threshold).
    responses: tuple[DisclosedGroup, ...]
    questions: Mapping[str, DisclosedQuestion]
    _mint: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_mint(self._mint)

    def shown_cells(self) -> set[Cell]:
        """The cells this publication shows: what later audits must take as known."""
        cells: set[Cell] = set()
        for q in self.questions.values():
            for g in q.groups:
                if g.withheld:
                    continue
                inner = g.figures.get("counts", g.figures.get("means"))
                if isinstance(inner, dict) and q.kind in {"multi", "allocation", "ranking", "matrix"}:
                    cells.update((q.question_id, g.key, c) for c, v in inner.items() if v is not None)
                else:
                    cells.add((q.question_id, g.key, WHOLE))
        return cells

    def to_snapshot(self) -> dict[str, Any]:
        def group(g: DisclosedGroup) -> dict[str, Any]:
            return {"key": list(g.key), "n": g.n, "figures": dict(g.figures)}

        return {
            "format": SNAPSHOT_FORMAT,
            "round_id": self.round_id,
            "version": self.version,
            "min_group_size": self.min_group_size,
            "responses": [group(g) for g in self.responses],
            # a list: JSONB does not keep the order of an object's keys, and questions are listed
            # in questionnaire order
            "questions": [
                {"id": qid, "kind": q.kind, "groups": [group(g) for g in q.groups]}
                # the themes' names and order live here, frozen: a codebook edited after publication
                # changes nothing published
                | ({"themes": list(q.themes)} if q.themes else {})
                for qid, q in self.questions.items()
            ],
        }

    @classmethod
    def from_snapshot(cls, data: Mapping[str, Any]) -> DisclosedRound:
        """Re-read a stored snapshot (which only `disclose` ever writes). Snapshots of the first
        format carried a reason with each withheld group; it is dropped here."""

        def group(d: Mapping[str, Any]) -> DisclosedGroup:
            withheld = d.get("suppressed") is not None or d["n"] is None
            return DisclosedGroup(
                tuple(d["key"]),  # type: ignore[arg-type]
                None if withheld else d["n"],
                {} if withheld else d["figures"],
                _mint=_MINT,
            )

        questions = data["questions"]
        if isinstance(questions, dict):  # the first format
            questions = [{"id": qid, **q} for qid, q in questions.items()]
        return cls(
            round_id=data["round_id"],
            version=data.get("version", 1),
            min_group_size=data["min_group_size"],
            responses=tuple(group(g) for g in data["responses"]),
            questions={
                q["id"]: DisclosedQuestion(
                    q["id"],
                    q["kind"],
                    tuple(group(g) for g in q["groups"]),
                    tuple(q.get("themes", ())),
                    _mint=_MINT,
                )
                for q in questions
            },
            _mint=_MINT,
        )


@dataclass(frozen=True)
class Withheld:
    """A cell partners will not see, and why (for staff: the suppression report)."""

    question_id: str | None  # None: the number of responding forces
    group: GroupKey
    component: str
    reason: str
    #: forces in the group that answered
    n: int
    #: for AUDIT: the forces that showing the cell would single out
    exposure: Exposure | None = None


@dataclass(frozen=True)
class Disclosure:
    round: DisclosedRound
    withheld: tuple[Withheld, ...]
    #: Exposures already present in earlier publications (should be none: each was audited).
    earlier: tuple[Exposure, ...] = ()


def effective_k(min_group_size: int) -> int:
    return max(int(min_group_size), MIN_GROUP_SIZE_FLOOR)


def _group_order(basis: RoundBasis, groups: Sequence[GroupKey]) -> list[GroupKey]:
    """Most informative first: all forces, then larger groups before smaller ones."""
    position = {g: i for i, g in enumerate(groups)}
    return sorted(groups, key=lambda g: (g != ALL, -len(basis.members(g)), position[g]))


@dataclass
class _Candidate:
    """Working state of one question in one group while cells are decided."""

    forces: list[int]
    components: list[str] = field(default_factory=list)
    withheld: dict[str, Withheld] = field(default_factory=dict)


def _primary(
    basis: RoundBasis, spec: QuestionSpec, group: GroupKey, k: int, dominance_p: float
) -> tuple[_Candidate, list[Withheld]]:
    """The rules that need no audit: threshold and dominance."""
    answering = [f for f in basis.members(group) if basis.answered(f, spec)]
    n = len(answering)
    if n < k:
        return _Candidate(answering), [Withheld(spec.id, group, c, THRESHOLD, n) for c in spec.components]
    candidate = _Candidate(answering)
    out: list[Withheld] = []
    for c in spec.components:
        if spec.kind in {"numeric", "allocation"}:
            values = [float(basis.component(f, spec, c)) for f in answering]  # type: ignore[arg-type]
            if dominated(values, dominance_p):
                out.append(Withheld(spec.id, group, c, DOMINANCE, n))
                continue
        candidate.components.append(c)
    return candidate, out


def disclose(
    candidate: RoundBasis,
    earlier: Sequence[tuple[RoundBasis, Collection[Cell]]],
    *,
    round_id: int,
    version: int,
    min_group_size: int,
    breakdowns: Mapping[str, Sequence[str]],
    dominance_p: float = DOMINANCE_P,
) -> Disclosure:
    """Decide what partners may see of `candidate`, given every earlier publication of the same
    questionnaire (each with the cells it showed) that a reader can combine it with."""
    k = effective_k(min_group_size)
    groups = configured_groups(breakdowns)
    order = _group_order(candidate, groups)
    withheld: list[Withheld] = []
    shown: dict[tuple[str, GroupKey], list[str]] = {}
    earlier_exposures: list[Exposure] = []

    specs = list(candidate.questions.values())
    all_specs = specs + [s for basis, _ in earlier for s in basis.questions.values()]
    for family in families(all_specs):
        in_round = [q for q in family if q in candidate.questions]
        if not in_round:
            continue
        audit = FamilyAudit(family, [*earlier, (candidate, ())])
        earlier_exposures.extend(audit.exposures())
        for group in order:
            for qid in in_round:
                spec = candidate.questions[qid]
                cand, primary = _primary(candidate, spec, group, k, dominance_p)
                withheld.extend(primary)
                parents = [p for p in spec.depends_on if p in candidate.questions]
                if cand.components and any(not shown.get((p, group)) for p in parents):
                    withheld.extend(Withheld(qid, group, c, PARENT, len(cand.forces)) for c in cand.components)
                    continue
                kept = []
                for c in cand.components:
                    exposure = audit.try_add((qid, group, c))
                    if exposure is None:
                        kept.append(c)
                    else:
                        withheld.append(Withheld(qid, group, c, AUDIT, len(cand.forces), exposure))
                shown[(qid, group)] = kept

    questions = {}
    for spec in specs:
        out = []
        for group in groups:
            kept = shown.get((spec.id, group), [])
            if not kept:
                out.append(DisclosedGroup(group, None, {}, _mint=_MINT))
                continue
            forces = [f for f in candidate.members(group) if candidate.answered(f, spec)]
            figures = group_figures(candidate, spec, forces, kept)
            out.append(DisclosedGroup(group, len(forces), figures, _mint=_MINT))
        themes = spec.components if spec.coded else ()
        questions[spec.id] = DisclosedQuestion(spec.id, spec.kind, tuple(out), themes, _mint=_MINT)

    responses = []
    for group in groups:
        n = len(candidate.members(group))
        if n >= k:
            responses.append(DisclosedGroup(group, n, {}, _mint=_MINT))
        else:
            responses.append(DisclosedGroup(group, None, {}, _mint=_MINT))
            withheld.append(Withheld(None, group, WHOLE, THRESHOLD, n))

    disclosed = DisclosedRound(round_id, version, k, tuple(responses), questions, _mint=_MINT)
    return Disclosure(disclosed, tuple(withheld), tuple(earlier_exposures))
