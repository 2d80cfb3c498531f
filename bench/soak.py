#!/usr/bin/env python3
"""Soak test: ten minutes of mixed use with the mail server stopped and restarted halfway.

Runs the release server against a real SMTP server process (server/tests/support/smtp_sink.py,
Debian's aiosmtpd) and, for BENCH_SOAK_SECONDS (600 by default), keeps up at once:
  - two admins' worth of invitations (one request at a time per thread, two threads),
  - accepts of the invitations whose mail has arrived,
  - sign-ins of the admin and of people who have joined,
  - reads of Users, Invitations (all and Pending) and the Audit log.
At the half-way mark the SMTP server is stopped; a minute later a new one starts on the same
port. When the load stops, the script waits for the outbox to drain and then reports:
  - responses by kind and status, and the count of 5xx (target 0),
  - lost invitations: answered 200 but not in the database, or never mailed (target 0),
  - duplicate mails: a recipient mailed more than once (no Resend is used, so target 0),
  - the server's memory (RSS) and, on SQLite, the write-ahead log's size, sampled every 10 s.

Bounded and local: 127.0.0.1 only, stops by itself. SQLite unless BENCH_DATABASE_URL is set.
Needs the release build (cargo leptos build --release) and python3-aiosmtpd.
"""

import collections
import json
import os
import re
import sys
import threading
import time

from benchlib import ADMIN_EMAIL, ADMIN_PASSWORD, ROOT, Server, SmtpSink, percentile, require_build

