"""Briefing packs (docs/briefing.md): a printable PDF of a published round for one force, in the
reader's language, built from exactly what that force's dashboard shows."""
