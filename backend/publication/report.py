"""The suppression report: every withheld cell of a publication and why, in words (staff only,
in the spirit of ACRO's output checking). Pure: labels and names are passed in."""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
    entries: list[Mapping[str, Any]],
    *,
    k: int,
    question_label: Callable[[str], str],
    item_label: Callable[[str, str], str],
    group_label: Callable[[tuple[str, str]], str],
    round_label: Callable[[str], str],
    force_name: Callable[[int], str],
) -> list[ReportLine]:
    """Each withheld cell in words."""
    lines = []
    for e in entries:
        group = tuple(e["group"])
        question = question_label(e["question"]) if e["question"] else "Number of responding forces"
        item = item_label(e["question"], e["component"]) if e["question"] and e["component"] else ""
        code = e["reason"]
        if code == THRESHOLD:
            text = f"Fewer than {k} forces answered ({e['n']})."
        elif code == DOMINANCE:
            text = f"Dominance: the two largest answers leave less than {DOMINANCE_P:g}% of the largest (p% rule)."
        elif code == PARENT:
            text = "The question it follows is withheld in this group."
        elif code == AUDIT:
            x = e["exposure"]
            code = x["check"]
            names = ", ".join(force_name(f) for f in x["forces"][:8]) + ("…" if len(x["forces"]) > 8 else "")
            rows = "; ".join(f"{group_label(tuple(g))} ({round_label(r)})" for r, g in x["rows"])
            if code == CROWD:
                text = (
                    f"Could be worked out from {rows}: it would single out {len(x['forces'])} force(s) "
                    f"({names}) with too few others answering differently to hide each answer."
                )
            elif code == LINEAR:
                text = f"Could be worked out from {rows} by subtraction across rounds: it would isolate {names}."
            elif code == DIFFERENCE:
                text = (
                    f"Could be worked out by comparing {rows}: the forces in one and not the other ({names}) "
                    "would all have to have given the same answer."
                )
            else:
                text = "Withheld by the audit."
        else:
            text = code
        lines.append(ReportLine(question, group_label(group), item, text, code))  # type: ignore[arg-type]
    return lines
