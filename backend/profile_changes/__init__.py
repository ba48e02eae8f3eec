"""Changes to a force's peer groups proposed by its force-profile answers, reviewed by staff."""
