"""Questionnaire definitions: the format, its validation, versions and storage."""
