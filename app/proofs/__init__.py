"""Proof checks against the city's document catalog, and the public eligibility pre-check."""
