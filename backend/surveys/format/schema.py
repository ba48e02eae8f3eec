"""A JSON Schema (draft 2020-12) of the definition format, generated from the code.

The key tables of `spec.py`, the kinds (each gives its keys' shapes and help, and its own
description) and the comparison operators of `conditions.py` are the single source:
`build_schema()` adds the descriptions of the common keys (so editors show help) and the shape
of each value. `surveys/schema.json` is its committed output (`practice-exchange surveys schema
--output surveys/schema.json`); a unit test keeps it current.

The schema helps editors (completion, hover help, unknown keys, wrong types). It cannot say
everything the validator checks (references between questions, option-code collisions,
missing translations, min ≤ max): `practice-exchange surveys validate` stays the authority.

Enable it in VS Code (YAML extension) with a first line in a definition file:

    # yaml-language-server: $schema=./schema.json

or for every file of the folder, in `.vscode/settings.json`:

    "yaml.schemas": {"./surveys/schema.json": "surveys/*.yaml"}

The schema declares draft 2020-12 but keeps to keywords draft-07 tools also know (the YAML
language server behind that extension validates draft-07): `$defs` is only reached through
local `$ref` JSON pointers, and a test refuses any keyword outside that set (the tests check
documents with the `jsonschema` package's draft 2020-12 and draft-07 validators).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from backend.surveys.format import spec
from backend.surveys.format.conditions import condition_schema
from backend.surveys.format.model import DONT_KNOW_CODE, NOT_APPLICABLE_CODE, OTHER_CODE
from backend.surveys.format.spec import Schema, ref
from backend.surveys.kinds import KINDS
from backend.surveys.kinds.base import QuestionKind

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "https://practice-exchange.example/schemas/questionnaire.schema.json"

# ---- the descriptions of the keys every part has (each kind describes its own) -------------

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
}

# ---- building it -------------------------------------------------------------------------


def build_schema() -> dict[str, Any]:
    """The JSON Schema of a questionnaire definition, built from the format's tables and the kinds."""
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": "Practice Exchange questionnaire definition",
        "description": "A questionnaire: metadata, then sections of questions. Generated from the code "
        "(backend/surveys/format/schema.py); `practice-exchange surveys validate` checks what a schema cannot "
        "(references between questions, option-code collisions, translations).",
        "type": "object",
        "properties": _described_keys(spec.SURVEY_KEYS, _survey_shapes(), SURVEY_HELP),
        "required": ["id", "version", "title", "sections"],
        "additionalProperties": False,
        "$defs": definitions(),
    }


def schema_text() -> str:
    """The schema as committed: two-space indent, keys as generated, UTF-8, final newline."""
    return json.dumps(build_schema(), ensure_ascii=False, indent=2) + "\n"


def write_schema(path: Path | str) -> None:
    Path(path).write_text(schema_text(), encoding="utf-8")


def _described(schema: Schema, description: str) -> Schema:
    """`schema` with a description (a `$ref` may carry sibling keywords in 2020-12)."""
    return {**schema, "description": description}


def _described_keys(keys: tuple[str, ...], shapes: dict[str, Schema], help: dict[str, str]) -> dict[str, Schema]:
    missing = [k for k in keys if k not in shapes or k not in help]
    if missing:
        raise KeyError(f"schema.py has no shape or description for key(s) {', '.join(missing)}; add them")
    return {key: _described(shapes[key], help[key]) for key in keys}


