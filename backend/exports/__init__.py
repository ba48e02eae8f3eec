"""Exports of a round's responses for staff: CSV, XLSX, SPSS and Stata files with a codebook (docs/exports.md)."""
