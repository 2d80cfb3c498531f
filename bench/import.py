#!/usr/bin/env python3
"""Importing a whole plant: the preview of a 5,000-row file, and the import job's rate.

Seeds BENCH_ROWS (100k) people straight into `users`, as bench/users.py does, so every
lookup the preview and the job make runs against tables at plant scale. Then, as the admin's
browser does (a multipart upload to the server function):

- previews a 5,000-row CSV (semicolons, accents, a tenth shop-floor rows, a few bad and
  repeated rows, one address per 500 already taken) BENCH_PREVIEWS times and reports the
  time per preview (median and worst);
- starts the import with the hourly limit raised (INVITE_RATE_LIMIT, as an operator would
  for an onboarding day) and reports the job's rate: rows settled per second from the
  import's start to its finish, read from the database, and how long the mail took to
  reach a real SMTP server process (aiosmtpd), which shares the two cores.

Bounded, 127.0.0.1 only; SQLite unless BENCH_DATABASE_URL is set (`bench/on_both.sh
bench/import.py` runs both). Needs the release build.
"""

import http.client
import json
import os
import statistics
import sys
import time

from benchlib import ROOT, require_build, save_report, server_with_sink
from users import seed

FILE_ROWS = 5000
PREVIEWS = int(os.environ.get("BENCH_PREVIEWS", "5"))


def plant_file(taken):
    lines = ["\ufeffEmail;First name;Last name;Employee number;Role;Department;Location"]
    for i in range(1, FILE_ROWS + 1):
        if i % 500 == 0:
            lines.append(f"{taken[i // 500 % len(taken)]};;;;Employee;;")
        elif i % 250 == 0:
            lines.append(f"not an address {i};;;;Employee;;")
        elif i % 333 == 0:
            lines.append("import.person1@example.com;Repeated;Row;;Employee;;")
        elif i % 10 == 0:
            lines.append(f";Zoë;Núñez {i};IMP-{i:05d};Employee;Department {i % 10};Location {i % 5}")
        else:
            lines.append(f"import.person{i}@example.com;José;Müller {i};;Team Lead;Department {i % 10};Location {i % 5}")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def upload(server, cookie, endpoint, data, digest=None):
    boundary = "----onboard-bench-boundary"
    parts = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"plant.csv\"\r\n"
             f"Content-Type: text/csv\r\n\r\n".encode() + data + b"\r\n"]
    if digest:
        parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"digest\"\r\n\r\n{digest}\r\n".encode())
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    headers = {"Cookie": cookie, "Sec-Fetch-Site": "same-origin", "Accept": "application/json",
               "Content-Type": f"multipart/form-data; boundary={boundary}"}
    try:
        started = time.perf_counter()
        conn.request("POST", f"/api/{endpoint}", body=body, headers=headers)
        response = conn.getresponse()
        answer = response.read()
        elapsed = time.perf_counter() - started
    finally:
        conn.close()
    if response.status != 200:
        raise SystemExit(f"{endpoint} answered {response.status}: {answer[:300]!r}")
    return json.loads(answer), elapsed


def main():
    require_build()
    server, sink = server_with_sink()
    report = {"database": "SQLite" if server.sqlite_file else "PostgreSQL", "file_rows": FILE_ROWS}
    try:
        seed(server)
        server.start(wait_seconds=600)
        report["users"] = int(server.query("SELECT COUNT(*) FROM users")[0][0])
        taken = [r[0] for r in server.query("SELECT email FROM users WHERE email IS NOT NULL ORDER BY id LIMIT 20")]
        cookie = server.sign_in()
        data = plant_file(taken)
        report["file_bytes"] = len(data)
        times = []
        for _ in range(PREVIEWS):
            preview, elapsed = upload(server, cookie, "preview_import", data)
            times.append(elapsed)
        report["preview_seconds_median"] = round(statistics.median(times), 3)
        report["preview_seconds_worst"] = round(max(times), 3)
        report["preview_totals"] = {outcome: n for outcome, n in preview["totals"] if n}
        to_send = sum(n for outcome, n in preview["totals"] if outcome in ("Email", "ShopFloor"))
        mail_before = sink.count()
        import_id, _ = upload(server, cookie, "start_import", data, preview["digest"])
        deadline = time.time() + 600
        while time.time() < deadline:
            state = server.query(f"SELECT state FROM imports WHERE id = {import_id}")[0][0]
            if state != "running":
                break
            time.sleep(0.2)
        settled = int(server.query(f"SELECT COUNT(*) FROM import_rows WHERE import_id = {import_id} AND state IN ('sent', 'failed')")[0][0])
        job_seconds = float(server.query(
            f"SELECT (julianday(finished_at) - julianday(created_at)) * 86400 FROM imports WHERE id = {import_id}"
            if server.sqlite_file else
            f"SELECT EXTRACT(EPOCH FROM finished_at - created_at) FROM imports WHERE id = {import_id}")[0][0])
        report["job_rows"] = settled
        report["job_seconds"] = round(job_seconds, 2)
        report["job_rows_per_second"] = round(settled / job_seconds) if job_seconds else None
        emails = int(server.query(f"SELECT COUNT(*) FROM import_rows WHERE import_id = {import_id} AND state = 'sent' AND kind = 'email'")[0][0])
        mail_started = time.time()
        arrived = sink.wait_for(mail_before + emails, 300) - mail_before
        report["mail_expected"] = emails
        report["mail_arrived"] = arrived
        report["mail_seconds_after_job"] = round(time.time() - mail_started, 1)
        report["to_send"] = to_send
    finally:
        server.stop()
        sink.stop()
    save_report(report, "import", sqlite=bool(server.sqlite_file))
    print(json.dumps(report, indent=2))
    sys.exit(0 if report["job_rows"] == report["to_send"] and report["mail_arrived"] == report["mail_expected"] else 1)


if __name__ == "__main__":
    main()
