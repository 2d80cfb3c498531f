"""Shared by the Python benchmarks: the release server on a free port with its own data
folder, plain HTTP requests as a browser page sends them, and percentiles.

127.0.0.1 only; SQLite in the data folder unless BENCH_DATABASE_URL is set.
"""

import http.client
import json
import os
import pathlib
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "server")
SINK = os.path.join(ROOT, "server", "tests", "support", "smtp_sink.py")
ADMIN_EMAIL = "bench@example.com"
ADMIN_PASSWORD = "quarry lantern admin phrase"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def server_with_sink(extra_env=None):
    """A started SMTP server process and a server (not started yet) that mails through it, with
    the benchmarks' admin created: how an operator runs Onboard."""
    sink = SmtpSink()
    sink.start()
    server = Server(smtp_url=sink.url, extra_env=extra_env)
    server.create_admin()
    return server, sink


def save_report(report, stem, sqlite=None):
    """Writes `report` to bench/results/: `stem`.json, or `stem`-sqlite/-postgres.json when the
    run names its database."""
    folder = os.path.join(ROOT, "bench", "results")
    os.makedirs(folder, exist_ok=True)
    name = stem if sqlite is None else f"{stem}-{'sqlite' if sqlite else 'postgres'}"
    with open(os.path.join(folder, f"{name}.json"), "w") as out:
        json.dump(report, out, indent=2)


def require_build():
    if not os.access(BIN, os.X_OK):
        raise SystemExit("build first: cargo leptos build --release")


