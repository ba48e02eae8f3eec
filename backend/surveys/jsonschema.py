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
local `$ref` JSON pointers, and `schema_errors` (its validator is `jsonschema_check.py`) refuses
any keyword outside that set. The descriptions are in `jsonschema_help.py`, the shapes in
`jsonschema_defs.py`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from backend.surveys.jsonschema_check import Schema, validate
from backend.surveys.jsonschema_defs import definitions, survey_properties

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "https://practice-exchange.example/schemas/questionnaire.schema.json"


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
        "properties": survey_properties(),
        "required": ["id", "version", "title", "sections"],
        "additionalProperties": False,
        "$defs": definitions(),
    }


def schema_text() -> str:
    """The schema as committed: two-space indent, keys as generated, UTF-8, final newline."""
    return json.dumps(build_schema(), ensure_ascii=False, indent=2) + "\n"


def write_schema(path: Path | str) -> None:
    Path(path).write_text(schema_text(), encoding="utf-8")


def schema_errors(instance: object, schema: Schema | None = None) -> list[str]:
    """Where `instance` breaks the schema ("/sections/0/id: ..."), or [] when it conforms.

    A small validator for exactly the keywords `build_schema` uses (it refuses any other), so
    the schema can be checked in tests and tools without the `jsonschema` package. YAML
    values JSON lacks (dates) are compared as JSON would hold them: as text.
    """
    return validate(instance, schema if schema is not None else build_schema())
