"""Aggregation of submitted answers in SQL, for staff."""
