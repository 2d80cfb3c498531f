#!/usr/bin/env python3
"""Load test of accepting invitations.

Measures accepted invitations per second at concurrency 2 and 8 against the ceiling
`cores / one argon2id hash time` (measured by `server measure-hash` just before each level),
and the latency of an admin page fetched every 50 ms while the accepts run.

Bounded: a fixed number of invitations per level, 127.0.0.1 only, SQLite unless
BENCH_DATABASE_URL is set. Needs the release build (cargo leptos build --release).
"""

import json
import os
import re
import sys
import threading
import time

from benchlib import ROOT, Server, percentile, require_build, save_report

LEVELS = [2, 8]
PER_LEVEL = int(os.environ.get("BENCH_ACCEPTS", "480"))
PASSWORD = "bench passphrase one"


def invite_all(server, admin_cookie, count, prefix):
    for n in range(count):
        status, _, body = server.request("POST", "/api/send_invitation", {"email": f"{prefix}{n}@example.com", "role": "employee"}, admin_cookie)
        if status != 200:
            raise SystemExit(f"invite failed: {status} {body!r}")


def tokens_for(server, prefix, count):
    """Reads the links from the captured mail (no SMTP_URL: mail goes to DATA_DIR/mail)."""
    found = {}
    mail_dir = os.path.join(server.data, "mail")
    deadline = time.time() + 60
    while len(found) < count and time.time() < deadline:
        for name in os.listdir(mail_dir) if os.path.isdir(mail_dir) else []:
            if name.endswith(".txt") and name not in found:
                text = open(os.path.join(mail_dir, name)).read()
                if text.startswith(f"To: {prefix}"):
                    match = re.search(r"/invitation/([A-Za-z0-9_-]{43})", text)
                    if match:
                        found[name] = match.group(1)
        time.sleep(0.2)
    if len(found) < count:
        raise SystemExit(f"only {len(found)} of {count} invitation mails arrived")
    return list(found.values())


def run_level(server, tokens, concurrency, admin_cookie):
    lock = threading.Lock()
    queue = list(tokens)
    results = []
    page_times = []
    done = threading.Event()

    def accept_worker():
        while True:
            with lock:
                if not queue:
                    return
                token = queue.pop()
            start = time.perf_counter()
            status, _, body = server.request(
                "POST",
                "/api/accept_invitation",
                {"password": PASSWORD + token[:6], "password_confirmation": PASSWORD + token[:6],
                 "first_name": "Bench", "last_name": "Joiner", "language": "en"},
                cookie=f"onboard_invitation={token}",
            )
            with lock:
                results.append((status, time.perf_counter() - start))
            if status != 200:
                print(f"accept failed: {status} {body[:200]!r}", file=sys.stderr)

    def page_prober():
        while not done.is_set():
            start = time.perf_counter()
            status, _, _ = server.request("GET", "/users", cookie=admin_cookie)
            page_times.append(time.perf_counter() - start)
            if status != 200:
                print(f"page failed: {status}", file=sys.stderr)
            time.sleep(0.05)

    prober = threading.Thread(target=page_prober)
    prober.start()
    started = time.perf_counter()
    workers = [threading.Thread(target=accept_worker) for _ in range(concurrency)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    done.set()
    prober.join()
    ok = sum(1 for status, _ in results if status == 200)
    return {
        "concurrency": concurrency,
        "accepted": ok,
        "failed": len(results) - ok,
        "seconds": round(elapsed, 2),
        "accepted_per_s": round(ok / elapsed, 1),
        "accept_p50_ms": round(percentile([t for _, t in results], 50) * 1e3, 1),
        "accept_p99_ms": round(percentile([t for _, t in results], 99) * 1e3, 1),
        "page_fetches": len(page_times),
        "page_p50_ms": round(percentile(page_times, 50) * 1e3, 1),
        "page_p99_ms": round(percentile(page_times, 99) * 1e3, 1),
    }


def main():
    require_build()
    server = Server()
    server.create_admin()
    server.start()
    try:
        admin_cookie = server.sign_in()
        # Warm-up, not recorded: the pool opens its connections, caches fill.
        invite_all(server, admin_cookie, 16, "warm-")
        run_level(server, tokens_for(server, "warm-", 16), 2, admin_cookie)
        rows = []
        for level in LEVELS:
            prefix = f"c{level}-"
            invite_all(server, admin_cookie, PER_LEVEL, prefix)
            tokens = tokens_for(server, prefix, PER_LEVEL)
            # The ceiling is measured right before each level: this machine's speed drifts.
            measured = server.cli("measure-hash", "--samples", "21")
            fields = dict(part.split("=") for part in measured.split())
            row = run_level(server, tokens, level, admin_cookie)
            row.update(hash_ms=float(fields["hash_ms"]), ceiling_per_s=float(fields["ceiling_per_s"]))
            row["share_of_ceiling"] = round(row["accepted_per_s"] / row["ceiling_per_s"], 3)
            rows.append(row)
    finally:
        server.stop()
    report = {"cores": int(fields["cores"]), "levels": rows}
    save_report(report, "accept")
    for row in rows:
        print(
            f"c={row['concurrency']}: {row['accepted_per_s']} accepts/s, ceiling {row['ceiling_per_s']} "
            f"(one hash {row['hash_ms']} ms on {report['cores']} cores): {row['share_of_ceiling']:.0%}; "
            f"accept p50 {row['accept_p50_ms']} ms p99 {row['accept_p99_ms']} ms; "
            f"page p50 {row['page_p50_ms']} ms p99 {row['page_p99_ms']} ms over {row['page_fetches']} fetches; "
            f"{row['failed']} failed"
        )


if __name__ == "__main__":
    main()
