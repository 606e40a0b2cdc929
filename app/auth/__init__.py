"""Staff accounts, roles and tokens; the guard every route declares."""
