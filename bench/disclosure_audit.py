"""Disclosure control at scale: the audit over 200 forces, 50 questions, 4 breakdowns and 5
rounds, each round published in turn and audited together with every earlier one.

    .venv/bin/python bench/disclosure_audit.py [--forces 200] [--questions 50] [--rounds 5] [--seed 1]

Pure Python, no database: it times `disclose` (primary rules, the audit and secondary
suppression) and counts shown and withheld cells. As everywhere in bench/, time is also given
as a ratio to a baseline measured in the same run: building the same figures with no
disclosure control at all (`group_figures` for every question and group).
The figures go into docs/performance.md.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend.publication.basis import QuestionSpec, RoundBasis, configured_groups  # noqa: E402
from backend.publication.disclosure import AUDIT, disclose  # noqa: E402
from backend.publication.figures import group_figures  # noqa: E402

BREAKDOWNS = {
    "region": ["europe", "north_america", "latin_america", "africa", "asia_pacific", "middle_east"],
    "force_type": ["national", "regional", "city", "specialist_agency", "customs", "other_type"],
    "size_band": ["under_1000", "1000_4999", "5000_19999", "20000_plus"],
    "legal_system": ["common_law", "civil_law", "mixed"],
}
HEADER = (
    "| round | forces | cells | shown | withheld: threshold | dominance | follows "
    "| crowd | linear | diff. | s | ratio |"
)
KIND_MIX = ["categorical"] * 20 + ["multi"] * 8 + ["numeric"] * 8 + ["allocation"] * 4 + ["ranking"] * 4
KIND_MIX += ["matrix"] * 6


def make_specs(count: int, rng: random.Random) -> list[QuestionSpec]:
    specs: list[QuestionSpec] = []
    for i in range(count):
        kind = KIND_MIX[i % len(KIND_MIX)]
        qid = f"q{i:02d}"
        parents: tuple[str, ...] = ()
        if kind == "categorical" and i % 4 == 3:
            parents = (f"q{i - 1:02d}",)  # a follow-up of the previous question
        if kind == "categorical":
            specs.append(QuestionSpec(qid, kind, codes=("yes", "no", "partly", "dont_know"), depends_on=parents))
        elif kind == "multi":
            options = tuple(f"o{j}" for j in range(6))
            specs.append(QuestionSpec(qid, kind, components=options, codes=options))
        elif kind == "numeric":
            specs.append(QuestionSpec(qid, kind))
        elif kind == "allocation":
            specs.append(QuestionSpec(qid, kind, components=tuple(f"i{j}" for j in range(5))))
        elif kind == "ranking":
            specs.append(QuestionSpec(qid, kind, components=tuple(f"i{j}" for j in range(5)), codes=("1", "2", "3")))
        else:
            specs.append(
                QuestionSpec(qid, kind, components=tuple(f"r{j}" for j in range(4)), codes=("1", "2", "3", "4", "5"))
            )
    return specs


def answer(spec: QuestionSpec, rng: random.Random, lean: float) -> object:
    if spec.kind == "categorical":
        return rng.choices(spec.codes, weights=[1 + lean, 1, 0.5, 0.2])[0]
    if spec.kind == "multi":
        return [o for o in spec.components if rng.random() < 0.2 + 0.5 * lean]
    if spec.kind == "numeric":
        return round(rng.lognormvariate(6, 1))
    if spec.kind == "allocation":
        cuts = sorted(rng.randint(0, 100) for _ in range(len(spec.components) - 1))
        shares = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
        return dict(zip(spec.components, shares, strict=True))
    if spec.kind == "ranking":
        return rng.sample(spec.components, 3)
    return {r: rng.choice(spec.codes) for r in spec.components}


def make_rounds(forces: int, questions: int, rounds: int, seed: int) -> list[RoundBasis]:
    rng = random.Random(seed)
    specs = make_specs(questions, rng)
    groups = {f: {dim: rng.choice(values) for dim, values in BREAKDOWNS.items()} for f in range(1, forces + 1)}
    lean = {f: rng.random() for f in groups}
    stable = {f: {s.id: answer(s, rng, lean[f]) for s in specs} for f in groups}
    out = []
    for r in range(rounds):
        taking_part = [f for f in groups if rng.random() < 0.85]
        answers = {}
        for f in taking_part:
            row = {}
            for s in specs:
                if s.depends_on and row.get(s.depends_on[0]) != "yes":
                    continue  # a follow-up asked only of forces that said yes
                # most answers stay as they were; some change from round to round
                row[s.id] = stable[f][s.id] if rng.random() < 0.8 else answer(s, rng, lean[f])
            answers[f] = row
        out.append(
            RoundBasis(
                key=f"round {r + 1}",
                label=f"Round {r + 1}",
                participants={f: groups[f] for f in taking_part},
                answers=answers,
                questions={s.id: s for s in specs},
            )
        )
    return out


def baseline(basis: RoundBasis) -> None:
    for spec in basis.questions.values():
        for group in configured_groups(BREAKDOWNS):
            forces = [f for f in basis.members(group) if basis.answered(f, spec)]
            if forces:
                group_figures(basis, spec, forces, spec.components)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forces", type=int, default=200)
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    bases = make_rounds(args.forces, args.questions, args.rounds, args.seed)
    earlier: list[tuple[RoundBasis, set]] = []
    print(HEADER)
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for number, basis in enumerate(bases, start=1):
        started = time.perf_counter()
        baseline(basis)
        base_seconds = time.perf_counter() - started
        started = time.perf_counter()
        result = disclose(basis, earlier, round_id=number, version=1, min_group_size=args.k, breakdowns=BREAKDOWNS)
        seconds = time.perf_counter() - started
        shown = result.round.shown_cells()
        withheld = [w for w in result.withheld if w.question_id is not None]
        reasons = Counter(w.exposure.check if w.reason == AUDIT and w.exposure else w.reason for w in withheld)
        total = len(shown) + len(withheld)
        print(
            f"| {number} | {len(basis.participants)} | {total} | {len(shown)} ({100 * len(shown) / total:.0f}%) "
            f"| {reasons['threshold']} | {reasons['dominance']} | {reasons['parent']} | {reasons['crowd']} "
            f"| {reasons['linear']} | {reasons['difference']} "
            f"| {seconds:.2f} | {seconds / base_seconds:.1f} |"
        )
        assert not result.earlier, "an earlier publication is exposed"
        earlier.append((basis, shown))


if __name__ == "__main__":
    main()
