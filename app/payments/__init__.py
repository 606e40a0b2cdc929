"""Stored value: a double-entry ledger of loads, charges, refunds and parking."""
