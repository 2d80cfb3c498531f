#!/usr/bin/env bash
# The release build: the server binary and the site folder (target/site), as run.sh, test.sh
# and the screenshots use it. Expects scripts/env.sh to be sourced (setup.sh has run).
#   --precompress  brotli and gzip copies of the browser files, served to browsers that take them
#   --split        the lazy pages (app/src/lazy_pages.rs) in WASM files of their own, loaded
#                  when first shown; without it their #[lazy] imports point at a missing file
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo leptos build --release --precompress --split "$@"
