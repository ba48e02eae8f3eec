"""Demo data: forces, people, a published round, an open round."""
