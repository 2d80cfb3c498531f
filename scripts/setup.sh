#!/usr/bin/env bash
# Installs whatever Onboard needs and is missing; quick when everything is there already.
# Needs rustup, Node.js/npm and apt (Debian). Nothing is downloaded from outside the package
# registries: no browser downloads, no prebuilt tool binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# --- Debian packages: Chromium for the browser tests, PostgreSQL, the SMTP sink for mail tests, wrk for bench/.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v pg_isready >/dev/null || missing+=(postgresql-client)
# The server itself, for a private cluster when the machine runs no PostgreSQL (scripts/test_postgres.sh).
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || missing+=(python3-aiosmtpd)
command -v wrk >/dev/null || missing+=(wrk)  # the load generator of bench/
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# --- Rust: the WASM target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "Adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# --- The nightly toolchain with the standard library's source: scripts/build.sh builds the
# browser's WASM with it, the standard library rebuilt so that panics stop at once.
if ! rustup toolchain list | grep -q '^nightly'; then
  say "Installing the nightly toolchain (for the browser's WASM)"
  rustup toolchain install nightly --profile minimal
fi
if ! rustup component list --installed --toolchain nightly | grep -q '^rust-src'; then
  say "Adding the standard library's source to nightly (for the browser's WASM)"
  rustup component add rust-src --toolchain nightly
fi

# --- cargo-leptos 0.3.11 (no_downloads: it may not fetch wasm-opt or sass). It needs rustc
# 1.96+, so it is built with nightly when stable is older. Takes ~14 minutes once.
LEPTOS_VERSION=0.3.11
if ! cargo leptos --version 2>/dev/null | grep -q "$LEPTOS_VERSION"; then
  toolchain=""
  minor=$(rustc --version | sed -E 's/rustc 1\.([0-9]+).*/\1/')
  if [ "$minor" -lt 96 ]; then
    toolchain="+nightly"
  fi
  say "Installing cargo-leptos $LEPTOS_VERSION (about 14 minutes, once)"
  # The cargo-leptos build must not use Onboard's shared target folder.
  env -u CARGO_TARGET_DIR cargo $toolchain install cargo-leptos --version "$LEPTOS_VERSION" --features no_downloads --locked
fi

# --- wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WB_VERSION"; then
  say "Installing wasm-bindgen-cli $WB_VERSION"
  env -u CARGO_TARGET_DIR cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi

# --- npm packages of end2end/ from its lockfile: Playwright (no browser) and binaryen (wasm-opt).
if [ ! -x end2end/node_modules/.bin/playwright ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "Installing end2end npm packages"
  (cd end2end && npm ci --no-audit --no-fund)
fi
command -v wasm-opt >/dev/null || { echo "wasm-opt is missing from end2end/node_modules/.bin" >&2; exit 1; }
say "Set-up complete"
