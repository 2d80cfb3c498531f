import { expect, type Page } from "@playwright/test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ADMIN_EMAIL, ADMIN_PASSWORD, MAIL_DIR } from "../global-setup";

/** Signs in through the real form, after hydration. */
export async function signInAsAdmin(page: Page) {
  await page.goto("/sign-in");
  await page.getByRole("button", { name: "Show password" }).waitFor();
  await page.getByLabel("Email").fill(ADMIN_EMAIL);
  await page.getByLabel("Password or PIN", { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/users$/);
}

export type Mail = { to: string; subject: string; text: string; html: string };

/** Waits for the SMTP sink to have received a message for `to`. */
export async function mailTo(to: string): Promise<Mail> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (existsSync(MAIL_DIR)) {
      for (const file of readdirSync(MAIL_DIR).filter((f) => f.endsWith(".json")).sort()) {
        const mail = JSON.parse(readFileSync(join(MAIL_DIR, file), "utf8")) as Mail;
        if (mail.to === to) return mail;
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no mail to ${to} arrived`);
}
