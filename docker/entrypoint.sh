#!/bin/sh
# The container's start: bring the schema up to date, then serve. The test suite runs this script too
# (tests/test_container_start.py), since no container engine runs on the development machines.
set -eu
: "${DATABASE_URL:?set DATABASE_URL, e.g. postgresql://user:pass@db:5432/resident_id}"
RESIDENT_ID="${RESIDENT_ID_BIN:-resident-id}"
"$RESIDENT_ID" db upgrade
exec "$RESIDENT_ID" serve --host "${HOST:-0.0.0.0}" --port "${PORT:-8000}" --workers "${WORKERS:-2}"
