"""Which keys each part of a definition may carry: the single source for the parser's
unknown-key check and for the JSON Schema in `surveys/schema.json`."""

from __future__ import annotations

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

#: Keys each question type adds to the common ones.
TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "single_choice": ("options", "widget", "other", "other_label", "dont_know"),
    "multiple_choice": ("options", "other", "other_label", "dont_know"),
    "yes_no": ("dont_know",),
    "scale": ("options", "dont_know", "not_applicable"),
    "number": ("integer", "unit", "min", "max"),
    "allocation": ("items",),
    "ranking": ("items", "top"),
    "matrix": ("rows", "options", "dont_know", "not_applicable"),
    "short_text": ("max_length",),
    "long_text": ("max_length",),
    "date": ("min", "max"),
    "info": (),
}

#: `info` shows text only: answer-related keys make no sense on it.
INFO_EXCLUDED = ("required", "required_message", "publish", "chart", "constraints")

PURPOSES = ("practice", "peer_profile")
PUBLISH_POLICIES = ("compare", "staff")
WIDGETS = ("radios", "dropdown")
CHART_HINTS = ("bar", "column", "stacked", "box", "dot")

DEFAULT_MAX_LENGTH = {"short_text": 200, "long_text": 5000}
ALLOCATION_TOTAL = 100
#: Largest magnitude of a number in a definition (bounds, compared values). Far beyond any count
#: a questionnaire asks for, and small enough to be written exactly in XLSForm and JSON.
MAX_NUMBER = 10**15

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
CODE_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"


def question_keys(qtype: str) -> tuple[str, ...]:
    keys = COMMON_QUESTION_KEYS + TYPE_KEYS.get(qtype, ())
    if qtype == "info":
        keys = tuple(k for k in keys if k not in INFO_EXCLUDED)
    return keys
