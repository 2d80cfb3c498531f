#!/usr/bin/env python3
"""Lists at plant scale: the Invitations tab, Users and the Audit log with 100k rows each.

Fills the tables the way an operator's would fill: invitations through the real send path
(`POST /api/send_invitation`, driven by wrk at concurrency 32 until BENCH_ROWS exist, each with
its outbox row and audit event), mail going to a real SMTP server process
(server/tests/support/smtp_sink.py) all the while; Users gets BENCH_ROWS people written straight
into the table (accepting 100k invitations would be 100k argon2 hashes and prove nothing about
the list). Then each list page, as the admin's browser asks for it (server-rendered HTML, its
data included), is read by wrk at concurrency 8 for BENCH_DURATION: the first page, a status
filter, the Expired filter (after a tenth of the invitations ran out at once: the first look,
which marks them, is timed on its own), a filter that matches nothing, and a page 90% of the
way down: once while the outbox is still handing the backlog of mail to the SMTP server (which
shares the CPUs), and once more after it has drained. Reports requests/s, p50/p99, the
server's CPU per request and its memory, and how much mail was waiting. The tables are analysed after the fill, as PostgreSQL's
autovacuum would have done by then (its statistics still say "empty" straight after).

Bounded, 127.0.0.1 only; SQLite unless BENCH_DATABASE_URL is set (bench/lists.sh runs both).
Needs the release build and wrk (Debian's package).
"""

import json
import os
import re
import subprocess
import sys
import time

from benchlib import ROOT, require_build, save_report, server_with_sink

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
DURATION = os.environ.get("BENCH_DURATION", "10s")
DRAIN = int(os.environ.get("BENCH_DRAIN_SECONDS", "600"))
INVITE_LUA = os.path.join(ROOT, "bench", "invite.lua")


def waiting_mail(server):
    return int(server.query("SELECT COUNT(*) FROM email_outbox WHERE status IN ('queued', 'retrying', 'sending')")[0][0])


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def wrk(args, env=None):
    out = subprocess.run(["wrk", *args], capture_output=True, text=True, check=True, env=env).stdout
    def find(pattern):
        match = re.search(pattern, out, re.M)
        return match.group(1) if match else None
    return {
        "requests": int(find(r"^\s*(\d+) requests in") or 0),
        "rps": float(find(r"Requests/sec:\s+([\d.]+)") or 0),
        "p50": find(r"^\s+50%\s+(\S+)"),
        "p99": find(r"^\s+99%\s+(\S+)"),
        "non_2xx": int(find(r"Non-2xx or 3xx responses: (\d+)") or 0),
    }


def fill_invitations(server, cookie):
    env = dict(os.environ, ONBOARD_COOKIE=cookie, ONBOARD_BENCH_PREFIX="fill")
    started = time.time()
    rounds = 0
    while int(server.query("SELECT COUNT(*) FROM invitations")[0][0]) < ROWS:
        rounds += 1
        env["ONBOARD_BENCH_PREFIX"] = f"fill{rounds}"
        wrk(["-t2", "-c32", "-d5s", "-s", INVITE_LUA, f"http://127.0.0.1:{server.port}"], env=env)
    return round(time.time() - started, 1)


def fill_users(server):
    server.execute(f"""
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {ROWS})
        INSERT INTO users (email, email_canonical, name, first_name, last_name, role, status, password_hash, created_at, updated_at)
        SELECT 'person' || i || '@example.com', 'person' || i || '@example.com', 'Person ' || i, 'Person', '' || i,
               'employee', 'active', (SELECT password_hash FROM users WHERE id = 1),
               (SELECT created_at FROM users WHERE id = 1), (SELECT updated_at FROM users WHERE id = 1)
        FROM n""")


def measure(server, cookie, path):
    before = cpu_ticks(server.process.pid)
    result = wrk(["-t2", "-c8", f"-d{DURATION}", "--latency", "-H", f"Cookie: {cookie}", "-H", "Accept: text/html",
                  f"http://127.0.0.1:{server.port}{path}"])
    ticks = cpu_ticks(server.process.pid) - before
    result["cpu_ms_per_request"] = round(ticks * 1000 / os.sysconf("SC_CLK_TCK") / max(1, result["requests"]), 2)
    result["path"] = path
    return result


