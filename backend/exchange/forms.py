"""The exchange's HTML forms."""

from __future__ import annotations

from typing import ClassVar

from backend.web.forms import Form


class PostForm(Form):
    """A new post, a reply (`reply_to`: the post's id) or an edit; `confirm` = "yes" publishes
    text that names a force, place or person after the warning."""

    stripped: ClassVar[frozenset[str]] = frozenset({"reply_to"})
    body: str = ""
    reply_to: str = ""
    confirm: str = ""


class ReportForm(Form):
    stripped: ClassVar[frozenset[str]] = frozenset({"reason"})
    reason: str = ""


class ModerationForm(Form):
    """hide | redact | dismiss, with the reason everyone sees and (redact) the replacement text."""

    stripped: ClassVar[frozenset[str]] = frozenset({"action", "reason"})
    action: str = ""
    reason: str = ""
    body: str = ""


class DigestForm(Form):
    """The e-mail digest of new posts in followed threads: none, daily or weekly."""

    stripped: ClassVar[frozenset[str]] = frozenset({"frequency"})
    frequency: str = ""
