"""Card records: numbers, lifecycle (pending_print, active, revoked, expired), replacement."""
