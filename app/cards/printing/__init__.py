"""The print queue: cards waiting for the printer, and what the print station pulls from it."""
