"""The questionnaire format: model, reading, checking, normal form, diff and JSON Schema (no database, no web)."""
