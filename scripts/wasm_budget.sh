#!/usr/bin/env bash
# Fails when the browser's WASM, as it goes over the wire (brotli), has grown past its budget.
# Run after scripts/build.sh (cargo leptos build --release --precompress --split). The budget
# was issue 16's target, 250,000 bytes (the file was 249,066 when it was set); bench/README.md
# ("First load") has what the file holds and what was done to meet it. New browser code for
# admin pages belongs in a lazy page (app/src/lazy_pages.rs). Raise the budget only on
# purpose, in the same commit as the reason. Raised to 251,500 on 2026-12-07: the first-load
# parts of issue 35 (the phone menu in the signed-in frame, the worker's handout card in the
# Invite dialog) took the file to 250,818-250,916 (two builds of one commit in two folders
# differed by 98 bytes) after every saving tried (bench/README.md, "First load"); the 250,000
# target stands, and the next change to the first load wins it back.
set -euo pipefail
cd "$(dirname "$0")/.."
BUDGET_BYTES="${WASM_BROTLI_BUDGET:-251500}"
# The main file is named after the package's output name (onboard.<hash>.wasm); the files the
# lazy pages were split into (scripts/build.sh, --split) are loaded later and listed apart.
wasm=$(ls target/site/pkg/onboard.wasm.br target/site/pkg/onboard.*.wasm.br 2>/dev/null | head -n 1 || true)
if [ -z "$wasm" ]; then
  echo "!! No brotli WASM under target/site/pkg: build with scripts/build.sh" >&2
  exit 1
fi
size=$(stat -c %s "$wasm")
if [ "$size" -gt "$BUDGET_BYTES" ]; then
  echo "!! $wasm is $size bytes (brotli), over its budget of $BUDGET_BYTES bytes." >&2
  echo "   See what grew: twiggy top -n 30 on the .wasm; keep server-only code behind the ssr feature." >&2
  exit 1
fi
echo "==> WASM over the wire: $size bytes (brotli), budget $BUDGET_BYTES"
lazy=$(ls target/site/pkg/*.wasm.br | grep -v -x -F "$wasm" || true)
if [ -n "$lazy" ]; then
  echo "    and $(echo "$lazy" | wc -l) lazily loaded files, $(cat $lazy | wc -c) bytes (brotli) in all"
fi
