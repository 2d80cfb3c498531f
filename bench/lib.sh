# Shared by the benchmark scripts (sourced, not run): the project's environment, wrk, the
# release binary, and a free port on 127.0.0.1.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
BIN="$CARGO_TARGET_DIR/release/server"
[ -x "$BIN" ] || { echo "build first: cargo leptos build --release" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
