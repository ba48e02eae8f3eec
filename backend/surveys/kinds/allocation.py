"""`allocation`: shares of 100 (%) across items that must add up to 100. Stored as {item code: share}."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from backend.i18n import language_for, pick
from backend.surveys.answers.fields import Form, one
from backend.surveys.answers.forms import InvalidAnswer
from backend.surveys.answers.numbers import display_number, read_number, typed_number
from backend.surveys.format.model import Option, Question, Settings
from backend.surveys.format.reader import Reader
from backend.surveys.format.yaml_positions import Path
from backend.surveys.kinds import options as opts
from backend.surveys.kinds.base import QuestionKind, Setting
from backend.surveys.xlsform.conventions import PX

if TYPE_CHECKING:
    from backend.surveys.xlsform.writer import Cells, SheetWriter

#: What the shares add up to.
ALLOCATION_TOTAL = 100


@dataclass(frozen=True)
class AllocationSettings(Settings):
    items: tuple[Option, ...] = ()


class Allocation(QuestionKind[AllocationSettings]):
    name = "allocation"
    help = (
        f"Shares of {ALLOCATION_TOTAL} (%) across items; they must add up to {ALLOCATION_TOTAL}. "
        'Stored as {item code: share}, e.g. {"a": 60, "b": 40}.'
    )
    settings_keys = (Setting("items", opts.option_list("option", 2), f"The items that share the {ALLOCATION_TOTAL}."),)
    required_keys = ("items",)
    aggregate = "allocation"
    xlsform_group = ("items", frozenset({"integer", "decimal"}))

    def read_settings(self, r: Reader, raw: dict[str, Any], path: Path) -> AllocationSettings:
        return AllocationSettings(r.options(raw, "items", path, what="items", minimum=2))

    def parts(self, q: Question[AllocationSettings]) -> tuple[Option, ...]:
        return q.settings.items

    def first_field(self, q: Question[AllocationSettings]) -> str:
        return f"{q.id}.{q.settings.items[0].code}"

    def form_to_answer(self, q: Question[AllocationSettings], form: Form, lang: str) -> tuple[Any, str | None]:
        shares: dict[str, float | int] = {}
        for item in q.settings.items:
            name = f"{q.id}.{item.code}"
            raw = one(form, name)
            if not raw:
                continue
            shares[item.code] = read_number(raw, lang, field=name)
        return (shares or None), None

    def answer_to_form(self, q: Question[AllocationSettings], value: Any, lang: str) -> dict[str, list[str]]:
        if not isinstance(value, dict):
            return super().answer_to_form(q, value, lang)
        return {f"{q.id}.{code}": [typed_number(share, lang)] for code, share in value.items()}

    def check(
        self,
        q: Question[AllocationSettings],
        value: Any,
        other_text: str | None,
        lang: str,
        default: str,
        complete: bool,
    ) -> None:
        """A draft (`complete` False) may hold shares that do not add up yet."""
        if not isinstance(value, dict):
            raise InvalidAnswer("not_a_number")
        item_codes = [i.code for i in q.settings.items]
        for code, share in value.items():
            if code not in item_codes or not _is_share(share):
                raise InvalidAnswer("share_range", f"{q.id}.{code}", total=ALLOCATION_TOTAL)
        if complete and abs(sum(value.values()) - ALLOCATION_TOTAL) > 0.01:
            raise InvalidAnswer("must_total", total=ALLOCATION_TOTAL)

    def answer_text(
        self, q: Question[AllocationSettings], value: Any, other_text: str | None, lang: str, default: str
    ) -> str:
        if not isinstance(value, dict):
            return str(value)
        language = language_for(lang)
        return "; ".join(
            # TRANSLATORS: one row of an answer in words: an item and its share, a row and its answer.
            language.gettext("%(item)s: %(answer)s", item=pick(i.label, lang, default), answer=_share(value, i, lang))
            for i in q.settings.items
        )

    def not_comparable(self, a: Question[AllocationSettings], b: Question[AllocationSettings]) -> list[str]:
        return opts.items_changed(a.settings.items, b.settings.items)

    def demo_answer(self, q: Question[AllocationSettings], rng: random.Random, lang: str) -> Any:
        items = q.settings.items
        cuts = sorted(rng.randint(0, ALLOCATION_TOTAL) for _ in range(len(items) - 1))
        shares = [b - a for a, b in zip([0, *cuts], [*cuts, ALLOCATION_TOTAL], strict=True)]
        return {item.code: share for item, share in zip(items, shares, strict=True)}

    def to_xlsform(self, w: SheetWriter, q: Question[AllocationSettings], row: Cells, required: Cells) -> None:
        """A group (appearance field-list) holding one `integer` per item."""
        row |= {"type": "begin group", "appearance": "field-list", PX + "type": self.name}
        w.group(q, row, required, q.settings.items, "integer")


def _share(value: dict[str, Any], item: Option, lang: str) -> str:
    """An item's share as the language writes a percentage ("60 %"); what is not a number, as it is."""
    share = value.get(item.code, 0)
    if not _is_share(share):
        return display_number(share, lang)
    return language_for(lang).percent(share / ALLOCATION_TOTAL)


def _is_share(share: object) -> bool:
    return not isinstance(share, bool) and isinstance(share, int | float) and 0 <= share <= ALLOCATION_TOTAL
