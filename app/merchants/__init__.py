"""Merchants (library desks, parking, banks, pharmacies) and their API keys."""
