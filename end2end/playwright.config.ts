import { defineConfig } from "@playwright/test";

// global-setup.ts starts the server on a free port and an SMTP sink, in a fresh temporary run
// folder, on a fresh SQLite database there (or a fresh PostgreSQL database with
// ONBOARD_E2E_DB=postgres), with a Corporate Admin per spec file; the teardown it returns stops
// them and removes it all. Chromium is Debian's (never a downloaded one).
export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  globalSetup: "./global-setup.ts",
  use: {
    baseURL: process.env.ONBOARD_E2E_URL,
    browserName: "chromium",
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
    trace: "off",
    screenshot: "only-on-failure",
  },
});