SECONDS = int(os.environ.get("BENCH_SOAK_SECONDS", "600"))
OUTAGE = int(os.environ.get("BENCH_SOAK_OUTAGE_SECONDS", str(max(10, min(60, SECONDS // 10)))))
DRAIN = int(os.environ.get("BENCH_SOAK_DRAIN_SECONDS", "300"))
JOINER_PASSWORD = "soak joiner passphrase"
TOKEN = re.compile(r"/invitation/([A-Za-z0-9_-]{43})")


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = collections.Counter()
        self.latency = collections.defaultdict(list)
        self.invited = set()
        self.accepted = set()

    def record(self, kind, status, seconds):
        with self.lock:
            self.statuses[(kind, status)] += 1
            self.latency[kind].append(seconds)


def timed(tally, kind, call):
    start = time.perf_counter()
    try:
        status, cookie, body = call()
    except OSError as err:
        tally.record(kind, f"error: {type(err).__name__}", time.perf_counter() - start)
        return None, "", b""
    tally.record(kind, status, time.perf_counter() - start)
    return status, cookie, body


def run_load(server, sink, admin_cookie, tally, stop):
    counter = iter(range(10**9))
    counter_lock = threading.Lock()
    used_tokens = set()  # names of the mail files already taken

    def inviter(tid):
        while not stop.is_set():
            with counter_lock:
                n = next(counter)
            email = f"soak-{tid}-{n}@example.com"
            status, _, _ = timed(tally, "invite", lambda: server.request(
                "POST", "/api/send_invitation", {"email": email, "role": "employee"}, admin_cookie))
            if status == 200:
                with tally.lock:
                    tally.invited.add(email)
            time.sleep(0.02)

    def acceptor():
        while not stop.is_set():
            fresh = []
            for name, mail in sink.messages():
                if name in used_tokens:
                    continue
                used_tokens.add(name)
                match = TOKEN.search(mail.get("text", ""))
                if match:
                    fresh.append((mail["to"], match.group(1)))
            for to, token in fresh:
                if stop.is_set():
                    return
                status, _, _ = timed(tally, "accept", lambda: server.request(
                    "POST", "/api/accept_invitation",
                    {"password": JOINER_PASSWORD, "password_confirmation": JOINER_PASSWORD,
                     "first_name": "Soak", "last_name": "Joiner", "language": "en"},
                    cookie=f"onboard_invitation={token}"))
                if status == 200:
                    with tally.lock:
                        tally.accepted.add(to)
            stop.wait(0.5)

    def signer():
        while not stop.is_set():
            with tally.lock:
                joiners = sorted(tally.accepted)[-50:]
            timed(tally, "sign-in", lambda: server.request(
                "POST", "/api/sign_in", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
            if joiners:
                who = joiners[int(time.time()) % len(joiners)]
                timed(tally, "sign-in", lambda: server.request(
                    "POST", "/api/sign_in", {"email": who, "password": JOINER_PASSWORD}))
            stop.wait(0.5)

    def reader():
        pages = ["/users", "/users/invitations", "/users/invitations?status=Pending", "/audit-log"]
        n = 0
        while not stop.is_set():
            page = pages[n % len(pages)]
            n += 1
            timed(tally, "list " + page, lambda: server.request("GET", page, cookie=admin_cookie))
            stop.wait(0.1)

    threads = [threading.Thread(target=inviter, args=(t,)) for t in range(2)]
    threads += [threading.Thread(target=acceptor), threading.Thread(target=signer)]
    threads += [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    return threads


def sample(server, samples, stop):
    wal = server.sqlite_file and server.sqlite_file + "-wal"
    started = time.time()
    while not stop.is_set():
        wal_bytes = os.path.getsize(wal) if wal and os.path.exists(wal) else None
        samples.append({"t": round(time.time() - started), "rss_kib": server.rss_kib(), "wal_bytes": wal_bytes})
        stop.wait(10)


def stored_invitations(server):
    """Addresses of the soak's invitations in the database."""
    return {row[0] for row in server.query("SELECT email FROM invitations WHERE email LIKE 'soak-%'")}


def main():
    require_build()
    sink = SmtpSink()
    sink.start()
    server = Server(smtp_url=sink.url, extra_env={"SMTP_TIMEOUT": "5s"})
    server.create_admin()
    log = open(os.path.join(server.data, "server.log"), "w")
    server.start(log=log)
    tally, samples = Tally(), []
    stop_load, stop_sampling = threading.Event(), threading.Event()
    sampler = threading.Thread(target=sample, args=(server, samples, stop_sampling))
    sampler.start()
    try:
        admin_cookie = server.sign_in()
        threads = run_load(server, sink, admin_cookie, tally, stop_load)
        started = time.time()
        print(f"soak: {SECONDS} s on {'SQLite' if server.sqlite_file else 'PostgreSQL'}; SMTP stops at {SECONDS // 2} s for {OUTAGE} s", flush=True)
        time.sleep(SECONDS / 2)
        sink.stop()
        print(f"soak: SMTP stopped at {round(time.time() - started)} s", flush=True)
        time.sleep(OUTAGE)
        sink.start()
        print(f"soak: SMTP back at {round(time.time() - started)} s", flush=True)
        time.sleep(max(0, started + SECONDS - time.time()))
        stop_load.set()
        for thread in threads:
            thread.join()
        # Mail held back by the outage is retried with back-off; wait for all of it.
        deadline = time.time() + DRAIN
        while time.time() < deadline:
            mailed = {mail["to"] for _, mail in sink.messages()}
            if tally.invited <= mailed:
                break
            time.sleep(2)
        drained_after = round(time.time() - (started + SECONDS))
        stop_sampling.set()
        sampler.join()
        stored = stored_invitations(server)
    finally:
        stop_load.set()
        stop_sampling.set()
        server.stop()
        sink.stop()
        log.close()

    per_recipient = collections.Counter(mail["to"] for _, mail in sink.messages())
    duplicates = {to: n for to, n in per_recipient.items() if n > 1}
    not_stored = tally.invited - stored
    not_mailed = tally.invited - set(per_recipient)
    five_xx = sum(n for (kind, status), n in tally.statuses.items() if isinstance(status, int) and status >= 500)
    errors = sum(n for (kind, status), n in tally.statuses.items() if not isinstance(status, int))
    wal = [s["wal_bytes"] for s in samples if s["wal_bytes"] is not None]
    report = {
        "seconds": SECONDS,
        "outage_seconds": OUTAGE,
        "database": "SQLite" if server.sqlite_file else "PostgreSQL",
        "responses": {f"{kind} {status}": n for (kind, status), n in sorted(tally.statuses.items(), key=str)},
        "latency_ms": {kind: {"p50": round(percentile(v, 50) * 1e3, 1), "p99": round(percentile(v, 99) * 1e3, 1), "n": len(v)}
                       for kind, v in sorted(tally.latency.items())},
        "5xx": five_xx,
        "connection_errors": errors,
        "invitations_sent": len(tally.invited),
        "accepted": len(tally.accepted),
        "lost_not_stored": len(not_stored),
        "lost_not_mailed": len(not_mailed),
        "duplicate_mails": sum(n - 1 for n in duplicates.values()),
        "drained_seconds_after_load": drained_after,
        "rss_kib": {"first": samples[0]["rss_kib"], "peak": max(s["rss_kib"] for s in samples), "last": samples[-1]["rss_kib"]},
        "wal_bytes": {"peak": max(wal), "last": wal[-1]} if wal else None,
        "samples": samples,
        "server_log": os.path.join(server.data, "server.log"),
    }
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    name = "soak-sqlite.json" if server.sqlite_file else "soak-postgres.json"
    with open(os.path.join(ROOT, "bench", "results", name), "w") as out:
        json.dump(report, out, indent=2)
    print(json.dumps({k: v for k, v in report.items() if k != "samples"}, indent=2))
    failed = five_xx or errors or not_stored or not_mailed or duplicates
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
