#!/usr/bin/env bash
# A real person's sign-in while 1,000 connections flood the server with bogus sign-ins (issue
# 13, item 9): how long until they are signed in, and what the flood gets. Bounded: 20 s of
# flood (BENCH_DURATION), 127.0.0.1 only, SQLite. Needs the release build.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
DURATION="${BENCH_DURATION:-20s}"
ulimit -n 8192

data_dir=$(mktemp -d)
port=$(free_port)
smtp_port=$(free_port)
/usr/bin/python3 server/tests/support/smtp_sink.py --port "$smtp_port" --dir "$data_dir/sink" > /dev/null & sink=$!
export DATABASE_URL="sqlite://$data_dir/bench.db?mode=rwc" DATA_DIR="$data_dir" LEPTOS_SITE_ADDR="127.0.0.1:$port" \
  PUBLIC_URL="http://127.0.0.1:$port" LEPTOS_ENV=PROD SMTP_URL="smtp://127.0.0.1:$smtp_port" RUST_LOG=error \
  LEPTOS_SITE_ROOT="$PWD/target/site" TRUSTED_PROXIES=127.0.0.1
echo "quarry lantern admin phrase" | "$BIN" create-admin --email real@example.com --name "Real Person" >/dev/null
"$BIN" serve & server=$!
trap 'kill $server $sink 2>/dev/null || true; rm -rf "$data_dir"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

# Signs the real person in N times, one after another, each from its own client address,
# retrying after Retry-After on a 503 as a browser user would by pressing the button again.
real_sign_ins() {
  /usr/bin/python3 - "$port" "$1" <<'PY'
import sys, time, urllib.request, urllib.error, statistics
port, count = sys.argv[1], int(sys.argv[2])
totals, tries_list = [], []
for n in range(count):
    start, tries = time.monotonic(), 0
    while True:
        tries += 1
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/sign_in",
            data=b"email=real%40example.com&password=quarry+lantern+admin+phrase",
            headers={"Sec-Fetch-Site": "same-origin", "X-Forwarded-For": f"192.0.2.{n % 250 + 1}",
                     "Content-Type": "application/x-www-form-urlencoded"})
        try:
            urllib.request.urlopen(request, timeout=60).read()
            break
        except urllib.error.HTTPError as e:
            if e.code != 503:
                raise
            time.sleep(float(e.headers.get("Retry-After", "2")))
    totals.append(time.monotonic() - start)
    tries_list.append(tries)
    time.sleep(0.5)
totals.sort()
print(f"signed in {count} times: median {statistics.median(totals)*1000:.0f} ms, "
      f"worst {totals[-1]*1000:.0f} ms, attempts per sign-in {min(tries_list)}-{max(tries_list)}")
PY
}

echo "== quiet server"
real_sign_ins 10
echo "== during a flood of 1,000 connections of bogus sign-ins ($DURATION)"
wrk -t2 -c1000 -d"$DURATION" --timeout 30s --latency -s bench/sign_in_flood.lua "http://127.0.0.1:$port" > "$data_dir/flood.txt" &
flood=$!
sleep 3
real_sign_ins 10
wait $flood || true
grep -E "Requests/sec|Non-2xx|requests in|Socket errors|50%|99%" "$data_dir/flood.txt" | sed 's/^/   flood: /'