def main():
    require_build()
    server, sink = server_with_sink()
    server.start()
    report = {"database": "SQLite" if server.sqlite_file else "PostgreSQL", "rows": ROWS, "duration": DURATION}
    try:
        cookie = server.sign_in()
        report["rss_kib_empty"] = server.rss_kib()
        report["fill_seconds"] = fill_invitations(server, cookie)
        fill_users(server)
        report["invitations"] = int(server.query("SELECT COUNT(*) FROM invitations")[0][0])
        report["users"] = int(server.query("SELECT COUNT(*) FROM users")[0][0])
        report["audit_events"] = int(server.query("SELECT COUNT(*) FROM audit_events")[0][0])
        # A tenth of the invitations run out at once, with nothing marked yet (as after a long
        # weekend with the server off): the first look at Expired marks them all; every look
        # after that, and every sweep, finds none left to mark.
        server.execute("UPDATE invitations SET expires_at = created_at WHERE status = 'pending' AND id % 10 = 0")
        report["ran_out"] = int(server.query("SELECT COUNT(*) FROM invitations WHERE status = 'pending' AND expires_at = created_at")[0][0])
        started = time.time()
        status, _, _ = server.request("GET", "/users/invitations?status=Expired", cookie=cookie)
        report["first_expired_ms"] = round((time.time() - started) * 1000, 1)
        assert status == 200, status
        report["marked_expired"] = int(server.query("SELECT COUNT(*) FROM invitations WHERE status = 'expired'")[0][0])
        assert report["marked_expired"] >= report["ran_out"], "the first look at Expired did not mark what ran out"
        deep = int(ROWS * 0.9)
        deep_invitation = server.query(f"SELECT id FROM invitations ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET {deep}")[0][0]
        deep_user = server.query(f"SELECT id FROM users WHERE status = 'active' ORDER BY name, id LIMIT 1 OFFSET {deep}")[0][0]
        deep_event = server.query(f"SELECT id FROM audit_events ORDER BY occurred_at DESC, id DESC LIMIT 1 OFFSET {deep}")[0][0]
        paths = [
            "/users/invitations",
            "/users/invitations?status=Pending",
            "/users/invitations?status=Expired",
            "/users/invitations?status=Accepted",
            f"/users/invitations?after={deep_invitation}",
            "/users",
            f"/users?after={deep_user}",
            "/audit-log",
            "/audit-log?event=user.created",
            f"/audit-log?after={deep_event}",
        ]
        server.execute("ANALYZE" if server.sqlite_file else "VACUUM ANALYZE")
        report["waiting_mail_at_start"] = waiting_mail(server)
        report["lists"] = [measure(server, cookie, path) for path in paths]
        report["waiting_mail_at_end"] = waiting_mail(server)
        deadline = time.time() + DRAIN
        while waiting_mail(server) and time.time() < deadline:
            time.sleep(5)
        if not waiting_mail(server):
            report["quiet_lists"] = [measure(server, cookie, path) for path in paths]
        report["rss_kib_after"] = server.rss_kib()
    finally:
        server.stop()
        sink.stop()
    save_report(report, "lists", sqlite=bool(server.sqlite_file))
    print(f"{report['database']}: {report['invitations']} invitations, {report['users']} users, "
          f"{report['audit_events']} audit events (filled in {report['fill_seconds']} s); "
          f"mail waiting {report['waiting_mail_at_start']} -> {report['waiting_mail_at_end']}; "
          f"{report['ran_out']} ran out, {report['marked_expired']} stored as expired after the first look at Expired "
          f"({report['first_expired_ms']} ms); "
          f"RSS {report['rss_kib_empty'] // 1024} MB empty, {report['rss_kib_after'] // 1024} MB after")
    for title, key in [("while the mail backlog is sent", "lists"), ("after it has drained", "quiet_lists")]:
        print(f"\n{title}:")
        print("| list | requests/s | p50 | p99 | server CPU/request | non-2xx |")
        print("|---|---:|---:|---:|---:|---:|")
        for row in report.get(key, []):
            print(f"| `{row['path']}` | {row['rps']} | {row['p50']} | {row['p99']} | {row['cpu_ms_per_request']} ms | {row['non_2xx']} |")
    rows = report["lists"] + report.get("quiet_lists", [])
    sys.exit(1 if any(row["non_2xx"] for row in rows) else 0)


if __name__ == "__main__":
    main()
