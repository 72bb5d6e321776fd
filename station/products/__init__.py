"""Products: a factory's own part, onboarded from photos, measured before it goes live, switched at changeover."""
