# Shared environment for the Onboard scripts (sourced, not run).
# Builds reuse one target folder across clones of the repo, so a fresh clone on a machine that
# has built Onboard before only rebuilds Onboard's own crates.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/onboard/target}"
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
ONBOARD_ROOT="$PWD"
export ONBOARD_ROOT
