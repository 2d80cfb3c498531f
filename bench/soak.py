#!/usr/bin/env python3
"""Soak test: ten minutes of mixed use with the mail server stopped and restarted halfway, and a
hostile client beside it the whole time.

Runs the release server against a real SMTP server process (server/tests/support/smtp_sink.py,
Debian's aiosmtpd) and, for BENCH_SOAK_SECONDS (600 by default), keeps up at once:
  - two admins' worth of invitations (one request at a time per thread, two threads),
  - accepts of the invitations whose mail has arrived,
  - sign-ins of the admin and of people who have joined,
  - reads of Users, Invitations (all and Pending) and the Audit log,
and a hostile client (BENCH_SOAK_HOSTILE=0 leaves it out):
  - uploads of crafted workbooks (a cell in XFD1048576, one in XFD6000, a shared string filling
    tens of thousands of cells, a zip that unpacks to 100 MB), of a file with a 20 MB `digest`
    field (its length said, none of it sent), of unknown fields, and anonymous uploads with a
    malformed multipart header,
  - an anonymous "Forgot password?" flood (two threads, a new address each request).
At the half-way mark the SMTP server is stopped; a minute later a new one starts on the same
port. When the load stops, the script waits for the outbox to drain and then reports:
  - responses by kind and status, and the count of 5xx for the normal clients (target 0) and
    for the hostile one (target 0: every hostile request gets a 4xx),
  - lost invitations: answered 200 but not in the database, or never mailed (target 0),
  - duplicate mails: a recipient mailed more than once (no Resend is used, so target 0),
  - the server's memory (RSS; target under 300 MB) and, on SQLite, the database's and the
    write-ahead log's size, and the rows of `recovery_requests` (bounded however long the
    flood), sampled every 10 s.

Bounded and local: 127.0.0.1 only, stops by itself. SQLite unless BENCH_DATABASE_URL is set.
Needs the release build (cargo leptos build --release) and python3-aiosmtpd.
"""

import collections
import io
import json
import os
import re
import sys
import threading
import time
import zipfile

from benchlib import ADMIN_EMAIL, ADMIN_PASSWORD, ROOT, percentile, require_build, save_report, server_with_sink

SECONDS = int(os.environ.get("BENCH_SOAK_SECONDS", "600"))
HOSTILE = os.environ.get("BENCH_SOAK_HOSTILE", "1") != "0"
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


