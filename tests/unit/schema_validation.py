"""Documents checked against `surveys/schema.json` by the reference validators of the `jsonschema`
package: draft 2020-12, the dialect the schema declares, and draft-07, the one editors' YAML
language server speaks."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft7Validator, Draft202012Validator, ValidationError
from jsonschema.protocols import Validator

from backend.surveys.format.schema import build_schema

DIALECTS: tuple[type[Validator], ...] = (Draft202012Validator, Draft7Validator)


@cache
def validator(dialect: type[Validator] = Draft202012Validator) -> Validator:
    schema = build_schema()
    dialect.check_schema(schema)
    return dialect(schema)


def as_json(instance: object) -> Any:
    """`instance` as JSON holds it: YAML values JSON lacks (dates) become text, as an editor sees them."""
    return json.loads(json.dumps(instance, default=str))


def schema_errors(
    instance: object, schema: dict[str, Any] | None = None, dialect: type[Validator] = Draft202012Validator
) -> list[ValidationError]:
    """Every place where `instance` breaks the schema (or `schema`), in document order."""
    checker = validator(dialect) if schema is None else dialect(schema)
    errors = checker.iter_errors(as_json(instance))
    return sorted(errors, key=lambda e: [str(p) for p in e.absolute_path])


def where(errors: list[ValidationError]) -> list[tuple[str, list[str | int]]]:
    """(failing keyword, path in the document) of each error: what the tests compare."""
    return [(str(e.validator), list(e.absolute_path)) for e in errors]
