"""The practice bank: structured practice notes by partners and staff, reviewed by staff, searchable in
three languages (docs/practice.md)."""