def definitions() -> dict[str, Schema]:
    """The `$defs` of the schema: shared shapes, and one question schema per type."""
    defs: dict[str, Schema] = {
        "language": {
            "type": "string",
            "pattern": spec.LANGUAGE_PATTERN,
            "description": "A language code such as en, fr, es or pt-BR.",
        },
        "text": {
            "description": "Translatable text: plain text (in the default language), or a mapping from "
            "language code to text. Every language of the questionnaire must be given.",
            "oneOf": [
                {"type": "string", "pattern": r"\S"},
                {"type": "number"},
                {
                    "type": "object",
                    "minProperties": 1,
                    "propertyNames": ref("language"),
                    "additionalProperties": {"type": "string", "pattern": r"\S"},
                },
            ],
        },
        "identifier": {
            "type": "string",
            "pattern": spec.ID_PATTERN,
            "description": "a-z, 0-9 and _; starts with a letter.",
        },
        "code": {
            "description": OPTION_HELP["code"],
            "oneOf": [
                {"type": "string", "pattern": spec.CODE_PATTERN},
                {"type": "number", "minimum": 0},
            ],
        },
        "option": _option_schema(spec.OPTION_KEYS[:2], "An option: its code and label."),
        "exclusive_option": _option_schema(
            spec.OPTION_KEYS, "An option: its code, label and whether it excludes every other choice."
        ),
        "condition": condition_schema(),
        "constraint": {
            "type": "object",
            "description": "A rule the answer must satisfy and the message shown when it does not.",
            "properties": _described_keys(
                spec.CONSTRAINT_KEYS, {"rule": ref("condition"), "message": ref("text")}, CONSTRAINT_HELP
            ),
            "required": ["rule", "message"],
            "additionalProperties": False,
        },
        "section": _section_schema(),
        "question": _question_dispatch(),
    }
    for name, kind in KINDS.items():
        defs[f"question_{name}"] = _question_schema(kind)
    return defs


def _option_schema(keys: tuple[str, ...], description: str) -> Schema:
    shapes: dict[str, Schema] = {"code": ref("code"), "label": ref("text"), "exclusive": {"type": "boolean"}}
    return {
        "type": "object",
        "description": description,
        "properties": _described_keys(keys, shapes, OPTION_HELP),
        "required": ["code", "label"],
        "additionalProperties": False,
    }


def _section_schema() -> Schema:
    shapes: dict[str, Schema] = {
        "id": ref("identifier"),
        "title": ref("text"),
        "intro": ref("text"),
        "show_if": ref("condition"),
        "questions": {"type": "array", "minItems": 1, "items": ref("question")},
    }
    return {
        "type": "object",
        "description": "A section: one page of questions.",
        "properties": _described_keys(spec.SECTION_KEYS, shapes, SECTION_HELP),
        "required": ["id", "title", "questions"],
        "additionalProperties": False,
    }


def _question_dispatch() -> Schema:
    return {
        "type": "object",
        "description": "A question. Its `type` decides which other keys it may have.",
        "properties": {"type": _described({"enum": list(KINDS)}, _type_help())},
        "required": ["id", "type", "label"],
        "allOf": [
            {
                "if": {"properties": {"type": {"const": name}}, "required": ["type"]},
                "then": ref(f"question_{name}"),
            }
            for name in KINDS
        ],
    }


def _type_help() -> str:
    return "The kind of question: " + ", ".join(KINDS) + "."


def _common_shapes(kind: QuestionKind[Any]) -> dict[str, Schema]:
    return {
        "id": ref("identifier"),
        "type": {"const": kind.name},
        "label": ref("text"),
        "help": ref("text"),
        "required": {"type": "boolean"},
        "required_message": ref("text"),
        "show_if": ref("condition"),
        "publish": {"enum": ["staff"] if kind.free_text else list(spec.PUBLISH_POLICIES)},
        "chart": {"enum": list(spec.CHART_HINTS)},
        "constraints": {"type": "array", "items": ref("constraint")},
    }


def _question_schema(kind: QuestionKind[Any]) -> Schema:
    description = f"A {kind.name} question. {kind.help}"
    if not kind.collects_answer:
        description += " It takes no " + ", ".join(spec.ANSWER_KEYS) + "."
    shapes = _common_shapes(kind) | {s.key: s.shape for s in kind.settings_keys}
    help = QUESTION_HELP | {"type": _type_help()} | {s.key: s.help for s in kind.settings_keys} | dict(kind.key_help)
    return {
        "type": "object",
        "description": description,
        "properties": _described_keys(kind.question_keys, shapes, help),
        "required": ["id", "type", "label", *kind.required_keys],
        "additionalProperties": False,
    }


def _survey_shapes() -> dict[str, Schema]:
    return {
        "id": {"type": "string", "pattern": spec.SLUG_PATTERN},
        "version": {"type": ["string", "number"]},
        "title": ref("text"),
        "description": ref("text"),
        "default_language": ref("language"),
        "languages": {"type": "array", "minItems": 1, "uniqueItems": True, "items": ref("language")},
        "privacy_notice": ref("text"),
        "purpose": {"enum": list(spec.PURPOSES)},
        "sections": {"type": "array", "minItems": 1, "items": ref("section")},
    }
