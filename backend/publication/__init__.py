"""Disclosure control, immutable snapshots, charts and the partner dashboard."""
