"""Free-text coding, the pure part: the answers to code, a codebook's themes with their
counts (overall and by peer group), and the checks on a theme's name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from backend.i18n import N_

#: The longest theme name.
THEME_NAME_MAX = 120


@dataclass(frozen=True)
class Theme:
    id: int
    name: str


@dataclass(frozen=True)
class CodedAnswer:
    """One force's answer to a text question, with the themes staff gave it."""

    response_id: int
    force_name: str
    groups: Mapping[str, str]
    text: str
    theme_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class ThemeCount:
    theme: Theme
    #: answers carrying the theme
    count: int
    #: {group value: answers carrying the theme} for the dimension asked for
    by_group: Mapping[str, int] = field(default_factory=dict)


def theme_counts(
    themes: Sequence[Theme], answers: Sequence[CodedAnswer], dimension: str | None = None
) -> list[ThemeCount]:
    """Each theme's count, like a multiple-choice option counted per force (a force's answer
    carries a theme or not), most frequent first; by group when `dimension` is given."""
    out = []
    for theme in themes:
        tagged = [a for a in answers if theme.id in a.theme_ids]
        by_group: dict[str, int] = {}
        if dimension:
            for a in tagged:
                value = a.groups.get(dimension, "")
                by_group[value] = by_group.get(value, 0) + 1
        out.append(ThemeCount(theme, len(tagged), by_group))
    return sorted(out, key=lambda c: (-c.count, c.theme.name.casefold()))


def uncoded(answers: Sequence[CodedAnswer]) -> int:
    return sum(1 for a in answers if not a.theme_ids)


def theme_name_problem(name: str, existing: Sequence[Theme], renaming: int | None = None) -> str | None:
    """Why a theme cannot have this name (an English message), or None."""
    if not name:
        return N_("Enter the theme's name.")
    if len(name) > THEME_NAME_MAX:
        return N_("Enter a theme name of at most 120 characters.")
    if any(t.name.casefold() == name.casefold() and t.id != renaming for t in existing):
        return N_("This question's codebook already has a theme of that name.")
    return None
