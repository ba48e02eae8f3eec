"""The practice-exchange command."""
