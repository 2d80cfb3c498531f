#!/usr/bin/env bash
# Set up whatever is missing, build Onboard and run it on SQLite (data/onboard.db).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

scripts/build.sh
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$PWD/target/site}"
export LEPTOS_ENV="${LEPTOS_ENV:-PROD}"
# A local trial run has no mail server: keep mail in files, listed at /mail on this machine.
[ -n "${SMTP_URL:-}" ] || export MAIL_CAPTURE="${MAIL_CAPTURE:-on}"
"$CARGO_TARGET_DIR/release/server" seed-demo
echo "Onboard is starting at ${PUBLIC_URL:-http://127.0.0.1:3000} (Ctrl+C stops it)."
exec "$CARGO_TARGET_DIR/release/server" serve
