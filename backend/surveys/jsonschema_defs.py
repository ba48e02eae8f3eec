"""The shapes of the questionnaire JSON Schema: its `$defs` and the questionnaire's own properties."""

from __future__ import annotations

from backend.surveys import spec
from backend.surveys.definition import COMPARE_OPS, DISPLAY_ONLY_TYPES, FREE_TEXT_TYPES, NUMERIC_OPS, QUESTION_TYPES
from backend.surveys.jsonschema_check import Schema
from backend.surveys.jsonschema_help import (
    CONSTRAINT_HELP,
    OPTION_HELP,
    QUESTION_HELP,
    SECTION_HELP,
    SURVEY_HELP,
    TYPE_HELP,
    TYPE_KEY_HELP,
)

DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def _with(schema: Schema, description: str) -> Schema:
    """`schema` with a description (a `$ref` may carry sibling keywords in 2020-12)."""
    return {**schema, "description": description}


# ---- value shapes ----------------------------------------------------------------------


def definitions() -> dict[str, Schema]:
    """The `$defs` of the schema: shared shapes, and one question schema per type."""
    scalar = {"type": ["string", "number", "boolean"]}
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
                    "propertyNames": _ref("language"),
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
        "condition": _condition_schema(scalar),
        "constraint": {
            "type": "object",
            "description": "A rule the answer must satisfy and the message shown when it does not.",
            "properties": {key: _with(_constraint_value(key), CONSTRAINT_HELP[key]) for key in spec.CONSTRAINT_KEYS},
            "required": ["rule", "message"],
            "additionalProperties": False,
        },
        "section": _section_schema(),
        "question": _question_dispatch(),
    }
    for qtype in QUESTION_TYPES:
        defs[f"question_{qtype}"] = _question_schema(qtype)
    return defs


def _option_schema(keys: tuple[str, ...], description: str) -> Schema:
    shapes: dict[str, Schema] = {"code": _ref("code"), "label": _ref("text"), "exclusive": {"type": "boolean"}}
    _require_known(keys, shapes, "option")
    return {
        "type": "object",
        "description": description,
        "properties": {key: _with(shapes[key], OPTION_HELP[key]) for key in keys},
        "required": ["code", "label"],
        "additionalProperties": False,
    }


def _constraint_value(key: str) -> Schema:
    return {"rule": _ref("condition"), "message": _ref("text")}[key]


def _condition_schema(scalar: Schema) -> Schema:
    question_ref = {
        "type": "string",
        "minLength": 1,
        "description": 'The id of an earlier question ("." in a constraint: this question).',
    }
    op_values: dict[str, Schema] = {}
    op_help = {
        "equals": "The answer is this code or value.",
        "not_equals": "The answer is given and is not this code or value.",
        "in": "The answer is one of these codes or values.",
        "not_in": "The answer is given and is none of these codes or values.",
        "contains": "A multiple-choice answer includes this code.",
        "gt": "The answer is a number greater than this.",
        "gte": "The answer is a number greater than or equal to this.",
        "lt": "The answer is a number less than this.",
        "lte": "The answer is a number less than or equal to this.",
        "answered": "true: the question has an answer; false: it has none.",
    }
    for op in COMPARE_OPS:
        if op in NUMERIC_OPS:
            shape: Schema = {"type": "number"}
        elif op in {"in", "not_in"}:
            shape = {"type": "array", "minItems": 1, "items": scalar}
        elif op == "answered":
            shape = {"type": "boolean"}
        else:
            shape = dict(scalar)
        op_values[op] = _with(shape, op_help[op])
    count_ops = [op for op in COMPARE_OPS if op in NUMERIC_OPS or op in {"equals", "not_equals"}]
    return {
        "description": "A condition: {question: q, <comparison>: value}, {count_selected: q, <comparison>: n}, "
        "{all: [...]}, {any: [...]} or {not: condition}.",
        "type": "object",
        "oneOf": [
            {
                "title": "comparison",
                "properties": {"question": question_ref, **op_values},
                "required": ["question"],
                "additionalProperties": False,
                "oneOf": [{"required": [op]} for op in COMPARE_OPS],
            },
            {
                "title": "count_selected",
                "properties": {
                    "count_selected": _with(
                        question_ref,
                        "The id of an earlier multiple-choice question: compare how many options were chosen.",
                    ),
                    **{op: _with({"type": "integer"}, op_help[op]) for op in count_ops},
                },
                "required": ["count_selected"],
                "additionalProperties": False,
                "oneOf": [{"required": [op]} for op in count_ops],
            },
            {
                "title": "all",
                "properties": {
                    "all": {
                        "type": "array",
                        "minItems": 1,
                        "items": _ref("condition"),
                        "description": "Every condition holds.",
                    }
                },
                "required": ["all"],
                "additionalProperties": False,
            },
            {
                "title": "any",
                "properties": {
                    "any": {
                        "type": "array",
                        "minItems": 1,
                        "items": _ref("condition"),
                        "description": "At least one condition holds.",
                    }
                },
                "required": ["any"],
                "additionalProperties": False,
            },
            {
                "title": "not",
                "properties": {"not": _with(_ref("condition"), "The condition does not hold.")},
                "required": ["not"],
                "additionalProperties": False,
            },
        ],
    }


