"""Staff's analysis workspace for a round: charts from the raw answers (never published),
breakdowns, filters, cross-tabs, response-quality flags and free-text coding.

Staff only. Nothing here is disclosure-controlled, so no partner page, JSON route or export may
import it (`.importlinter`: "partner_outputs"; docs/analysis.md). The pure parts (records,
filters, figures, crosstab, quality, themes, charts) take answers already loaded; services.py
and codebook.py read and write the database.
"""
