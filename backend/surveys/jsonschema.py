"""A JSON Schema (draft 2020-12) of the definition format, generated from the code.

The key tables of `spec.py`, the question types and comparison operators of `definition.py`
and the patterns are the single source: `build_schema()` only adds descriptions (so editors
show help) and the shape of each value. `surveys/schema.json` is its committed output
(`practice-exchange surveys schema --output surveys/schema.json`); a unit test keeps it current.

The schema helps editors (completion, hover help, unknown keys, wrong types). It cannot say
everything the validator checks (references between questions, option-code collisions,
missing translations, min ≤ max): `practice-exchange surveys validate` stays the authority.

Enable it in VS Code (YAML extension) with a first line in a definition file:

    # yaml-language-server: $schema=./schema.json

or for every file of the folder, in `.vscode/settings.json`:

    "yaml.schemas": {"./surveys/schema.json": "surveys/*.yaml"}

The schema declares draft 2020-12 but keeps to keywords draft-07 tools also know (the YAML
language server behind that extension validates draft-07): `$defs` is only reached through
local `$ref` JSON pointers, and `schema_errors` below refuses any keyword outside that set.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from backend.surveys import spec
from backend.surveys.definition import (
    COMPARE_OPS,
    DISPLAY_ONLY_TYPES,
    DONT_KNOW_CODE,
    FREE_TEXT_TYPES,
    NOT_APPLICABLE_CODE,
    NUMERIC_OPS,
    OTHER_CODE,
    QUESTION_TYPES,
)

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "https://practice-exchange.example/schemas/questionnaire.schema.json"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def _with(schema: Schema, description: str) -> Schema:
    """`schema` with a description (a `$ref` may carry sibling keywords in 2020-12)."""
    return {**schema, "description": description}


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


# ---- value shapes ----------------------------------------------------------------------


def _defs() -> dict[str, Schema]:
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
        raise KeyError(f'jsonschema.py has no schema for question key "{key}" (type {qtype}); add one')
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
        raise KeyError(f"jsonschema.py has no schema for {what} key(s) {', '.join(missing)}; add them")


def _survey_properties() -> dict[str, Schema]:
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


def build_schema() -> dict[str, Any]:
    """The JSON Schema of a questionnaire definition, built from the format's tables."""
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": "Practice Exchange questionnaire definition",
        "description": "A questionnaire: metadata, then sections of questions. Generated from the code "
        "(backend/surveys/jsonschema.py); `practice-exchange surveys validate` checks what a schema cannot "
        "(references between questions, option-code collisions, translations).",
        "type": "object",
        "properties": _survey_properties(),
        "required": ["id", "version", "title", "sections"],
        "additionalProperties": False,
        "$defs": _defs(),
    }


def schema_text() -> str:
    """The schema as committed: two-space indent, keys as generated, UTF-8, final newline."""
    return json.dumps(build_schema(), ensure_ascii=False, indent=2) + "\n"


def write_schema(path: Path | str) -> None:
    Path(path).write_text(schema_text(), encoding="utf-8")


# ---- checking a document without the jsonschema package -----------------------------------

_ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "title", "description", "format"})
_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
}


def schema_errors(instance: object, schema: Schema | None = None) -> list[str]:
    """Where `instance` breaks the schema ("/sections/0/id: ..."), or [] when it conforms.

    A small validator for exactly the keywords `build_schema` uses (it refuses any other), so
    the schema can be checked in tests and tools without the `jsonschema` package. YAML
    values JSON lacks (dates) are compared as JSON would hold them: as text.
    """
    root = schema if schema is not None else build_schema()
    data = json.loads(json.dumps(instance, default=str))
    errors: list[str] = []
    _check(data, root, root, "", errors)
    return errors