def _section_schema() -> Schema:
    shapes: dict[str, Schema] = {
        "id": _ref("identifier"),
        "title": _ref("text"),
        "intro": _ref("text"),
        "show_if": _ref("condition"),
        "questions": {"type": "array", "minItems": 1, "items": _ref("question")},
    }
    _require_known(spec.SECTION_KEYS, shapes, "section")
    return {
        "type": "object",
        "description": "A section: one page of questions.",
        "properties": {key: _with(shapes[key], SECTION_HELP[key]) for key in spec.SECTION_KEYS},
        "required": ["id", "title", "questions"],
        "additionalProperties": False,
    }


def _question_dispatch() -> Schema:
    return {
        "type": "object",
        "description": "A question. Its `type` decides which other keys it may have.",
        "properties": {"type": _with({"enum": list(QUESTION_TYPES)}, QUESTION_HELP["type"])},
        "required": ["id", "type", "label"],
        "allOf": [
            {
                "if": {"properties": {"type": {"const": qtype}}, "required": ["type"]},
                "then": _ref(f"question_{qtype}"),
            }
            for qtype in QUESTION_TYPES
        ],
    }


def _list_of(item: str, minimum: int) -> Schema:
    return {"type": "array", "minItems": minimum, "items": _ref(item)}


def _key_shape(qtype: str, key: str) -> Schema:
    """The shape of `key`'s value in a question of type `qtype`."""
    if key == "type":
        return {"const": qtype}
    if key == "publish":
        allowed = ["staff"] if qtype in FREE_TEXT_TYPES else list(spec.PUBLISH_POLICIES)
        return {"enum": allowed}
    if key in {"min", "max"}:
        if qtype == "date":
            return {"type": "string", "pattern": DATE_PATTERN, "format": "date"}
        return {"type": "number"}
    if key == "options":
        return _list_of("exclusive_option" if qtype == "multiple_choice" else "option", 2)
    if key == "items":
        return _list_of("option", 2)
    if key == "rows":
        return _list_of("option", 1)
    shapes: dict[str, Schema] = {
        "id": _ref("identifier"),
        "label": _ref("text"),
        "help": _ref("text"),
        "required": {"type": "boolean"},
        "required_message": _ref("text"),
        "show_if": _ref("condition"),
        "chart": {"enum": list(spec.CHART_HINTS)},
        "constraints": {"type": "array", "items": _ref("constraint")},
        "widget": {"enum": list(spec.WIDGETS)},
        "other": {"type": "boolean"},
        "other_label": _ref("text"),
        "dont_know": {"type": "boolean"},
        "not_applicable": {"type": "boolean"},
        "top": {"type": "integer", "minimum": 1},
        "integer": {"type": "boolean"},
        "unit": _ref("text"),
        "max_length": {"type": "integer", "minimum": 1},
    }
    if key not in shapes:
        raise KeyError(f'jsonschema_defs.py has no schema for question key "{key}" (type {qtype}); add one')
    return shapes[key]


def _key_help(qtype: str, key: str) -> str:
    if (qtype, key) in TYPE_KEY_HELP:
        return TYPE_KEY_HELP[(qtype, key)]
    if key not in QUESTION_HELP:
        raise KeyError(f'jsonschema.py has no description for question key "{key}"; add one')
    return QUESTION_HELP[key]


def _required_keys(qtype: str) -> list[str]:
    required = ["id", "type", "label"]
    for key in ("options", "items", "rows"):
        if key in spec.TYPE_KEYS.get(qtype, ()):
            required.append(key)
    return required


def _question_schema(qtype: str) -> Schema:
    keys = spec.question_keys(qtype)
    description = f"A {qtype} question. {TYPE_HELP[qtype]}"
    if qtype in DISPLAY_ONLY_TYPES:
        description += " It takes no " + ", ".join(spec.INFO_EXCLUDED) + "."
    return {
        "type": "object",
        "description": description,
        "properties": {key: _with(_key_shape(qtype, key), _key_help(qtype, key)) for key in keys},
        "required": _required_keys(qtype),
        "additionalProperties": False,
    }


def _require_known(keys: tuple[str, ...], shapes: dict[str, Schema], what: str) -> None:
    missing = [k for k in keys if k not in shapes]
    if missing:
        raise KeyError(f"jsonschema_defs.py has no schema for {what} key(s) {', '.join(missing)}; add them")


def survey_properties() -> dict[str, Schema]:
    """The properties of the questionnaire itself (the top level of a definition)."""
    shapes: dict[str, Schema] = {
        "id": {"type": "string", "pattern": spec.SLUG_PATTERN},
        "version": {"type": ["string", "number"]},
        "title": _ref("text"),
        "description": _ref("text"),
        "default_language": _ref("language"),
        "languages": {"type": "array", "minItems": 1, "uniqueItems": True, "items": _ref("language")},
        "privacy_notice": _ref("text"),
        "purpose": {"enum": list(spec.PURPOSES)},
        "sections": {"type": "array", "minItems": 1, "items": _ref("section")},
    }
    _require_known(spec.SURVEY_KEYS, shapes, "questionnaire")
    return {key: _with(shapes[key], SURVEY_HELP[key]) for key in spec.SURVEY_KEYS}
