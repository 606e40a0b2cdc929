"""The books read back: cardholders' statements, merchants' settlements, branches' drawers."""
