#!/usr/bin/env python3
"""Mail throughput and latency through a real SMTP server process.

1. The SMTP server's own ceiling: a plain client (Python's smtplib) sends BENCH_MAILS messages
   of the invitation's size over 8 connections at once, then over one.
2. A burst: BENCH_MAILS invitations sent as fast as wrk can (concurrency 32); how fast the
   outbox hands them to the SMTP server, from the first invitation to the last arrival.
3. A steady 100 invitations per second for BENCH_STEADY_SECONDS: the time from each
   invitation's answer to its mail's arrival at the SMTP server (the file's time), p50 and p99.

Bounded, 127.0.0.1 only; SQLite unless BENCH_DATABASE_URL is set (bench/on_both.sh runs both).
"""

import json
import os
import smtplib
import subprocess
import sys
import threading
import time
from email.message import EmailMessage

from benchlib import ROOT, Server, SmtpSink, percentile, require_build, save_report

MAILS = int(os.environ.get("BENCH_MAILS", "3000"))
STEADY_SECONDS = int(os.environ.get("BENCH_STEADY_SECONDS", "30"))
INVITE_LUA = os.path.join(ROOT, "bench", "invite.lua")


def plain_client_ceiling(sink, connections):
    body = "x" * 2500  # about an invitation's size, both parts together
    per = MAILS // connections
    before = sink.count()

    def run(worker):
        with smtplib.SMTP("127.0.0.1", sink.port) as smtp:
            for n in range(per):
                message = EmailMessage()
                message["From"], message["To"], message["Subject"] = "bench@example.com", f"plain{worker}-{n}@example.com", "Ceiling"
                message.set_content(body)
                smtp.send_message(message)

    started = time.time()
    threads = [threading.Thread(target=run, args=(w,)) for w in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sink.wait_for(before + per * connections, 60)
    return round(per * connections / (time.time() - started), 1)


def burst(server, sink, cookie):
    before = sink.count()
    env = dict(os.environ, ONBOARD_COOKIE=cookie, ONBOARD_BENCH_PREFIX="burst")
    started = time.time()
    sent = 0
    while sent < MAILS:
        subprocess.run(["wrk", "-t2", "-c32", "-d1s", "-s", INVITE_LUA, f"http://127.0.0.1:{server.port}"],
                       capture_output=True, check=True, env=env)
        env["ONBOARD_BENCH_PREFIX"] = f"burst{time.time_ns()}"
        sent = count_burst(server)
    invited_in = time.time() - started
    # Requests wrk left in flight when it stopped still finish on the server: count after them.
    time.sleep(1)
    sent = count_burst(server)
    arrived = sink.wait_for(before + sent, 600)
    took = time.time() - started
    recipients = [mail["to"] for _, mail in sink.messages() if mail["to"].startswith("burst")]
    return {"invitations": sent, "invited_in_s": round(invited_in, 1), "delivered": arrived - before,
            "duplicates": len(recipients) - len(set(recipients)),
            "delivered_in_s": round(took, 1), "mails_per_s": round((arrived - before) / took, 1)}


def count_burst(server):
    return int(server.query("SELECT COUNT(*) FROM invitations WHERE email LIKE 'burst%'")[0][0])


def steady(server, sink, cookie):
    answered = {}
    interval = 0.01
    started = time.time()
    n = 0
    while time.time() - started < STEADY_SECONDS:
        due = started + n * interval
        if due > time.time():
            time.sleep(due - time.time())
        email = f"steady{n}@example.com"
        status, _, _ = server.request("POST", "/api/send_invitation", {"email": email, "role": "employee"}, cookie)
        if status == 200:
            answered[email] = time.time()
        n += 1
    rate = n / (time.time() - started)
    time.sleep(5)
    arrivals = sink.arrivals()
    latencies = [arrivals[e] - t for e, t in answered.items() if e in arrivals]
    return {"rate_per_s": round(rate, 1), "invitations": len(answered), "delivered": len(latencies),
            "p50_ms": round(percentile(latencies, 50) * 1e3, 1), "p99_ms": round(percentile(latencies, 99) * 1e3, 1),
            "max_ms": round(max(latencies) * 1e3, 1) if latencies else None}


def main():
    require_build()
    sink = SmtpSink()
    sink.start()
    report = {"mails": MAILS}
    try:
        report["ceiling_8_connections_per_s"] = plain_client_ceiling(sink, 8)
        report["ceiling_1_connection_per_s"] = plain_client_ceiling(sink, 1)
        server = Server(smtp_url=sink.url)
        report["database"] = "SQLite" if server.sqlite_file else "PostgreSQL"
        server.create_admin()
        server.start()
        try:
            cookie = server.sign_in()
            report["burst"] = burst(server, sink, cookie)
            report["steady"] = steady(server, sink, cookie)
        finally:
            server.stop()
    finally:
        sink.stop()
    save_report(report, "mail", sqlite=report.get("database") == "SQLite")
    print(json.dumps(report, indent=2))
    lost = report["burst"]["invitations"] - report["burst"]["delivered"] + report["steady"]["invitations"] - report["steady"]["delivered"]
    sys.exit(1 if lost else 0)


if __name__ == "__main__":
    main()
