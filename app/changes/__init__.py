"""What rarely changes (merchant keys, the published signing keys), cached in every worker and
dropped everywhere within a second of a change: PostgreSQL's LISTEN/NOTIFY tells every worker of
every host, and where nothing listens (SQLite, or the listener's connection is down) a cached
entry lives one second. The database stays the authority: a cache only saves a read of it."""
