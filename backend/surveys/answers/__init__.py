"""Answers by the format's rules: form fields, reading forms, checks, answers in words (no database, no web)."""
