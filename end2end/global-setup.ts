// Starts the release server built by `cargo leptos build --release` on a free port, with a real
// SMTP server beside it, and creates the people the journeys sign in as: one Corporate Admin per
// spec file, so that no file's sign-ins, lockouts or list of admins depend on another's.
//
// Everything a run writes lives in one fresh temporary run folder (ONBOARD_E2E_RUN_DIR, which the
// test workers inherit): `data/` is the server's DATA_DIR and holds its SQLite database, `mail/`
// holds what the SMTP sink receives. With ONBOARD_E2E_DB=postgres the journeys run on a fresh
// PostgreSQL database at ONBOARD_TEST_PG_URL instead. The function returned is the global
// teardown: it stops both processes, drops the PostgreSQL database and removes the run folder, so
// two runs (or two checkouts) never share a port, a file or a database.
import type { FullConfig } from "@playwright/test";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";

export const ADMIN_PASSWORD = "end to end passphrase";

/** The Corporate Admin that the spec file `file` signs in as (tests/helpers.ts `adminEmail`). */
export function adminEmailFor(file: string): string {
  return `e2e.${basename(file, ".spec.ts")}@example.com`;
}

/** The spec files of every project of `config`, each of which gets an admin of its own. */
function specFiles(config: FullConfig): string[] {
  const files = new Set<string>();
  for (const project of config.projects) {
    if (!existsSync(project.testDir)) continue;
    for (const entry of readdirSync(project.testDir, { recursive: true, encoding: "utf8" })) {
      if (entry.endsWith(".spec.ts")) files.add(join(project.testDir, entry));
    }
  }
  return [...files].sort();
}

/** A port free now, for the server: its PUBLIC_URL must be known before it starts. */
function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? ok(address.port) : fail(new Error("no port"))));
    });
  });
}

