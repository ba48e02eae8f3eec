"""A small JSON Schema validator for exactly the keywords the questionnaire schema uses."""

# It lets tests and tools check documents against the schema without the `jsonschema`
# package, and refuses any keyword it does not know, which keeps the schema to keywords
# draft-07 tools also understand.

from __future__ import annotations

import json
import re
from typing import Any

Schema = dict[str, Any]

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


def validate(instance: object, root: Schema) -> list[str]:
    """Where `instance` breaks `root` ("/sections/0/id: ..."), or [] when it conforms.

    YAML values JSON lacks (dates) are compared as JSON would hold them: as text.
    """
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
