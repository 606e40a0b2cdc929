"""Applicants: registration, correction, search, photos and signatures. The decision on an
application is app.approvals'."""
