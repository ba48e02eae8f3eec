"""The workspace's fixed forms: a codebook's changes and an answer's themes."""

from __future__ import annotations

from typing import ClassVar

from backend.web.forms import Form


class ThemeNameForm(Form):
    """Add a theme, or rename one."""

    stripped: ClassVar[frozenset[str]] = frozenset({"name"})
    name: str = ""


class MergeForm(Form):
    """Merge a theme into another (`into`: the theme that stays)."""

    into: str = ""


class TagsForm(Form):
    """The themes an answer carries (every box ticked; none: no theme)."""

    lists: ClassVar[frozenset[str]] = frozenset({"themes"})
    themes: list[str] | str = []


class PublishThemesForm(Form):
    """Publish the question's coded theme counts with the round ("1") or not ("")."""

    publish: str = ""
