"""The print queue and what the card-printer workstation pulls from it."""
