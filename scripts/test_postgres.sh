# Which PostgreSQL the tests run on (sourced by scripts/test.sh, not run).
#
# The machine's own when one answers at ONBOARD_TEST_PG_URL (postgres://postgres@127.0.0.1:5432
# unless set); otherwise a private cluster of Debian's PostgreSQL in a fresh temporary folder,
# on a port nothing else uses, listening on 127.0.0.1 only, with trust authentication for its
# one user, stopped and removed when the tests end. ONBOARD_TEST_SKIP_PG=1 is the only way to
# leave PostgreSQL out.
#
# Every database a run makes starts with ONBOARD_TEST_PG_PREFIX (a fresh one per run), and the
# run drops only those: two runs on one server never drop each other's databases.

PG_PRIVATE_DIR=""

pg_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$found" ] && [ -x "$found/initdb" ] && printf '%s\n' "$found"
}

# As the postgres account when run as root: PostgreSQL refuses to run as root.
as_pg_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start_private() {
  local bin port
  bin=$(pg_bin) || { echo "!! Debian's postgresql is not installed (scripts/setup.sh installs it)"; return 1; }
  PG_PRIVATE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/onboard-pg-XXXXXX")
  [ "$(id -u)" = 0 ] && chown postgres: "$PG_PRIVATE_DIR"
  as_pg_owner "$bin/initdb" -D "$PG_PRIVATE_DIR/data" -U postgres --auth=trust --no-sync >"$PG_PRIVATE_DIR/initdb.log" 2>&1 ||
    { cat "$PG_PRIVATE_DIR/initdb.log"; return 1; }
  # A port the system hands out now; if another process takes it first, the server fails to
  # start and the next one is tried.
  for _ in 1 2 3 4 5; do
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    if as_pg_owner "$bin/pg_ctl" -D "$PG_PRIVATE_DIR/data" -l "$PG_PRIVATE_DIR/server.log" -w -t 60 \
      -o "-h 127.0.0.1 -p $port -k $PG_PRIVATE_DIR -c fsync=off -c max_connections=200" start >/dev/null; then
      PG_URL="postgres://postgres@127.0.0.1:$port"
      echo "==> A private PostgreSQL for this run at $PG_URL ($PG_PRIVATE_DIR)"
      return 0
    fi
  done
  cat "$PG_PRIVATE_DIR/server.log"
  return 1
}

pg_stop_private() {
  [ -n "$PG_PRIVATE_DIR" ] || return 0
  as_pg_owner "$(pg_bin)/pg_ctl" -D "$PG_PRIVATE_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_PRIVATE_DIR"
  PG_PRIVATE_DIR=""
}

# Drops this run's databases (those named with its prefix).
pg_drop_ours() {
  psql "$PG_URL/postgres" -Atqc "SELECT datname FROM pg_database WHERE datname LIKE '${ONBOARD_TEST_PG_PREFIX}%'" |
    while read -r db; do psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null; done
}

# Sets PG_URL to the PostgreSQL this run uses; answers non-zero when there is none.
pg_choose() {
  PG_URL="${ONBOARD_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432}"
  if pg_isready -q -d "$PG_URL/postgres" 2>/dev/null; then
    echo "==> PostgreSQL: the machine's, at $PG_URL"
  else
    echo "==> No PostgreSQL answers at $PG_URL: starting a private one"
    pg_start_private || return 1
  fi
  export ONBOARD_TEST_PG_URL="$PG_URL"
  export ONBOARD_TEST_PG_PREFIX="onboard_test_$(date +%s)_$$_"
}
