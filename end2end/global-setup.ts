// Starts the release server built by `cargo leptos build --release` on a free port with a
// fresh SQLite database, and creates the people the journeys sign in as.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ADMIN_EMAIL = "e2e.admin@example.com";
export const ADMIN_PASSWORD = "end to end passphrase";
/** Where the SMTP sink stores what it receives (one decoded .json per message). */
export const MAIL_DIR = join(tmpdir(), "onboard-e2e-mail");

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? ok(address.port) : fail(new Error("no port"))));
    });
  });
}

async function waitFor(url: string, deadline: number) {
  while (Date.now() < deadline) {
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

export default async function globalSetup() {
  const root = resolve(__dirname, "..");
  // scripts/test.sh passes the release binary; under `cargo leptos end-to-end` use what it built.
  const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, "target");
  const binary =
    process.env.ONBOARD_SERVER_BIN ??
    [join(targetDir, "release", "server"), join(targetDir, "debug", "server")].find((p) => existsSync(p));
  if (!binary) throw new Error(`no server binary under ${targetDir}: run cargo leptos build first`);
  const dataDir = mkdtempSync(join(tmpdir(), "onboard-e2e-"));
  const port = await freePort();

  // A real SMTP server (Debian's python3-aiosmtpd) for the app to send through.
  rmSync(MAIL_DIR, { recursive: true, force: true });
  const smtpPort = await freePort();
  const sink = spawn("/usr/bin/python3", [join(root, "server", "tests", "support", "smtp_sink.py"), "--port", String(smtpPort), "--dir", MAIL_DIR], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((ok, fail) => {
    sink.stdout.once("data", (chunk) => (String(chunk).includes("READY") ? ok() : fail(new Error(`SMTP sink: ${chunk}`))));
    sink.once("exit", (code) => fail(new Error(`SMTP sink exited with ${code}`)));
  });
  writeFileSync(join(tmpdir(), "onboard-e2e-smtp.pid"), String(sink.pid));
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    DATABASE_URL: `sqlite://${join(dataDir, "onboard.db")}?mode=rwc`,
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
  cli(["create-admin", "--email", ADMIN_EMAIL, "--name", "Erin Admin"], `${ADMIN_PASSWORD}\n`);

  const server = spawn(binary, ["serve"], { env, stdio: ["ignore", "inherit", "inherit"], detached: false });
  writeFileSync(join(tmpdir(), "onboard-e2e.pid"), String(server.pid));
  await waitFor(`${url}/healthz`, Date.now() + 30_000);
  process.env.ONBOARD_E2E_URL = url;
}
