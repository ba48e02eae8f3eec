"""What the kinds with coded options share: the option keys, the options the format adds
itself ("other", "don't know", "not applicable"), and their codes and labels."""

from __future__ import annotations

from typing import Any

from backend.i18n import pick, t
from backend.surveys.format.model import DONT_KNOW_CODE, NOT_APPLICABLE_CODE, OTHER_CODE, Option, Text
from backend.surveys.format.reader import Reader
from backend.surveys.format.spec import Schema, ref
from backend.surveys.format.yaml_positions import Path
from backend.surveys.kinds.base import Setting
from backend.surveys.xlsform.conventions import XlsColumn


def option_list(item: str, minimum: int) -> Schema:
    """The JSON Schema of a list of at least `minimum` options of shape `item`."""
    return {"type": "array", "minItems": minimum, "items": ref(item)}


OTHER = Setting("other", {"type": "boolean"}, f'Add an "Other" option (code "{OTHER_CODE}") with a box to say what.')
OTHER_LABEL = Setting("other_label", ref("text"), 'The label of the "Other" option (default: "Other").')
DONT_KNOW = Setting(
    "dont_know",
    {"type": "boolean"},
    f'Add a "Don\'t know" option (code "{DONT_KNOW_CODE}"; exclusive in multiple choice).',
)
NOT_APPLICABLE = Setting(
    "not_applicable", {"type": "boolean"}, f'Add a "Not applicable" option (code "{NOT_APPLICABLE_CODE}").'
)
OPTIONS = Setting("options", option_list("option", 2), "The options, in the order shown.")

OTHER_COLUMNS = (XlsColumn("other", "flag"), XlsColumn("dont_know", "flag"), XlsColumn("other_label", "text"))
EXTRA_COLUMNS = (XlsColumn("dont_know", "flag"), XlsColumn("not_applicable", "flag"))


def added_codes(*, other: bool = False, dont_know: bool = False, not_applicable: bool = False) -> list[str]:
    """The codes of the options the format adds itself, in the order they are shown."""
    return [
        c for c, on in ((OTHER_CODE, other), (DONT_KNOW_CODE, dont_know), (NOT_APPLICABLE_CODE, not_applicable)) if on
    ]


def read_extras(r: Reader, raw: dict[str, Any], path: Path, *keys: str) -> dict[str, bool]:
    """The switches for added options among `keys` (dont_know, not_applicable, other), read in that order."""
    return {key: r.boolean(raw, key, path) for key in keys}


def reserved(extras: dict[str, bool]) -> tuple[str, ...]:
    """The codes the switched-on added options take: no option of the question may use them."""
    return tuple(added_codes(**extras))


def labelled(
    base: list[tuple[str, str]], added: list[str], other_label: Text, lang: str, default: str
) -> list[tuple[str, str]]:
    """`base` (code, label) pairs followed by the added options, labelled in `lang`."""
    labels = {OTHER_CODE: pick(other_label, lang, default) or t("other", lang)}
    return base + [(code, labels.get(code) or t(code, lang)) for code in added]


def option_labels(options: tuple[Option, ...], lang: str, default: str) -> list[tuple[str, str]]:
    return [(o.code, pick(o.label, lang, default)) for o in options]


def removed_codes(a: list[str], b: list[str]) -> list[str]:
    """Codes of `a` that `b` no longer has: answers given with them have no place in `b`."""
    return [c for c in a if c not in b]


def codes_text(codes: Any) -> str:
    return ", ".join(codes)


def items_changed(a: tuple[Option, ...], b: tuple[Option, ...]) -> list[str]:
    """Allocation and ranking items: another set of items asks another question."""
    if {i.code for i in a} == {i.code for i in b}:
        return []
    return [f"items changed ({codes_text(i.code for i in a)} → {codes_text(i.code for i in b)})"]
