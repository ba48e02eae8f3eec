"""What a partner's dashboard says first: where the viewer's force stands out in its peer group.

Pure, and built only from what the round's panels already show (docs/disclosure-control.md,
"The summary"): the disclosed figures of the chosen group (the same `DisclosedGroup` the chart is
drawn from) and the viewer's own answers. Every number in an item is one the page shows already,
written the same way (the chart's title gives n, its table the counts, shares and quartiles, and
the viewer's own figure): a summary reveals nothing the charts do not. A withheld group or figure
gives no item, and no item says anything about why a figure is missing.

Rules (one item per finding, in the questionnaire's order; a free-text question's coded themes
give none: they are staff's reading of an answer, not an answer the force chose):
- minority: a single or multiple choice, or a matrix row, where the option the viewer's force
  chose was chosen by fewer than MINORITY of the group's shown count (n);
- outside the middle half: a number below the group's published 25th percentile or above its 75th;
- allocations: an item whose share at the viewer's force is SHARE_POINTS or more percentage points
  above or below the group's published mean share of it (only means are published for allocations:
  there are no quartiles of shares to place the force's share against);
- rankings: an item the viewer's force ranked in one of its first TOP_RANKS places where fewer than
  MINORITY of the group's forces ranked it there or higher (the sum of the item's published counts
  of those places; only the first place's count is printed, since the sum is not on the page);
- what changed since the previous published round of the questionnaire (`changes`), for questions
  comparable between the two: the viewer's own answer changed, the group's published median
  moved, or the share of the group giving the viewer's answer moved by CHANGE_POINTS or more.
  These items name no number at all (the earlier round's figures are on its own page and in the
  trends, both audited with this one), only the direction.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from backend.i18n import N_, Language, Shown
from backend.publication.charts import PeerChart, number, ordinal, share
from backend.publication.dashboard import SectionPanels
from backend.publication.disclosure import DisclosedGroup, DisclosedRound
from backend.surveys import Answers

#: A share of forces "moved" when it changed by at least this many percentage points.
CHANGE_POINTS = 10

#: An answer is in a minority when fewer than this share of the group's forces gave it.
MINORITY = Fraction(1, 4)

#: An allocation item stands out when the force's share is this many percentage points or more
#: from the group's published mean share.
SHARE_POINTS = 10

#: Rankings: only the force's first places are looked at (an item it ranked last says little).
TOP_RANKS = 3

MINORITY_TEXT = N_("Your force answered “%(answer)s”, as did %(count)s of the %(n)s forces in this group.")
MATRIX_TEXT = N_("“%(row)s”: your force answered “%(answer)s”, as did %(count)s of the %(n)s forces in this group.")
BELOW_TEXT = N_("Your force's figure, %(own)s, is below the group's middle half (25th percentile: %(p25)s).")
OWN_CHANGED_TEXT = N_("Your force's answer is not the one it gave in the previous round.")
MEDIAN_UP_TEXT = N_("The group's median is higher than in the previous round.")
MEDIAN_DOWN_TEXT = N_("The group's median is lower than in the previous round.")
MORE_TEXT = N_("More of the group's forces answered “%(answer)s” than in the previous round.")
FEWER_TEXT = N_("Fewer of the group's forces answered “%(answer)s” than in the previous round.")
ABOVE_TEXT = N_("Your force's figure, %(own)s, is above the group's middle half (75th percentile: %(p75)s).")
SHARE_ABOVE_TEXT = N_("“%(item)s”: your force's share, %(own)s, is well above the group's average share (%(mean)s).")
SHARE_BELOW_TEXT = N_("“%(item)s”: your force's share, %(own)s, is well below the group's average share (%(mean)s).")
RANKED_FIRST_TEXT = N_("Your force ranked “%(item)s” first, as did %(count)s of the %(n)s forces in this group.")
RANKED_HIGH_TEXT = N_(
    "Your force ranked “%(item)s” %(position)s; fewer than a quarter of the %(n)s forces in this group "
    "ranked it %(position)s or higher."
)


@dataclass(frozen=True)
class SummaryItem:
    """One finding: the question it is about (`anchor` is its chart's id) and what it says."""

    question_id: str
    label: Shown
    kind: str  # "minority", "outside" or "changed"
    text: str

    @property
    def anchor(self) -> str:
        return f"result-{self.question_id}"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _minority(count: Any, n: int) -> bool:
    return _is_number(count) and Fraction(count) < MINORITY * n


def summarise(
    sections: Sequence[SectionPanels],
    disclosed: DisclosedRound,
    group: tuple[str, str],
    own: Answers,
    language: Language,
) -> list[SummaryItem]:
    """The findings for the viewer's force in `group`, from the panels of the page (in order)."""
    if not own:
        return []
    _ = language.gettext
    items: list[SummaryItem] = []
    for section in sections:
        for panel in section.panels:
            peer = panel.peer
            mine = own.get(panel.question_id)
            dq = disclosed.questions.get(panel.question_id)
            # a free-text question's coded themes: staff's reading of the answer, not an answer the
            # force gave, so the summary says nothing of it (its chart marks the force's themes)
            if peer is None or mine is None or dq is None or panel.coded:
                continue
            g = dq.group(group)
            if g is None or g.withheld or not g.n:
                continue
            n, f = g.n, g.figures

            def add(kind: str, text: str, qid: str = panel.question_id, label: Shown = panel.label) -> None:
                items.append(SummaryItem(qid, label, kind, text))

            if peer.style in {"bars", "stacked"}:
                counts = f.get("counts", {})
                chosen = mine if isinstance(mine, list) else [mine]
                for i, code in enumerate(peer.codes):
                    if code in chosen and _minority(counts.get(code), n):
                        answer = peer.chart.rows[i][0]
                        count = language.number(counts[code])
                        add("minority", _(MINORITY_TEXT, answer=answer, count=count, n=language.number(n)))
            elif peer.style == "matrix" and isinstance(mine, dict):
                counts = f.get("counts", {})
                for i, row in enumerate(peer.codes):
                    picked = mine.get(row)
                    cells = counts.get(row)
                    if picked is None or not isinstance(cells, dict) or not _minority(cells.get(picked, 0), n):
                        continue
                    scale_label = peer.scale.get(picked)
                    if scale_label is None:
                        continue
                    text = _(
                        MATRIX_TEXT,
                        row=peer.labels[i],
                        answer=scale_label,
                        count=language.number(cells.get(picked, 0)),
                        n=language.number(n),
                    )
                    add("minority", text)
            elif peer.style == "numeric" and _is_number(mine):
                p25, p75 = f.get("p25"), f.get("p75")
                if isinstance(p25, int | float) and mine < p25:
                    add("outside", _(BELOW_TEXT, own=number(language, mine), p25=number(language, p25)))
                elif isinstance(p75, int | float) and mine > p75:
                    add("outside", _(ABOVE_TEXT, own=number(language, mine), p75=number(language, p75)))
            elif peer.style == "allocation" and isinstance(mine, dict):
                for text in _allocation_items(peer, f.get("means", {}), mine, language):
                    add("outside", text)
            elif peer.style == "ranking" and isinstance(mine, list):
                for text in _ranking_items(peer, f.get("counts", {}), mine, n, language):
                    add("minority", text)
    return items


def _allocation_items(peer: PeerChart, means: Any, mine: dict[str, Any], language: Language) -> list[str]:
    """Items whose share at the viewer's force is far from the group's published mean share; a
    withheld item (mean None) gives nothing. Both numbers are written as the chart's table does."""
    out: list[str] = []
    if not isinstance(means, dict):
        return out
    for code, label in zip(peer.codes, peer.labels, strict=True):
        mean, own = means.get(code), mine.get(code)
        if not (isinstance(mean, int | float) and isinstance(own, int | float)) or isinstance(own, bool):
            continue
        if abs(own - mean) >= SHARE_POINTS:
            text = SHARE_ABOVE_TEXT if own > mean else SHARE_BELOW_TEXT
            out.append(language.gettext(text, item=label, own=share(language, own), mean=share(language, mean)))
    return out


def _ranking_items(peer: PeerChart, counts: Any, mine: list[Any], n: int, language: Language) -> list[str]:
    """Items the viewer's force ranked in its first TOP_RANKS places where only a minority of the
    group ranked them that high (from the item's published counts; a withheld item gives nothing)."""
    out: list[str] = []
    if not isinstance(counts, dict):
        return out
    labels = dict(zip(peer.codes, peer.labels, strict=True))
    for index, code in enumerate(mine[:TOP_RANKS]):
        cells, label = counts.get(code), labels.get(code)
        if not isinstance(cells, dict) or label is None:
            continue
        position = index + 1
        places = [cells.get(str(p), 0) for p in range(1, position + 1)]
        if not all(_is_number(c) for c in places) or not _minority(sum(places), n):
            continue
        if position == 1:
            count, total = language.number(places[0]), language.number(n)
            out.append(language.gettext(RANKED_FIRST_TEXT, item=label, count=count, n=total))
        else:
            place = ordinal(language, position)
            out.append(language.gettext(RANKED_HIGH_TEXT, item=label, position=place, n=language.number(n)))
    return out


def _shown_group(disclosed: DisclosedRound, qid: str, group: tuple[str, str]) -> DisclosedGroup | None:
    dq = disclosed.questions.get(qid)
    g = None if dq is None else dq.group(group)
    return None if g is None or g.withheld or not g.n else g


def changes(
    sections: Sequence[SectionPanels],
    disclosed: DisclosedRound,
    group: tuple[str, str],
    own: Answers,
    language: Language,
    previous: DisclosedRound,
    previous_own: Answers,
    comparable: Collection[str],
) -> list[SummaryItem]:
    """What changed since the previous published round (`previous`, with the viewer's force's
    answers in it): only for questions in `comparable`, and only where the group is shown in
    both rounds. Directions only: no number of either round."""
    _ = language.gettext
    items: list[SummaryItem] = []
    for section in sections:
        for panel in section.panels:
            qid, peer = panel.question_id, panel.peer
            if peer is None or qid not in comparable or panel.coded:
                continue
            now, before = _shown_group(disclosed, qid, group), _shown_group(previous, qid, group)
            if now is None or before is None:
                continue

            def add(text: str, qid: str = qid, label: Shown = panel.label) -> None:
                items.append(SummaryItem(qid, label, "changed", text))

            mine, mine_before = own.get(qid), previous_own.get(qid)
            if mine is not None and mine_before is not None and mine != mine_before:
                add(_(OWN_CHANGED_TEXT))
            if peer.style == "numeric":
                m1, m0 = now.figures.get("median"), before.figures.get("median")
                if isinstance(m1, int | float) and isinstance(m0, int | float) and m1 != m0:
                    add(_(MEDIAN_UP_TEXT if m1 > m0 else MEDIAN_DOWN_TEXT))
            elif peer.style in {"bars", "stacked"} and mine is not None:
                chosen = mine if isinstance(mine, list) else [mine]
                c1, c0 = now.figures.get("counts", {}), before.figures.get("counts", {})
                for i, code in enumerate(peer.codes):
                    if code not in chosen or not (_is_number(c1.get(code)) and _is_number(c0.get(code))):
                        continue
                    moved = 100 * Fraction(c1[code], now.n or 1) - 100 * Fraction(c0[code], before.n or 1)
                    if abs(moved) >= CHANGE_POINTS:
                        add(_(MORE_TEXT if moved > 0 else FEWER_TEXT, answer=peer.chart.rows[i][0]))
    return items
