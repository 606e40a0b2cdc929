"""Small shared pieces: errors, schema base, column types, money."""
