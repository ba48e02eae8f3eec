"""The descriptions the questionnaire JSON Schema gives each question type and key (editors show them as help)."""

from __future__ import annotations

from backend.surveys import spec
from backend.surveys.definition import DONT_KNOW_CODE, NOT_APPLICABLE_CODE, OTHER_CODE, QUESTION_TYPES

# ---- what each question type is, for the descriptions -----------------------------------

TYPE_HELP: dict[str, str] = {
    "single_choice": "One answer from a list (radio buttons, or a drop-down with widget: dropdown). "
    'Stored as the chosen option code, e.g. "regional".',
    "multiple_choice": "Any number of answers from a list (check boxes). Stored as a list of codes in the order "
    'shown, e.g. ["arrests", "overdoses"].',
    "yes_no": 'Yes or no (codes "yes" and "no"; "dont_know" with dont_know: true). Stored as the code.',
    "scale": "One point on an ordered scale, shown in a row. Stored as the point's code. Number the codes "
    "(1, 2, 3…) to allow gt/gte/lt/lte in conditions.",
    "number": "A number, optionally whole and bounded, with an optional unit. Stored as a JSON number.",
    "allocation": f"Shares of {spec.ALLOCATION_TOTAL} (%) across items; they must add up to "
    f'{spec.ALLOCATION_TOTAL}. Stored as {{item code: share}}, e.g. {{"a": 60, "b": 40}}.',
    "ranking": "Items put in order (the first `top` positions, or all). Stored as the list of item codes, best first.",
    "matrix": "One scale point for each row (a grid of radio buttons). Stored as {row code: point code}.",
    "short_text": "One line of free text; staff only, never published. Stored as the text.",
    "long_text": "Several lines of free text; staff only, never published. Stored as the text.",
    "date": 'A date written YYYY-MM-DD. Stored as the text "YYYY-MM-DD".',
    "info": "Text shown between questions; collects no answer.",
}

# ---- the keys --------------------------------------------------------------------------

SURVEY_HELP: dict[str, str] = {
    "id": "The questionnaire's stable identifier (a slug: a-z, 0-9 and -). Versions of one questionnaire share it.",
    "version": 'The version label shown to staff, e.g. "2026.1". Quote it so YAML keeps it as text. '
    "A version is identified by its content hash; a round is bound to one version.",
    "title": "The questionnaire's title.",
    "description": "What the questionnaire is about and how long it takes; shown on the start page.",
    "default_language": "The language every text must have; the fallback for missing translations. Default: en.",
    "languages": "Every language the questionnaire is offered in, default language included. Every text "
    "must be given in each of them.",
    "privacy_notice": "Who sees the answers and how results are published; shown before the first question.",
    "purpose": "practice: a practice questionnaire (the default). peer_profile: answers describe the force "
    "(type, size band, region) and form peer groups.",
    "sections": "The sections (pages) of the questionnaire, in order.",
}

SECTION_HELP: dict[str, str] = {
    "id": "The section's identifier, unique in the questionnaire (a-z, 0-9 and _; starts with a letter).",
    "title": "The section's title (the page heading and the task-list entry).",
    "intro": "Text shown under the title.",
    "show_if": "Show the section only when this condition holds; it may use answers to questions of earlier "
    "sections only. Answers to hidden questions are discarded on submission.",
    "questions": "The questions of the section, in order.",
}

OPTION_HELP: dict[str, str] = {
    "code": "The stored value: language-neutral and stable across versions (letters, digits, _ . and -). "
    f'"{OTHER_CODE}", "{DONT_KNOW_CODE}" and "{NOT_APPLICABLE_CODE}" are taken when the question adds '
    "those options itself.",
    "label": "The text shown for the option.",
    "exclusive": 'Choosing it clears every other choice (e.g. "None of these"). Multiple choice only.',
}

CONSTRAINT_HELP: dict[str, str] = {
    "rule": 'A condition the answer must satisfy; question "." is the question being answered.',
    "message": "Shown to the respondent when the rule does not hold.",
}

QUESTION_HELP: dict[str, str] = {
    "id": "The question's identifier, unique in the questionnaire and stable across versions "
    "(a-z, 0-9 and _; starts with a letter). Answers are stored under it.",
    "type": "The kind of question: " + ", ".join(QUESTION_TYPES) + ".",
    "label": "The question as the respondent reads it.",
    "help": "A hint shown under the question.",
    "required": "Whether an answer is needed to submit (default false). A hidden question is never required.",
    "required_message": "The message shown when a required question is left unanswered (default: a standard message).",
    "show_if": "Show the question only when this condition holds; it may use answers to earlier questions only. "
    "Answers to hidden questions are discarded on submission.",
    "publish": "compare (the default): disclosure-controlled aggregates in partner dashboards. staff: "
    "project staff only. Free-text answers are always staff only.",
    "chart": "How dashboards should draw the results: " + ", ".join(spec.CHART_HINTS) + ".",
    "constraints": 'Rules the answer must satisfy, each with its message; question "." is this question.',
    "options": "The options, in the order shown.",
    "widget": "radios (the default) or dropdown (for long lists).",
    "other": f'Add an "Other" option (code "{OTHER_CODE}") with a box to say what.',
    "other_label": 'The label of the "Other" option (default: "Other").',
    "dont_know": f'Add a "Don\'t know" option (code "{DONT_KNOW_CODE}"; exclusive in multiple choice).',
    "not_applicable": f'Add a "Not applicable" option (code "{NOT_APPLICABLE_CODE}").',
    "items": "The items, in the order shown.",
    "rows": "The rows: one answer on the scale for each.",
    "top": "Rank only the first `top` positions (default: every item).",
    "integer": "Whole numbers only (default false).",
    "unit": 'Shown after the box, e.g. "%" or "people".',
    "min": "The smallest answer allowed.",
    "max": "The largest answer allowed.",
    "max_length": "The longest answer allowed, in characters (default: "
    + ", ".join(f"{k} {v}" for k, v in spec.DEFAULT_MAX_LENGTH.items())
    + ").",
}

#: Per-type wording where the general one would mislead.
TYPE_KEY_HELP: dict[tuple[str, str], str] = {
    ("scale", "options"): "The scale points, lowest to highest.",
    ("matrix", "options"): "The scale points (the columns), lowest to highest.",
    ("allocation", "items"): f"The items that share the {spec.ALLOCATION_TOTAL}.",
    ("ranking", "items"): "The items to put in order.",
    ("number", "min"): "The smallest number allowed.",
    ("number", "max"): "The largest number allowed.",
    ("date", "min"): "The earliest date allowed (YYYY-MM-DD).",
    ("date", "max"): "The latest date allowed (YYYY-MM-DD).",
    ("info", "label"): "The text shown.",
}
