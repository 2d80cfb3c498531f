#!/usr/bin/env bash
# Runs a Python benchmark on SQLite, then on a fresh PostgreSQL database when one answers at
# ONBOARD_TEST_PG_URL (dropped afterwards): bench/on_both.sh bench/lists.py
set -euo pipefail
source "$(dirname "$0")/lib.sh"
script=$1
PG_URL="${ONBOARD_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432}"
status=0
echo "== $script on SQLite"
env -u BENCH_DATABASE_URL python3 "$script" || status=1
if pg_isready -q -d "$PG_URL/postgres"; then
  db="onboard_bench_$$"
  psql "$PG_URL/postgres" -qc "CREATE DATABASE $db"
  trap 'psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $db" || true' EXIT
  echo "== $script on PostgreSQL"
  BENCH_DATABASE_URL="$PG_URL/$db" python3 "$script" || status=1
else
  echo "PostgreSQL not reachable at $PG_URL: skipped"
fi
exit $status