def _resolve(ref: str, root: Schema) -> Schema:
    if not ref.startswith("#/"):
        raise ValueError(f"only local references are supported, not {ref}")
    node: Any = root
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def _check(value: object, schema: Schema, root: Schema, where: str, errors: list[str]) -> None:
    here = where or "/"
    unknown = set(schema) - _ANNOTATIONS - _KEYWORDS
    if unknown:
        raise ValueError(f"schema keyword(s) not supported: {', '.join(sorted(unknown))}")
    if "$ref" in schema:
        _check(value, _resolve(schema["$ref"], root), root, where, errors)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_TYPES[t](value) for t in types):
            errors.append(f"{here}: expected {' or '.join(types)}, not {value!r}")
            return
    if "enum" in schema and not any(_same(value, e) for e in schema["enum"]):
        errors.append(f"{here}: {value!r} is not one of {schema['enum']}")
    if "const" in schema and not _same(value, schema["const"]):
        errors.append(f"{here}: expected {schema['const']!r}, not {value!r}")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{here}: {value!r} does not match {schema['pattern']}")
        if "minLength" in schema and len(value) < schema["minLength"]:
            errors.append(f"{here}: shorter than {schema['minLength']}")
    if _TYPES["number"](value) and "minimum" in schema and value < schema["minimum"]:  # type: ignore[operator]
        errors.append(f"{here}: {value!r} is less than {schema['minimum']}")
    if isinstance(value, dict):
        _check_object(value, schema, root, where, errors)
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            errors.append(f"{here}: needs at least {schema['minItems']} item(s)")
        if schema.get("uniqueItems"):
            dumped = [json.dumps(v, sort_keys=True) for v in value]
            if len(set(dumped)) != len(dumped):
                errors.append(f"{here}: items are not unique")
        if "items" in schema:
            for i, item in enumerate(value):
                _check(item, schema["items"], root, f"{where}/{i}", errors)
    for sub in schema.get("allOf", []):
        _check(value, sub, root, where, errors)
    if "oneOf" in schema:
        results = [_errors_of(value, sub, root, where) for sub in schema["oneOf"]]
        passing = [r for r in results if not r]
        if len(passing) != 1:
            # The alternative of the right type that failed least says most.
            closest = min(results, key=lambda r: (r[0].startswith(f"{here}: expected "), len(r))) if not passing else []
            detail = f"; closest: {closest[0]}" if closest else ""
            errors.append(f"{here}: matches {len(passing)} of the alternatives, not exactly one{detail}")
    if "if" in schema and not _errors_of(value, schema["if"], root, where):
        if "then" in schema:
            _check(value, schema["then"], root, where, errors)
    elif "if" in schema and "else" in schema:
        _check(value, schema["else"], root, where, errors)


def _check_object(value: dict[str, Any], schema: Schema, root: Schema, where: str, errors: list[str]) -> None:
    here = where or "/"
    properties = schema.get("properties", {})
    for key in schema.get("required", []):
        if key not in value:
            errors.append(f"{here}: missing required key {key!r}")
    if "minProperties" in schema and len(value) < schema["minProperties"]:
        errors.append(f"{here}: needs at least {schema['minProperties']} key(s)")
    for key, item in value.items():
        if "propertyNames" in schema:
            for problem in _errors_of(key, schema["propertyNames"], root, f"{where}/{key}"):
                errors.append(f"key {problem}")
        if key in properties:
            _check(item, properties[key], root, f"{where}/{key}", errors)
        elif schema.get("additionalProperties") is False:
            errors.append(f"{here}: unknown key {key!r}")
        elif isinstance(schema.get("additionalProperties"), dict):
            _check(item, schema["additionalProperties"], root, f"{where}/{key}", errors)


def _errors_of(value: object, schema: Schema, root: Schema, where: str) -> list[str]:
    found: list[str] = []
    _check(value, schema, root, where, found)
    return found


def _same(a: object, b: object) -> bool:
    return (type(a) is type(b) and a == b) or (_TYPES["number"](a) and _TYPES["number"](b) and a == b)


_KEYWORDS = frozenset(
    {
        "$ref",
        "type",
        "enum",
        "const",
        "pattern",
        "minLength",
        "minimum",
        "properties",
        "required",
        "additionalProperties",
        "propertyNames",
        "minProperties",
        "items",
        "minItems",
        "uniqueItems",
        "allOf",
        "oneOf",
        "if",
        "then",
        "else",
    }
)
