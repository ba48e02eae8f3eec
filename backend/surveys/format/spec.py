"""Which keys each part of a definition may carry, and the format's patterns and limits: the
single source for the reader's unknown-key check and for the JSON Schema in `surveys/schema.json`.

The keys a question type adds to the common ones belong to its kind (`backend/surveys/kinds/`).
"""

from __future__ import annotations

from typing import Any

SURVEY_KEYS = (
    "id",
    "version",
    "title",
    "description",
    "default_language",
    "languages",
    "privacy_notice",
    "purpose",
    "sections",
)
SECTION_KEYS = ("id", "title", "intro", "show_if", "questions")
OPTION_KEYS = ("code", "label", "exclusive")
CONSTRAINT_KEYS = ("rule", "message")
COMMON_QUESTION_KEYS = (
    "id",
    "type",
    "label",
    "help",
    "required",
    "required_message",
    "show_if",
    "publish",
    "chart",
    "constraints",
)

#: Keys that only make sense on a question that collects an answer (not on `info`).
ANSWER_KEYS = ("required", "required_message", "publish", "chart", "constraints")

PURPOSES = ("practice", "peer_profile")
PUBLISH_POLICIES = ("compare", "staff")
CHART_HINTS = ("bar", "column", "stacked", "box", "dot")

#: Largest magnitude of a number in a definition (bounds, compared values). Far beyond any count
#: a questionnaire asks for, and small enough to be written exactly in XLSForm and JSON.
MAX_NUMBER = 10**15

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
CODE_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"


#: A JSON Schema (or part of one), as plain data.
Schema = dict[str, Any]


def ref(name: str) -> Schema:
    """A reference to one of the shapes the JSON Schema shares in its `$defs` ("text", "option", …)."""
    return {"$ref": f"#/$defs/{name}"}
