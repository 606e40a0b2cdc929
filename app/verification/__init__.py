"""Merchant verification of a card's QR, and the public revocation (status) lists."""
