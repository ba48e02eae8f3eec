"""The reports library: commissioned reports (PDF) that staff publish and partners read (docs/library.md)."""