def workbook(cells, shared=()):
    """An XLSX file whose first sheet has `cells` ((row, column, text or shared-string index),
    from 0), written the way a hostile client would: cells anywhere, one per row element."""
    def letters(column):
        out = ""
        column += 1
        while column:
            column, rest = divmod(column - 1, 26)
            out = chr(65 + rest) + out
        return out
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rels = "http://schemas.openxmlformats.org/package/2006/relationships"
    doc = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    rows = []
    for row, column, value in cells:
        at = f"{letters(column)}{row + 1}"
        cell = (f'<c r="{at}" t="s"><v>{value}</v></c>' if isinstance(value, int)
                else f'<c r="{at}" t="inlineStr"><is><t>{value}</t></is></c>')
        rows.append(f'<row r="{row + 1}">{cell}</row>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/></Types>')
        z.writestr("_rels/.rels", f'<Relationships xmlns="{rels}"><Relationship Id="rId1" Type="{doc}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{doc}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{rels}"><Relationship Id="rId1" Type="{doc}/worksheet" Target="worksheets/sheet1.xml"/>'
                   f'<Relationship Id="rId2" Type="{doc}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        z.writestr("xl/sharedStrings.xml", f'<sst xmlns="{main}">' + "".join(f"<si><t>{t}</t></si>" for t in shared) + "</sst>")
        z.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{main}"><sheetData>' + "".join(rows) + "</sheetData></worksheet>")
    return buffer.getvalue()


def hostile_files():
    """The crafted uploads, each as (name, multipart fields); built once."""
    far = workbook([(0, 0, "email"), (1, 0, "a@example.com"), (1_048_575, 16_383, "x")])
    wide = workbook([(0, 0, "email"), (1, 0, "a@example.com"), (5_999, 16_383, "x")])
    spread = workbook([(0, 0, "email")] + [(r, c, 0) for r in range(1, 6000) for c in range(6)], shared=["a" * 1000])
    bomb = workbook([(0, 0, "email")], shared=["a" * (100 * 1024 * 1024)])
    plain = b"email\nhostile@example.com\n"
    return [
        ("xlsx XFD1048576", [("file", "far.xlsx", far)]),
        ("xlsx XFD6000", [("file", "wide.xlsx", wide)]),
        ("xlsx shared string", [("file", "spread.xlsx", spread)]),
        ("xlsx 100 MB unpacked", [("file", "bomb.xlsx", bomb)]),
        ("20 MB digest", [("file", "a.csv", plain), ("digest", None, b"a" * (20 * 1024 * 1024))]),
        ("unknown field", [("file", "a.csv", plain), ("extra", None, b"x" * 1024)]),
    ]


def multipart(fields, boundary="----soak-hostile"):
    body = io.BytesIO()
    for name, file_name, data in fields:
        body.write(f"--{boundary}\r\n".encode())
        disposition = f'form-data; name="{name}"' + (f'; filename="{file_name}"' if file_name else "")
        body.write(f"Content-Disposition: {disposition}\r\n\r\n".encode())
        body.write(data)
        body.write(b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


def raw_post(server, path, body, content_type, cookie=None, timeout=60):
    """Posts `body`; a body over 10 MB is only announced (its length said, none of it sent),
    as a client that means to send it would, so the refusal is of what the request says."""
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        conn.putrequest("POST", path)
        for name, value in (("Sec-Fetch-Site", "same-origin"), ("Content-Type", content_type),
                            ("Content-Length", str(len(body)))) + ((("Cookie", cookie),) if cookie else ()):
            conn.putheader(name, value)
        conn.endheaders(None if len(body) > 10 * 1024 * 1024 else body)
        response = conn.getresponse()
        return response.status, "", response.read()
    finally:
        conn.close()


def run_hostile(server, admin_cookie, tally, stop):
    """The hostile client: crafted uploads one after another, and a Forgot password flood."""
    files = [(kind, *multipart(fields)) for kind, fields in hostile_files()]

    def uploader():
        n = 0
        while not stop.is_set():
            kind, body, content_type = files[n % len(files)]
            n += 1
            timed(tally, "hostile " + kind, lambda: raw_post(server, "/api/preview_import", body, content_type, admin_cookie))
            timed(tally, "hostile malformed boundary", lambda: raw_post(
                server, "/api/preview_import", b"--1\r\n\r\nx\r\n--1--\r\n", "multipart/form-data; xboundary=1"))
            stop.wait(0.2)

    def flooder(tid):
        n = 0
        while not stop.is_set():
            n += 1
            timed(tally, "hostile forgot password", lambda: server.request(
                "POST", "/api/forgot_password", {"email": f"flood-{tid}-{n}@example.com"}))

    threads = [threading.Thread(target=uploader)] + [threading.Thread(target=flooder, args=(t,)) for t in range(2)]
    for thread in threads:
        thread.start()
    return threads


def sample(server, samples, stop):
    wal = server.sqlite_file and server.sqlite_file + "-wal"
    started = time.time()
    while not stop.is_set():
        wal_bytes = os.path.getsize(wal) if wal and os.path.exists(wal) else None
        if server.sqlite_file:
            db_bytes = os.path.getsize(server.sqlite_file) if os.path.exists(server.sqlite_file) else None
        else:
            db_bytes = int(server.query("SELECT pg_database_size(current_database())")[0][0])
        requests = int(server.query("SELECT COUNT(*) FROM recovery_requests")[0][0])
        samples.append({"t": round(time.time() - started), "rss_kib": server.rss_kib(), "wal_bytes": wal_bytes,
                        "db_bytes": db_bytes, "recovery_requests": requests})
        stop.wait(10)


def stored_invitations(server):
    """Addresses of the soak's invitations in the database."""
    return {row[0] for row in server.query("SELECT email FROM invitations WHERE email LIKE 'soak-%'")}


def main():
    require_build()
    server, sink = server_with_sink(extra_env={"SMTP_TIMEOUT": "5s"})
    log = open(os.path.join(server.data, "server.log"), "w")
    server.start(log=log)
    tally, samples = Tally(), []
    stop_load, stop_sampling = threading.Event(), threading.Event()
    sampler = threading.Thread(target=sample, args=(server, samples, stop_sampling))
    sampler.start()
    try:
        admin_cookie = server.sign_in()
        threads = run_load(server, sink, admin_cookie, tally, stop_load)
        if HOSTILE:
            threads += run_hostile(server, server.sign_in(), tally, stop_load)
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
    def normal(kind):
        return not kind.startswith("hostile")
    five_xx = sum(n for (kind, status), n in tally.statuses.items() if normal(kind) and isinstance(status, int) and status >= 500)
    errors = sum(n for (kind, status), n in tally.statuses.items() if normal(kind) and not isinstance(status, int))
    hostile_5xx = sum(n for (kind, status), n in tally.statuses.items()
                      if not normal(kind) and (not isinstance(status, int) or status >= 500))
    hostile_ok = sum(n for (kind, status), n in tally.statuses.items()
                     if not normal(kind) and status == 200 and kind != "hostile forgot password")
    peak_rss_mib = max(s["rss_kib"] for s in samples) / 1024
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
        "hostile_5xx_or_dropped": hostile_5xx,
        "hostile_uploads_accepted": hostile_ok,
        "invitations_sent": len(tally.invited),
        "accepted": len(tally.accepted),
        "lost_not_stored": len(not_stored),
        "lost_not_mailed": len(not_mailed),
        "duplicate_mails": sum(n - 1 for n in duplicates.values()),
        "drained_seconds_after_load": drained_after,
        "rss_kib": {"first": samples[0]["rss_kib"], "peak": max(s["rss_kib"] for s in samples), "last": samples[-1]["rss_kib"]},
        "wal_bytes": {"peak": max(wal), "last": wal[-1]} if wal else None,
        "db_bytes": {"first": samples[0]["db_bytes"], "last": samples[-1]["db_bytes"]},
        "recovery_requests": {"peak": max(s["recovery_requests"] for s in samples), "last": samples[-1]["recovery_requests"]},
        "samples": samples,
        "server_log": os.path.join(server.data, "server.log"),
    }
    save_report(report, "soak", sqlite=bool(server.sqlite_file))
    print(json.dumps({k: v for k, v in report.items() if k != "samples"}, indent=2))
    failed = five_xx or errors or not_stored or not_mailed or duplicates or hostile_5xx or hostile_ok or peak_rss_mib >= 300
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
