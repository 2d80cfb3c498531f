#!/usr/bin/env python3
"""The Users list at plant scale: 100k people, searched and filtered.

Seeds BENCH_ROWS people straight into the table (accepting 100k invitations would be 100k
argon2 hashes and prove nothing about the list) with realistic names: first and last names
drawn from a list with accents ("José", "Müller", "Łukasz"), a mix of roles, ten departments
and five locations, a tenth of them shop-floor workers with an employee number and no email,
and 2% deactivated. The server is then restarted, so its start-up indexes the people it finds
without search terms: the words Users finds them by (that is timed too). Then each page, as the
admin's browser asks for it (server-rendered HTML with its data), is read by wrk at
concurrency 8 for BENCH_DURATION: no filter, a search for a common surname, a search for a
rare one, a search with an accent typed without it, a two-word search, an employee number,
a role filter, a department filter, a role + location filter combined with a search, the
deactivated people, and a page 90% of the way down. Mail goes to a real SMTP server process
(nothing is mailed by this list, but the operator's set-up has it).

Bounded, 127.0.0.1 only; SQLite unless BENCH_DATABASE_URL is set (`bench/on_both.sh
bench/users.py` runs both). Needs the release build and wrk (Debian's package).
"""

import json
import os
import random
import sys
import time
import urllib.parse

from benchlib import ROOT, require_build, save_report, server_with_sink
from lists import measure

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
DURATION = os.environ.get("BENCH_DURATION", "10s")

FIRST = ["José", "Ana", "María", "Łukasz", "Zoë", "Ola", "Mehmet", "Søren", "Chloé", "Nia", "Priya", "Tomás",
         "Ingrid", "Kenji", "Amara", "Lars", "Fatima", "Oskar", "Élodie", "Rui", "Hana", "Piotr", "Aoife", "Jürgen",
         "Sofia", "Emre", "Bjørn", "Lucía", "Dmitri", "Grace"]
LAST = ["Müller", "López", "Nowak", "García", "Smith", "Yılmaz", "Jensen", "Dubois", "Ellis", "Patel", "Silva",
        "Andersson", "Tanaka", "Okafor", "Kowalski", "Fernández", "Schmidt", "O'Neill", "Novák", "Rossi", "Ivanova",
        "Murphy", "Larsen", "Costa", "Horváth", "Brennan", "Kaya", "Lefèvre", "Berg", "Zieliński"]
ROLES = ["employee"] * 14 + ["team_lead"] * 4 + ["quality_admin", "hr_admin"]


def seed(server):
    rng = random.Random(7)
    departments = [server.cli("add-department", "--name", f"Department {d}") for d in range(10)]
    for l in range(5):
        server.cli("add-location", "--name", f"Location {l}")
    dept_ids = [int(r[0]) for r in server.query("SELECT id FROM departments ORDER BY id")]
    loc_ids = [int(r[0]) for r in server.query("SELECT id FROM locations ORDER BY id")]
    hash_, created = server.query("SELECT password_hash, created_at FROM users WHERE id = 1")[0]
    batch = []
    rare = "Quenneville"
    for i in range(1, ROWS + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        if i % 20000 == 0:
            last = rare
        shop_floor = i % 10 == 0
        role = "employee" if shop_floor else rng.choice(ROLES)
        email = None if shop_floor else f"{first}.{last}.{i}@example.com".lower().replace("'", "")
        number = f"E-{i:06d}" if shop_floor else None
        status = "disabled" if i % 50 == 0 else "active"
        batch.append((email, email, number, number, f"{first} {last}", first, last, role,
                      rng.choice(dept_ids), rng.choice(loc_ids), status))
    server.insert_users(batch, hash_, created)
    return rare


def main():
    require_build()
    server, sink = server_with_sink()
    report = {"database": "SQLite" if server.sqlite_file else "PostgreSQL", "rows": ROWS, "duration": DURATION}
    try:
        rare = seed(server)
        started = time.time()
        server.start(wait_seconds=600)
        report["start_with_indexing_seconds"] = round(time.time() - started, 1)
        report["users"] = int(server.query("SELECT COUNT(*) FROM users")[0][0])
        report["search_terms"] = int(server.query("SELECT COUNT(*) FROM user_search_terms")[0][0])
        cookie = server.sign_in()
        server.execute("ANALYZE" if server.sqlite_file else "VACUUM ANALYZE")
        deep = server.query(f"SELECT id FROM users WHERE status = 'active' ORDER BY name, id LIMIT 1 OFFSET {int(ROWS * 0.9)}")[0][0]
        department = server.query("SELECT id FROM departments ORDER BY id LIMIT 1")[0][0]
        location = server.query("SELECT id FROM locations ORDER BY id LIMIT 1")[0][0]
        q = lambda **params: "/users?" + urllib.parse.urlencode(params)
        paths = [
            "/users",
            q(q="müller"),
            q(q=rare.lower()),
            q(q="lopez"),
            q(q="ana garc"),
            q(q="E-000420"),
            q(role="hr_admin"),
            q(department=department),
            q(q="nowak", role="team_lead", location=location),
            q(status="deactivated"),
            f"/users?after={deep}",
        ]
        report["rss_kib_before"] = server.rss_kib()
        report["pages"] = [measure(server, cookie, path) for path in paths]
        report["rss_kib_after"] = server.rss_kib()
    finally:
        server.stop()
        sink.stop()
    save_report(report, "users", sqlite=bool(server.sqlite_file))
    print(f"{report['database']}: {report['users']} people, {report['search_terms']} search terms; "
          f"start-up with indexing {report['start_with_indexing_seconds']} s; "
          f"RSS {report['rss_kib_before'] // 1024} MB -> {report['rss_kib_after'] // 1024} MB")
    print("| page | requests/s | p50 | p99 | server CPU/request | non-2xx |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in report["pages"]:
        print(f"| `{urllib.parse.unquote_plus(row['path'])}` | {row['rps']} | {row['p50']} | {row['p99']} | {row['cpu_ms_per_request']} ms | {row['non_2xx']} |")
    sys.exit(1 if any(row["non_2xx"] for row in report["pages"]) else 0)


if __name__ == "__main__":
    main()
