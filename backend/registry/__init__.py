"""The partner registry: importing forces and people from CSV or XLSX, editing, deactivating and
merging them (docs/registry.md). Forces and people themselves are `backend.partners`."""
