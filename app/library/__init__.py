"""Library fines paid with the card, cleared in the library's own system over SIP2."""
