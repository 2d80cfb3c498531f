#!/usr/bin/env bash
# Set up whatever is missing, then run every test: unit and HTTP tests on SQLite and on
# PostgreSQL (the machine's when one answers at ONBOARD_TEST_PG_URL, else a private one this
# script starts and stops: scripts/test_postgres.sh), then the browser journeys in Chromium on
# both databases. ONBOARD_TEST_SKIP_PG=1 leaves PostgreSQL out, and says so.
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

source scripts/test_postgres.sh
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

# PostgreSQL is chosen (or started) first, so that a run that cannot have it fails before the
# long SQLite pass, and is stopped however the run ends.
use_pg=1
if [ "${ONBOARD_TEST_SKIP_PG:-0}" = 1 ]; then
  use_pg=0
  echo "!! ONBOARD_TEST_SKIP_PG=1: the PostgreSQL passes are left out."
  summary+=("Tests on PostgreSQL: SKIPPED (ONBOARD_TEST_SKIP_PG=1)")
else
  pg_choose
  trap 'pg_drop_ours 2>/dev/null || true; pg_stop_private' EXIT
fi

run_rust_tests SQLite
if [ "$use_pg" = 1 ]; then
  ONBOARD_TEST_DB=postgres run_rust_tests PostgreSQL
  pg_drop_ours
fi

echo "==> Browser tests (release build, Chromium)"
scripts/build.sh
scripts/wasm_budget.sh
summary+=("WASM size: within its budget")
browser_tests() {
  local label=$1
  echo "==> Browser tests on $label"
  (cd end2end && ONBOARD_SERVER_BIN="$CARGO_TARGET_DIR/release/server" LEPTOS_SITE_ROOT="$ONBOARD_ROOT/target/site" npx playwright test)
  summary+=("Browser tests on $label: passed")
}
browser_tests SQLite
if [ "$use_pg" = 1 ]; then
  ONBOARD_E2E_DB=postgres browser_tests PostgreSQL
fi

printf '%s\n' "${summary[@]}"
