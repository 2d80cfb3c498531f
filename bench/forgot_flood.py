#!/usr/bin/env python3
"""Sign-in latency while anonymous "Forgot password?" requests flood the server.

Measures a real admin's sign-in (one at a time, BENCH_SIGN_INS of them) three times:
  - on a quiet server;
  - during a control flood: FLOOD_THREADS threads send "Forgot password?" with text that is
    not an address, which the server refuses before it touches the database (but answers after
    the same 300 ms, so the pace is the same): what the flood's HTTP traffic alone costs on
    these shared CPUs;
  - during the real flood: the same threads, a new well-formed address each request, as fast as
    the answers come back (each takes at least 300 ms, so about FLOOD_THREADS / 0.3 a second).
Reports the latencies (p50, p99), each flood's request count, and the rows the real flood left
in `recovery_requests` (bounded by the per-client limit however long it runs). The real flood's
cost in the database is the difference between its sign-ins and the control's.

Mail goes to a real SMTP server process (aiosmtpd), as an operator's would. Bounded and local:
127.0.0.1 only, stops by itself. SQLite unless BENCH_DATABASE_URL is set (bench/on_both.sh).
Needs the release build (scripts/build.sh).
"""

import json
import os
import threading
import time

from benchlib import ADMIN_EMAIL, ADMIN_PASSWORD, percentile, require_build, server_with_sink

SIGN_INS = int(os.environ.get("BENCH_SIGN_INS", "200"))
FLOOD_THREADS = int(os.environ.get("BENCH_FLOOD_THREADS", "64"))


def sign_ins(server, count):
    times = []
    for _ in range(count):
        start = time.perf_counter()
        status, _, body = server.request("POST", "/api/sign_in", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
        if status != 200:
            raise SystemExit(f"sign-in failed: {status} {body[:200]!r}")
        times.append(time.perf_counter() - start)
    return times


def summary(times):
    return {"p50_ms": round(percentile(times, 50) * 1e3, 1), "p99_ms": round(percentile(times, 99) * 1e3, 1), "n": len(times)}


def during_flood(server, email_of):
    """Sign-in latencies while FLOOD_THREADS threads send "Forgot password?" for `email_of(thread,
    n)`; and the flood's requests per second."""
    stop = threading.Event()
    sent = [0] * FLOOD_THREADS

    def flood(tid):
        while not stop.is_set():
            sent[tid] += 1
            server.request("POST", "/api/forgot_password", {"email": email_of(tid, sent[tid])})

    threads = [threading.Thread(target=flood, args=(t,)) for t in range(FLOOD_THREADS)]
    started = time.time()
    for thread in threads:
        thread.start()
    time.sleep(2)
    times = sign_ins(server, SIGN_INS)
    stop.set()
    for thread in threads:
        thread.join()
    return times, round(sum(sent) / (time.time() - started), 1)


def main():
    require_build()
    server, sink = server_with_sink()
    server.start()
    try:
        sign_ins(server, 10)  # warm up
        quiet = sign_ins(server, SIGN_INS)
        control, control_sent = during_flood(server, lambda tid, n: f"not an address {tid} {n}")
        flooded, flood_sent = during_flood(server, lambda tid, n: f"flood-{tid}-{n}@example.com")
        rows = int(server.query("SELECT COUNT(*) FROM recovery_requests")[0][0])
    finally:
        server.stop()
        sink.stop()
    report = {
        "database": "SQLite" if server.sqlite_file else "PostgreSQL",
        "sign_in_quiet": summary(quiet),
        "sign_in_during_control_flood": summary(control),
        "sign_in_during_flood": summary(flooded),
        "control_flood_requests_per_second": control_sent,
        "flood_requests_per_second": flood_sent,
        "recovery_requests_rows": rows,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