/** Waits until `url` answers, failing at once if `server` exits first. */
async function waitFor(url: string, server: ChildProcess, deadline: number) {
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`the server exited (${server.exitCode ?? server.signalCode}) before answering at ${url}`);
    }
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not answer at ${url}`);
}

/** The port the SMTP sink listens on, from the one line `READY <port>` it prints once it accepts
 * connections. Its stdout may arrive in pieces, so it is read up to the end of that line. */
function sinkPort(sink: ChildProcess): Promise<number> {
  return new Promise((ok, fail) => {
    let seen = "";
    const timer = setTimeout(() => done(new Error(`SMTP sink: no READY line within 30 s (got ${JSON.stringify(seen)})`)), 30_000);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      const end = seen.indexOf("\n");
      if (end < 0) return;
      const line = seen.slice(0, end).trim();
      const ready = /^READY (\d+)$/.exec(line);
      done(ready ? null : new Error(`SMTP sink: expected "READY <port>", got ${JSON.stringify(line)}`), ready ? Number(ready[1]) : 0);
    };
    const onExit = (code: number | null, signal: string | null) =>
      done(new Error(`SMTP sink exited (${code ?? signal}) before it was ready${seen ? `; it printed ${JSON.stringify(seen)}` : ""}`));
    const done = (error: Error | null, port = 0) => {
      clearTimeout(timer);
      sink.stdout!.off("data", onData);
      sink.off("exit", onExit);
      // Nothing more is expected on stdout; keep draining it so the sink can never block on it.
      sink.stdout!.resume();
      if (error) fail(error);
      else ok(port);
    };
    sink.stdout!.on("data", onData);
    sink.once("exit", onExit);
  });
}

/** Sends SIGTERM to `child` and waits for it to exit; SIGKILL if it has not within 10 s. */
async function stop(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Runs psql on the maintenance database at `base`; a failing statement fails the call. */
function psql(base: string, sql: string) {
  try {
    execFileSync("psql", [`${base}/postgres`, "-v", "ON_ERROR_STOP=1", "-c", sql], { stdio: ["ignore", "ignore", "inherit"] });
  } catch (error) {
    // Not the error's own message: it repeats the command line, and with it any password in
    // the address. psql has said what went wrong on stderr.
    const { code, status } = error as { code?: string; status?: number | null };
    const why = code === "ENOENT" ? "psql is not installed" : `psql exited with ${status ?? code}`;
    throw new Error(`${why} running ${JSON.stringify(sql)} on ONBOARD_TEST_PG_URL`);
  }
}

export default async function globalSetup(config: FullConfig) {
  const root = resolve(__dirname, "..");
  // scripts/test.sh passes the release binary; under `cargo leptos end-to-end` use what it built.
  const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, "target");
  const binary =
    process.env.ONBOARD_SERVER_BIN ??
    [join(targetDir, "release", "server"), join(targetDir, "debug", "server")].find((p) => existsSync(p));
  if (!binary) throw new Error(`no server binary under ${targetDir}: run cargo leptos build first`);

  // Two spec files of one name would share an admin, and with it each other's lockouts.
  const specs = specFiles(config);
  const admins = specs.map(adminEmailFor);
  const twice = admins.filter((email, i) => admins.indexOf(email) !== i);
  if (twice.length > 0) throw new Error(`two spec files share a name, and so an admin: ${twice.join(", ")}`);

  const runDir = mkdtempSync(join(tmpdir(), "onboard-e2e-"));
  const dataDir = join(runDir, "data");
  const mailDir = join(runDir, "mail");
  mkdirSync(dataDir);
  mkdirSync(mailDir);

  // Undone in reverse order by the teardown, or at once should the setup fail half-way (then
  // Playwright never gets a teardown to call).
  const undo: Array<() => Promise<void> | void> = [() => rmSync(runDir, { recursive: true, force: true })];
  const teardown = async () => {
    for (const step of [...undo].reverse()) {
      try {
        await step();
      } catch (error) {
        console.error(`e2e teardown: ${error}`);
      }
    }
  };

  try {
    let databaseUrl = `sqlite://${join(dataDir, "onboard.db")}?mode=rwc`;
    if (process.env.ONBOARD_E2E_DB === "postgres") {
      const base = (process.env.ONBOARD_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432").replace(/\/+$/, "");
      const name = `onboard_e2e_${randomBytes(6).toString("hex")}`;
      psql(base, `CREATE DATABASE ${name}`);
      undo.push(() => psql(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      databaseUrl = `${base}/${name}`;
      // The name only: the address may carry a password.
      console.log(`e2e: the journeys run on PostgreSQL, in the fresh database ${name}`);
    } else {
      console.log(`e2e: the journeys run on SQLite, in ${join(dataDir, "onboard.db")}`);
    }

    // A real SMTP server (Debian's python3-aiosmtpd) for the app to send through. It picks its
    // own port, so no other process can take that port between choosing and binding it.
    const sink = spawn("/usr/bin/python3", [join(root, "server", "tests", "support", "smtp_sink.py"), "--dir", mailDir], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    undo.push(() => stop(sink));
    const smtpPort = await sinkPort(sink);

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = {
      ...process.env,
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      PUBLIC_URL: url,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? join(root, "target", "site"),
      LEPTOS_ENV: "PROD",
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      ORGANISATION_NAME: "Acme Castings",
      // Raised, as an operator would for an onboarding day, so the import journey runs to the end.
      INVITE_RATE_LIMIT: "500",
      RUST_LOG: "warn",
    };
    const cli = (args: string[], input = "") => execFileSync(binary, args, { env, input, stdio: ["pipe", "pipe", "inherit"] });
    cli(["add-department", "--name", "Quality"]);
    cli(["add-department", "--name", "Paint Shop"]);
    cli(["add-location", "--name", "Plant North"]);
    for (const email of admins) cli(["create-admin", "--email", email, "--name", "Erin Admin"], `${ADMIN_PASSWORD}\n`);

    const server = spawn(binary, ["serve"], { env, stdio: ["ignore", "inherit", "inherit"], detached: false });
    undo.push(() => stop(server));
    await waitFor(`${url}/healthz`, server, Date.now() + 30_000);
    process.env.ONBOARD_E2E_URL = url;
    process.env.ONBOARD_E2E_RUN_DIR = runDir;
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
