"""Shared by the Python benchmarks: the release server on a free port with its own data
folder, plain HTTP requests as a browser page sends them, and percentiles.

127.0.0.1 only; SQLite in the data folder unless BENCH_DATABASE_URL is set.
"""

import http.client
import os
import socket
import subprocess
import tempfile
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "server")
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

    def cli(self, *args, stdin=""):
        done = subprocess.run([BIN, *args], env=self.env, input=stdin, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"server {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
        return done.stdout

    def create_admin(self):
        self.cli("create-admin", "--email", ADMIN_EMAIL, "--name", "Bench Admin", stdin=ADMIN_PASSWORD + "\n")

    def start(self, log=None):
        """Starts the server; its log goes to `log`, or to DATA_DIR/server.log."""
        if log is None:
            log = open(os.path.join(self.data, "server.log"), "w")
        self.process = subprocess.Popen([BIN, "serve"], env=self.env, stdout=log, stderr=log)
        for _ in range(100):
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
