"""Respondents answering: drafts saved as they go, checked, and submitted once."""
