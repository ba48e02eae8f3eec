"""`ranking`: items put in order (the first `top` positions, or all). Stored as the list of item codes, best first."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from backend.i18n import pick
from backend.surveys.answers.fields import Form, one
from backend.surveys.answers.forms import InvalidAnswer
from backend.surveys.format.model import Option, Question, Settings
from backend.surveys.format.reader import Reader
from backend.surveys.format.yaml_positions import Path
from backend.surveys.kinds import options as opts
from backend.surveys.kinds.base import QuestionKind, Setting
from backend.surveys.xlsform import cells
from backend.surveys.xlsform.conventions import XlsColumn, XlsType

if TYPE_CHECKING:
    from backend.surveys.xlsform.cells import ImportState
    from backend.surveys.xlsform.sheets import Row
    from backend.surveys.xlsform.writer import Cells, SheetWriter


@dataclass(frozen=True)
class RankingSettings(Settings):
    items: tuple[Option, ...] = ()
    top: int | None = None


def rank_positions(q: Question[RankingSettings]) -> int:
    """How many positions are ranked: `top`, or every item."""
    return q.settings.top or len(q.settings.items)


class Ranking(QuestionKind[RankingSettings]):
    name = "ranking"
    help = "Items put in order (the first `top` positions, or all). Stored as the list of item codes, best first."
    settings_keys = (
        Setting("items", opts.option_list("option", 2), "The items to put in order."),
        Setting("top", {"type": "integer", "minimum": 1}, "Rank only the first `top` positions (default: every item)."),
    )
    required_keys = ("items",)
    aggregate = "ranking"
    xlsform_types = (XlsType("rank"),)
    xlsform_columns = (XlsColumn("top", "number"),)

    def read_settings(self, r: Reader, raw: dict[str, Any], path: Path) -> RankingSettings:
        items = r.options(raw, "items", path, what="items", minimum=2)
        top = r.positive_int(raw, "top", path)
        if top is not None and items and top > len(items):
            r.problem((*path, "top"), f"top {top} is larger than the {len(items)} items to rank")
        return RankingSettings(items, top)

    def parts(self, q: Question[RankingSettings]) -> tuple[Option, ...]:
        return q.settings.items

    def first_field(self, q: Question[RankingSettings]) -> str:
        return f"{q.id}.1"

    def form_to_answer(self, q: Question[RankingSettings], form: Form, lang: str) -> tuple[Any, str | None]:
        order = [one(form, f"{q.id}.{n}") for n in range(1, rank_positions(q) + 1)]
        while order and not order[-1]:
            order.pop()
        return (order or None), None

    def answer_to_form(self, q: Question[RankingSettings], value: Any, lang: str) -> dict[str, list[str]]:
        if not isinstance(value, list):
            return super().answer_to_form(q, value, lang)
        return {f"{q.id}.{position}": [str(code)] for position, code in enumerate(value, start=1)}

    def check(
        self, q: Question[RankingSettings], value: Any, other_text: str | None, lang: str, default: str, complete: bool
    ) -> None:
        """A draft (`complete` False) may rank fewer positions than asked."""
        item_codes = [i.code for i in q.settings.items]
        if not isinstance(value, list) or any(c not in item_codes for c in value if c):
            raise InvalidAnswer("bad_choice")
        if "" in value:
            raise InvalidAnswer("rank_incomplete")
        if len(set(value)) != len(value):
            raise InvalidAnswer("rank_duplicate")
        if complete and len(value) != rank_positions(q):
            raise InvalidAnswer("rank_all", n=rank_positions(q))

    def answer_text(
        self, q: Question[RankingSettings], value: Any, other_text: str | None, lang: str, default: str
    ) -> str:
        if not isinstance(value, list):
            return str(value)
        labels = {i.code: pick(i.label, lang, default) for i in q.settings.items}
        return "; ".join(f"{n}. {labels.get(c, c)}" for n, c in enumerate(value, start=1))

    def not_comparable(self, a: Question[RankingSettings], b: Question[RankingSettings]) -> list[str]:
        reasons = opts.items_changed(a.settings.items, b.settings.items)
        if rank_positions(a) != rank_positions(b):
            reasons.append(f"ranked positions changed ({rank_positions(a)} → {rank_positions(b)})")
        return reasons

    def demo_answer(self, q: Question[RankingSettings], rng: random.Random, lang: str) -> Any:
        return rng.sample([i.code for i in q.settings.items], k=rank_positions(q))

    def from_xlsform(self, state: ImportState, q: dict[str, Any], row: Row, words: list[str]) -> dict[Any, Row]:
        cells.list_suffix(state, q, row, words, or_other=False)
        return cells.list_options(state, q, row, words, "items")

    def to_xlsform(self, w: SheetWriter, q: Question[RankingSettings], row: Cells, required: Cells) -> None:
        row |= required
        row["type"] = f"rank {q.id}"
        w.add(row)
        w.choices(q.id, q.settings.items)
