import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default async function globalTeardown() {
  for (const name of ["onboard-e2e.pid", "onboard-e2e-smtp.pid"]) {
    const pidFile = join(tmpdir(), name);
    try {
      process.kill(Number(readFileSync(pidFile, "utf8")), "SIGTERM");
    } catch {
      // already gone
    }
    rmSync(pidFile, { force: true });
  }
}
