"""Card credential and renderer: pure functions, no database and no web framework."""
