import base from "./playwright.config";
import { defineConfig } from "@playwright/test";

// The README's screenshots (scripts/screenshots.sh): the same server and browser as the
// browser tests, a fixed window size, and pictures written to docs/screenshots/.
export default defineConfig({
  ...base,
  testDir: "./screenshots",
  use: { ...base.use, viewport: { width: 1280, height: 800 }, screenshot: "off" },
});
