#!/usr/bin/env bash
# Retakes the README's screenshots (docs/screenshots/*.png) with headless Chromium against the
# release server, as the browser tests run it. Builds first if there is no release build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
[ -x "$CARGO_TARGET_DIR/release/server" ] || scripts/build.sh
(cd end2end && ONBOARD_SERVER_BIN="$CARGO_TARGET_DIR/release/server" LEPTOS_SITE_ROOT="$ONBOARD_ROOT/target/site" \
  npx playwright test --config screenshots.config.ts)
ls -l docs/screenshots
