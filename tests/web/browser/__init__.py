"""Browser tests (a package, so its module names cannot clash with the HTTP tests' in tests/web)."""