class Server:
    """The release server. Mail is captured to DATA_DIR/mail unless `smtp_url` is given."""

    def __init__(self, smtp_url=None, extra_env=None):
        self.data = tempfile.mkdtemp(prefix="onboard-bench-")
        self.port = free_port()
        self.database_url = os.environ.get("BENCH_DATABASE_URL", f"sqlite://{self.data}/onboard.db?mode=rwc")
        self.env = dict(
            os.environ,
            DATABASE_URL=self.database_url,
            DATA_DIR=self.data,
            LEPTOS_SITE_ADDR=f"127.0.0.1:{self.port}",
            PUBLIC_URL=f"http://127.0.0.1:{self.port}",
            INVITE_RATE_LIMIT="1000000",
            LEPTOS_ENV="PROD",
            RUST_LOG="warn",
            LEPTOS_SITE_ROOT=os.path.join(ROOT, "target", "site"),
        )
        self.env.pop("SMTP_URL", None)
        self.env.pop("MAIL_CAPTURE", None)
        if smtp_url:
            self.env["SMTP_URL"] = smtp_url
        else:
            self.env["MAIL_CAPTURE"] = "on"
        self.env.update(extra_env or {})
        self.process = None

    @property
    def sqlite_file(self):
        """The SQLite database file, or None on PostgreSQL."""
        if not self.database_url.startswith("sqlite://"):
            return None
        return self.database_url[len("sqlite://"):].split("?")[0]

    def query(self, sql):
        """Rows of `sql` against the server's database, as lists of strings."""
        if self.sqlite_file:
            with sqlite3.connect(self.sqlite_file, timeout=30) as db:
                return [[str(v) for v in row] for row in db.execute(sql)]
        out = subprocess.run(["psql", self.database_url, "-AtF", "\t", "-c", sql], capture_output=True, text=True, check=True)
        return [line.split("\t") for line in out.stdout.splitlines() if line]

    def execute(self, sql):
        """Runs one statement against the server's database."""
        if self.sqlite_file:
            with sqlite3.connect(self.sqlite_file, timeout=30) as db:
                db.execute(sql)
            return
        subprocess.run(["psql", self.database_url, "-qc", sql], check=True, capture_output=True)

    def cli(self, *args, stdin=""):
        done = subprocess.run([BIN, *args], env=self.env, input=stdin, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"server {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
        return done.stdout

    def create_admin(self):
        self.cli("create-admin", "--email", ADMIN_EMAIL, "--name", "Bench Admin", stdin=ADMIN_PASSWORD + "\n")

    def insert_users(self, rows, password_hash, created_at):
        """Writes people straight into `users`: each row is (email, email_canonical,
        employee_number, employee_number_canonical, name, first_name, last_name, role,
        department_id, location_id, status), all with `password_hash` and `created_at`."""
        columns = ("email, email_canonical, employee_number, employee_number_canonical, name, first_name, last_name, "
                   "role, department_id, location_id, status, password_hash, created_at, updated_at")
        full = [row + (password_hash, created_at, created_at) for row in rows]
        if self.sqlite_file:
            with sqlite3.connect(self.sqlite_file, timeout=30) as db:
                db.executemany(f"INSERT INTO users ({columns}) VALUES ({', '.join('?' * 14)})", full)
            return
        import csv
        import io
        buffer = io.StringIO()
        csv.writer(buffer).writerows([["" if v is None else v for v in row] for row in full])
        copy = f"\\copy users ({columns}) FROM STDIN WITH (FORMAT csv, NULL '')"
        subprocess.run(["psql", self.database_url, "-qc", copy], input=buffer.getvalue(), text=True, check=True, capture_output=True)

    def start(self, log=None, wait_seconds=10):
        """Starts the server; its log goes to `log`, or to DATA_DIR/server.log."""
        if log is None:
            log = open(os.path.join(self.data, "server.log"), "w")
        self.process = subprocess.Popen([BIN, "serve"], env=self.env, stdout=log, stderr=log)
        for _ in range(wait_seconds * 10):
            try:
                self.request("GET", "/healthz")
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("the server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)

    def rss_kib(self):
        """The server's resident memory now, in KiB."""
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def request(self, method, path, form=None, cookie=None, timeout=30):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"Sec-Fetch-Site": "same-origin", "Accept": "text/html" if method == "GET" else "application/json"}
        if cookie:
            headers["Cookie"] = cookie
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            return response.status, response.getheader("Set-Cookie") or "", data
        finally:
            conn.close()

    def sign_in(self, email=ADMIN_EMAIL, password=ADMIN_PASSWORD):
        """The session cookie (`name=value`) of a successful sign-in."""
        status, set_cookie, body = self.request("POST", "/api/sign_in", {"email": email, "password": password})
        if status != 200:
            raise SystemExit(f"sign-in failed: {status} {body[:200]!r}")
        return set_cookie.split(";")[0]


class SmtpSink:
    """The real SMTP server process the benchmarks send through (Debian's aiosmtpd). Each
    start writes to a folder of its own, so a restarted server never overwrites the mail of
    the one before."""

    def __init__(self):
        self.base = pathlib.Path(tempfile.mkdtemp(prefix="onboard-bench-smtp-"))
        self.port = free_port()
        self.runs = 0
        self.process = None
        self.seen = {}
        self.lock = threading.Lock()

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def start(self):
        self.runs += 1
        folder = self.base / f"run{self.runs}"
        self.process = subprocess.Popen(["/usr/bin/python3", SINK, "--port", str(self.port), "--dir", str(folder)],
                                        stdout=subprocess.PIPE, text=True)
        if not self.process.stdout.readline().startswith("READY"):
            raise SystemExit("the SMTP server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def messages(self):
        """Every message received so far, as (file name, decoded json); each file is read once."""
        with self.lock:
            for path in self.base.glob("run*/*.json"):
                if str(path) not in self.seen:
                    try:
                        self.seen[str(path)] = (json.loads(path.read_text()), path.stat().st_mtime)
                    except (OSError, ValueError):
                        pass
            return [(name, mail) for name, (mail, _) in self.seen.items()]

    def count(self):
        return len(self.messages())

    def arrivals(self):
        """Recipient -> arrival time of its first message (the file's time)."""
        self.messages()
        found = {}
        for mail, at in sorted(self.seen.values(), key=lambda seen: seen[1]):
            found.setdefault(mail["to"], at)
        return found

    def wait_for(self, total, timeout):
        """Waits until `total` messages have arrived or `timeout` seconds pass; the count."""
        deadline = time.time() + timeout
        while self.count() < total and time.time() < deadline:
            time.sleep(0.05)
        return self.count()
