"""An append-only trail of what staff and users did."""
