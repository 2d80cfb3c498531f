#!/usr/bin/env bash
# The release build: the server binary and the site folder (target/site), as run.sh, test.sh
# and the screenshots use it. Expects scripts/env.sh to be sourced (setup.sh has run).
#   --precompress  brotli and gzip copies of the browser files, served to browsers that take them
#   --split        the lazy pages (app/src/lazy_pages.rs) in WASM files of their own, loaded
#                  when first shown; without it their #[lazy] imports point at a missing file
#
# The browser's WASM is built with the nightly toolchain, its standard library rebuilt with
# panics that stop at once (-Cpanic=immediate-abort): no panic message, location or formatting
# code goes to the browser (bench/README.md, "First load"). The server stays on the default
# (stable) toolchain. ONBOARD_FRONT_TOOLCHAIN=stable builds the front as before, with panics
# that abort after formatting their message. The same build drops what only diagnostics read:
# `-Zfmt-debug=none` makes every `{:?}` print nothing (so the browser's code must never build a
# value it uses from `Debug`: `UnitKind::form_value` is written out for that reason), and
# `-Zlocation-detail=none` leaves out source file names and lines. The standard library is
# built with its `optimize_for_size` feature: smaller sorts and searches, slower on large
# slices, which the browser never holds (a page shows at most a hundred rows).
#
# Both halves are built with `--cfg erase_components`: Leptos then turns each component's view
# into one type-erased view (`AnyView`) instead of a type nested as deep as its markup, so the
# browser gets one copy of the rendering and hydration code where it had one per view shape
# (bench/README.md, "First load"). The server gets the same flag so that both sides match
# routes and render views the same way.
set -euo pipefail
cd "$(dirname "$0")/.."
erase="--cfg erase_components"
host=$(rustc -vV | sed -n 's/^host: //p' | tr 'a-z.-' 'A-Z__')
export "CARGO_TARGET_${host}_RUSTFLAGS=$erase"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$erase"
front="${ONBOARD_FRONT_TOOLCHAIN:-nightly}"
if [ "$front" != stable ]; then
  # cargo-leptos starts the front's cargo as plain `cargo` (the toolchain comes from
  # RUSTUP_TOOLCHAIN) and the server's as LEPTOS_BIN_CARGO_COMMAND.
  server=$(rustup default | cut -d' ' -f1)
  export LEPTOS_BIN_CARGO_COMMAND="cargo +$server"
  export RUSTUP_TOOLCHAIN="$front"
  export CARGO_UNSTABLE_BUILD_STD="std,panic_abort"
  export CARGO_UNSTABLE_BUILD_STD_FEATURES="optimize_for_size"
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none $erase"
fi
exec cargo leptos build --release --precompress --split "$@"
