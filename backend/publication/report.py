"""The suppression report: every withheld cell of a publication and why, in words (staff only,
in the spirit of ACRO's output checking). Pure: labels and names are passed in, and the words
are in the `Language` given (English unless given: the JSON API). Staff-only words, so their
messages live in `staff.po` (`i18n.tools.AREA_PATHS`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from backend.i18n import SOURCE_LANGUAGE, Language, language_for
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
    language: Language | None = None,
) -> list[ReportLine]:
    """Each withheld cell in words, question by question in questionnaire order. Groups withheld
    for having fewer than k forces are listed together, one line per question and item (most
    groups of a small partnership are below k: one line each would bury the reasons that need
    reading)."""
    words = language or language_for(SOURCE_LANGUAGE)
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
        question = question_label(e["question"]) if e["question"] else words.gettext("Number of responding forces")
        item = item_label(e["question"], e["component"]) if e["question"] and e["component"] else ""
        if e["reason"] == THRESHOLD:
            key = (e["question"], e["component"])
            if key not in small:
                small[key], labels[key] = [], (question, item)
                slots.append(key)
            name = group_label(group)  # type: ignore[arg-type]
            small[key].append(words.gettext("%(group)s (%(n)s)", group=name, n=words.number(e["n"])))
            continue
        code = e["exposure"]["check"] if e["reason"] == AUDIT else e["reason"]
        reason = _reason(e, group_label, round_label, force_name, words)
        slots.append(ReportLine(question, group_label(group), item, reason, code))  # type: ignore[arg-type]
    threshold = words.ngettext(
        "Fewer than %(num)d force answered (how many did is in brackets).",
        "Fewer than %(num)d forces answered (how many did is in brackets).",
        k,
    )
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
    words: Language,
) -> str:
    code = e["reason"]
    if code == DOMINANCE:
        return words.gettext(
            "Dominance: the two largest answers leave less than %(p)s of the largest (p%% rule).",
            p=words.percent(DOMINANCE_P / 100),
        )
    if code == PARENT:
        return words.gettext("The question it follows is withheld in this group.")
    if code != AUDIT:
        return str(code)
    x = e["exposure"]
    names = ", ".join(force_name(f) for f in x["forces"][:8]) + ("…" if len(x["forces"]) > 8 else "")
    rows = "; ".join(
        words.gettext("%(group)s (%(round)s)", group=group_label(tuple(g)), round=round_label(r))  # type: ignore[arg-type]
        for r, g in x["rows"]
    )
    if x["check"] == CROWD:
        return words.ngettext(
            "Could be worked out from %(rows)s: it would single out %(num)d force (%(names)s) with too few "
            "others answering differently to hide each answer.",
            "Could be worked out from %(rows)s: it would single out %(num)d forces (%(names)s) with too few "
            "others answering differently to hide each answer.",
            len(x["forces"]),
            rows=rows,
            names=names,
        )
    if x["check"] == LINEAR:
        return words.gettext(
            "Could be worked out from %(rows)s by subtraction across rounds: it would isolate %(names)s.",
            rows=rows,
            names=names,
        )
    if x["check"] == DIFFERENCE:
        return words.gettext(
            "Could be worked out by comparing %(rows)s: the forces in one and not the other (%(names)s) "
            "would all have to have given the same answer.",
            rows=rows,
            names=names,
        )
    return words.gettext("Withheld by the audit.")


def version_name(language: Language, round_title: str, round_id: int, version: int) -> str:
    """A published version of a round, as the report names it ("Round 2027, version 2")."""
    title = round_title or language.gettext("round %(id)d", id=round_id)
    return language.gettext("%(round)s, version %(version)d", round=title, version=version)


def unknown_force(language: Language, force_id: int) -> str:
    """A force the report cannot name (no longer stored)."""
    return language.gettext("force %(id)d", id=force_id)
