#!/usr/bin/env python3
"""Load test of accepting invitations.

Measures accepted invitations per second at concurrency 2 and 8 against the ceiling
`cores / one argon2id hash time` (measured by `server measure-hash` just before each level),
and the latency of an admin page fetched every 50 ms while the accepts run.

Bounded: a fixed number of invitations per level, 127.0.0.1 only, SQLite unless
BENCH_DATABASE_URL is set. Needs the release build (cargo leptos build --release).
"""

import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "server")
LEVELS = [2, 8]
PER_LEVEL = int(os.environ.get("BENCH_ACCEPTS", "480"))
PASSWORD = "bench passphrase one"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self):
        self.data = tempfile.mkdtemp(prefix="onboard-bench-")
        self.port = free_port()
        self.env = dict(
            os.environ,
            DATABASE_URL=os.environ.get("BENCH_DATABASE_URL", f"sqlite://{self.data}/onboard.db?mode=rwc"),
            DATA_DIR=self.data,
            LEPTOS_SITE_ADDR=f"127.0.0.1:{self.port}",
            PUBLIC_URL=f"http://127.0.0.1:{self.port}",
            INVITE_RATE_LIMIT="1000000",
            LEPTOS_ENV="PROD",
            MAIL_CAPTURE="on",
            RUST_LOG="warn",
            LEPTOS_SITE_ROOT=os.path.join(ROOT, "target", "site"),
        )
        self.env.pop("SMTP_URL", None)

    def cli(self, *args, stdin=""):
        return subprocess.run([BIN, *args], env=self.env, input=stdin, capture_output=True, text=True, check=True).stdout

    def start(self):
        self.process = subprocess.Popen([BIN, "serve"], env=self.env)
        for _ in range(100):
            try:
                self.request("GET", "/healthz")
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("the server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def request(self, method, path, form=None, cookie=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Sec-Fetch-Site": "same-origin", "Accept": "text/html" if method == "GET" else "application/json"}
        if cookie:
            headers["Cookie"] = cookie
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, response.getheader("Set-Cookie") or "", data


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


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


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
    if not os.access(BIN, os.X_OK):
        raise SystemExit("build first: cargo leptos build --release")
    server = Server()
    server.cli("create-admin", "--email", "bench@example.com", "--name", "Bench Admin", stdin="quarry lantern admin phrase\n")
    server.start()
    try:
        _, set_cookie, _ = server.request("POST", "/api/sign_in", {"email": "bench@example.com", "password": "quarry lantern admin phrase"})
        admin_cookie = set_cookie.split(";")[0]
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
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "accept.json"), "w") as out:
        json.dump(report, out, indent=2)
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
