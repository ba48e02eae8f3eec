"""The suppression report: every withheld cell of a publication and why, in words (staff only,
in the spirit of ACRO's output checking). Pure: labels and names are passed in."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from backend.publication.audit import CROWD, DIFFERENCE, LINEAR
from backend.publication.disclosure import AUDIT, DOMINANCE, DOMINANCE_P, PARENT, THRESHOLD, Disclosure


def report_to_json(disclosure: Disclosure) -> list[dict[str, Any]]:
    """The withheld cells, stored beside the publication (staff-only table)."""
    out = []
    for w in disclosure.withheld:
        entry: dict[str, Any] = {
            "question": w.question_id,
            "group": list(w.group),
            "component": w.component,
            "reason": w.reason,
            "n": w.n,
        }
        if w.exposure is not None:
            e = w.exposure
            entry["exposure"] = {
                "check": e.check,
                "round": e.round_key,
                "forces": sorted(e.forces),
                "rows": [[key, list(group)] for key, group in e.rows],
            }
        out.append(entry)
    return out


@dataclass(frozen=True)
class ReportLine:
    question: str
    group: str
    item: str
    reason: str
    #: machine-readable reason: threshold, dominance, parent, crowd, linear, difference
    code: str


def describe(
    entries: Sequence[Mapping[str, Any]],
    *,
    k: int,
    question_label: Callable[[str], str],
    item_label: Callable[[str, str], str],
    group_label: Callable[[tuple[str, str]], str],
    round_label: Callable[[str], str],
    force_name: Callable[[int], str],
    question_order: Sequence[str] = (),
) -> list[ReportLine]:
    """Each withheld cell in words, question by question in questionnaire order. Groups withheld
    for having fewer than k forces are listed together, one line per question and item (most
    groups of a small partnership are below k: one line each would bury the reasons that need
    reading)."""
    position = {q: i for i, q in enumerate(question_order)}
    ordered = sorted(
        enumerate(entries),
        key=lambda pair: (pair[1]["question"] is not None, position.get(pair[1]["question"], len(position)), pair[0]),
    )
    slots: list[ReportLine | tuple[str | None, str]] = []
    small: dict[tuple[str | None, str], list[str]] = {}
    labels: dict[tuple[str | None, str], tuple[str, str]] = {}
    for _, e in ordered:
        group = tuple(e["group"])
        question = question_label(e["question"]) if e["question"] else "Number of responding forces"
        item = item_label(e["question"], e["component"]) if e["question"] and e["component"] else ""
        if e["reason"] == THRESHOLD:
            key = (e["question"], e["component"])
            if key not in small:
                small[key], labels[key] = [], (question, item)
                slots.append(key)
            small[key].append(f"{group_label(group)} ({e['n']})")  # type: ignore[arg-type]
            continue
        code = e["exposure"]["check"] if e["reason"] == AUDIT else e["reason"]
        reason = _reason(e, group_label, round_label, force_name)
        slots.append(ReportLine(question, group_label(group), item, reason, code))  # type: ignore[arg-type]
    threshold = f"Fewer than {k} forces answered (how many did is in brackets)."
    return [
        slot
        if isinstance(slot, ReportLine)
        else ReportLine(labels[slot][0], ", ".join(small[slot]), labels[slot][1], threshold, THRESHOLD)
        for slot in slots
    ]


def _reason(
    e: Mapping[str, Any],
    group_label: Callable[[tuple[str, str]], str],
    round_label: Callable[[str], str],
    force_name: Callable[[int], str],
) -> str:
    code = e["reason"]
    if code == DOMINANCE:
        return f"Dominance: the two largest answers leave less than {DOMINANCE_P:g}% of the largest (p% rule)."
    if code == PARENT:
        return "The question it follows is withheld in this group."
    if code != AUDIT:
        return str(code)
    x = e["exposure"]
    names = ", ".join(force_name(f) for f in x["forces"][:8]) + ("…" if len(x["forces"]) > 8 else "")
    rows = "; ".join(f"{group_label(tuple(g))} ({round_label(r)})" for r, g in x["rows"])  # type: ignore[arg-type]
    if x["check"] == CROWD:
        return (
            f"Could be worked out from {rows}: it would single out {len(x['forces'])} force(s) "
            f"({names}) with too few others answering differently to hide each answer."
        )
    if x["check"] == LINEAR:
        return f"Could be worked out from {rows} by subtraction across rounds: it would isolate {names}."
    if x["check"] == DIFFERENCE:
        return (
            f"Could be worked out by comparing {rows}: the forces in one and not the other ({names}) "
            "would all have to have given the same answer."
        )
    return "Withheld by the audit."
