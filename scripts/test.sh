#!/usr/bin/env bash
# Set up whatever is missing, then run every test: unit and HTTP tests on SQLite, the same on
# PostgreSQL when one answers at ONBOARD_TEST_PG_URL, and the browser tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

# A linker that runs out of disk dies with a bus error rather than a clear message. When the
# disk holding the build folder is nearly full, drop the incremental caches (cargo rebuilds
# them) before building, and say so.
free_gib() { df -Pk "$(dirname "$CARGO_TARGET_DIR")" | awk 'NR == 2 { print int($4 / 1048576) }'; }
mkdir -p "$CARGO_TARGET_DIR"
if [ "$(free_gib)" -lt 8 ]; then
  echo "!! Only $(free_gib) GiB free beside $CARGO_TARGET_DIR: removing incremental build caches"
  rm -rf "$CARGO_TARGET_DIR"/*/incremental "$CARGO_TARGET_DIR"/*/*/incremental
  echo "   now $(free_gib) GiB free"
fi

PG_URL="${ONBOARD_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432}"
export ONBOARD_TEST_PG_URL="$PG_URL"
PACKAGES=(-p app -p server -p migrations --features app/ssr)
summary=()

run_rust_tests() {
  local label=$1
  echo "==> Rust tests on $label"
  if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run "${PACKAGES[@]}" --no-fail-fast
  else
    cargo test "${PACKAGES[@]}" --no-fail-fast
  fi
  summary+=("Rust tests on $label: passed")
}

run_rust_tests SQLite

if pg_isready -q -d "$PG_URL/postgres" 2>/dev/null; then
  # Leftovers from earlier runs that were stopped half-way.
  psql "$PG_URL/postgres" -Atqc "SELECT datname FROM pg_database WHERE datname LIKE 'onboard_test_%'" |
    while read -r db; do psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS \"$db\"" >/dev/null; done
  ONBOARD_TEST_DB=postgres run_rust_tests PostgreSQL
  psql "$PG_URL/postgres" -Atqc "SELECT datname FROM pg_database WHERE datname LIKE 'onboard_test_%'" |
    while read -r db; do psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS \"$db\"" >/dev/null; done
else
  echo "!! PostgreSQL is not reachable at $PG_URL: SKIPPING the PostgreSQL run (set ONBOARD_TEST_PG_URL)."
  summary+=("Rust tests on PostgreSQL: SKIPPED (not reachable at $PG_URL)")
fi

echo "==> Browser tests (release build, Chromium)"
scripts/build.sh
scripts/wasm_budget.sh
summary+=("WASM size: within its budget")
(cd end2end && ONBOARD_SERVER_BIN="$CARGO_TARGET_DIR/release/server" LEPTOS_SITE_ROOT="$ONBOARD_ROOT/target/site" npx playwright test)
summary+=("Browser tests: passed")

printf '%s\n' "${summary[@]}"
