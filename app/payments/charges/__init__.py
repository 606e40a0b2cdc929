"""Merchants' charges to a card and their refunds; a library fine is a charge's purpose."""
