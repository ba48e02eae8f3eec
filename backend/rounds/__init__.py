"""Rounds of a questionnaire version and the personal invitations to them."""
