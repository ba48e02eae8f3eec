"""Partner forces, the people at them, project staff, and peer groups."""
