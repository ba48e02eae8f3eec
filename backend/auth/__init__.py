"""Signing in and out: passwords and one-time links."""
