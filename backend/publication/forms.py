"""The staff form that publishes a round."""

from __future__ import annotations

from typing import ClassVar

from backend.web.forms import Form


class PublishForm(Form):
    stripped: ClassVar[frozenset[str]] = frozenset({"confirm", "correction"})

    #: "yes": staff have checked the preview and the suppression report
    confirm: str = ""
    #: "1": publish a new version of an already published round
    correction: str = ""
