"""Applicants: registration, correction, search, photo, and the approve/deny decision."""
