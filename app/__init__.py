"""Resident ID: the city's resident-ID card service."""
