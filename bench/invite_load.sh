#!/usr/bin/env bash
# Load test of sending invitations: requests/s and p50/p99 latency at concurrency 1, 8 and 32,
# on SQLite and (when reachable) PostgreSQL, with the hourly limit raised for the run.
# Bounded: 10 s per level, 127.0.0.1 only. Needs the release build (cargo leptos build --release).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
DURATION="${BENCH_DURATION:-10s}"
PG_URL="${ONBOARD_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432}"
OUT="bench/results"
mkdir -p "$OUT"

# CPU time the server process has used so far, in clock ticks (user + system).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }


run_backend() {
  local backend=$1 database_url=$2 data_dir
  data_dir=$(mktemp -d)
  local port; port=$(free_port)
  export DATABASE_URL="$database_url" DATA_DIR="$data_dir" LEPTOS_SITE_ADDR="127.0.0.1:$port" \
    PUBLIC_URL="http://127.0.0.1:$port" INVITE_RATE_LIMIT=1000000 LEPTOS_ENV=PROD MAIL_CAPTURE=on RUST_LOG=warn \
    LEPTOS_SITE_ROOT="$PWD/target/site"
  echo "quarry lantern admin phrase" | "$BIN" create-admin --email bench@example.com --name "Bench Admin" >/dev/null
  "$BIN" serve & local pid=$!
  trap "kill $pid 2>/dev/null || true" RETURN
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  local cookie
  cookie=$(curl -s -D - -o /dev/null -H 'Sec-Fetch-Site: same-origin' \
    --data-urlencode 'email=bench@example.com' --data-urlencode 'password=quarry lantern admin phrase' \
    "http://127.0.0.1:$port/api/sign_in" | awk -F'[ ;]' 'tolower($1)=="set-cookie:" {print $2}')
  for c in 1 8 32; do
    local threads=$(( c < 2 ? c : 2 ))
    local before; before=$(cpu_ticks "$pid")
    ONBOARD_COOKIE="$cookie" ONBOARD_BENCH_PREFIX="c$c" \
      wrk -t"$threads" -c"$c" -d"$DURATION" --latency -s bench/invite.lua "http://127.0.0.1:$port" > "$OUT/$backend-c$c.txt"
    local after; after=$(cpu_ticks "$pid")
    local rps p50 p99 errors requests cpu
    rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/$backend-c$c.txt")
    p50=$(awk '$1=="50%" {print $2}' "$OUT/$backend-c$c.txt")
    p99=$(awk '$1=="99%" {print $2}' "$OUT/$backend-c$c.txt")
    errors=$(awk '/Non-2xx/ {print $5}' "$OUT/$backend-c$c.txt")
    requests=$(awk '/requests in/ {print $1}' "$OUT/$backend-c$c.txt")
    cpu=$(awk -v t=$((after - before)) -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f ms", t * 1000 / hz / n}')
    printf '| %-10s | %3s | %9s | %8s | %8s | %s | %s |\n' "$backend" "$c" "$rps" "$p50" "$p99" "$cpu" "${errors:-0}"
  done
}

echo "| database   |  c  | requests/s |   p50    |   p99    | server CPU/request | non-2xx |"
echo "|------------|-----|------------|----------|----------|--------------------|---------|"
run_backend SQLite "sqlite://$(mktemp -d)/bench.db?mode=rwc"
if pg_isready -q -d "$PG_URL/postgres"; then
  db="onboard_bench_$$"
  psql "$PG_URL/postgres" -qc "CREATE DATABASE $db"
  run_backend PostgreSQL "$PG_URL/$db"
  psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $db"
else
  echo "PostgreSQL not reachable at $PG_URL: skipped"
fi
