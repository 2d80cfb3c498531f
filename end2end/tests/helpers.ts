import { type Browser, expect, type Locator, type Page, test } from "@playwright/test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ADMIN_PASSWORD, adminEmailFor } from "../global-setup";

/** Waits until the page is hydrated (frontend/src/lib.rs marks `<html>` then): from then on
 * every button and form works in the browser. Waiting for a control proves nothing, as the
 * server draws it before it works. A client-side navigation keeps the mark; a page loaded anew
 * starts without it, so after a click that loads one, wait for its address first: until then
 * the mark seen is the old page's. */
export async function hydrated(page: Page) {
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
}

/** Loads `path` as a new page and waits until it is hydrated; answers the page's response. */
export async function open(page: Page, path: string) {
  const response = await page.goto(path);
  await hydrated(page);
  return response;
}

/** The Corporate Admin of the running spec file: global-setup.ts makes one per file, so that
 * what a file does to its admin (a lockout, say) never reaches another file. */
export function adminEmail(): string {
  return adminEmailFor(test.info().file);
}

/** Clicks `button`, which asks `question` in a confirmation dialog, and answers that dialog. */
export async function askedBy(page: Page, button: Locator, question: string): Promise<Locator> {
  const ask = page.getByRole("alertdialog", { name: question });
  await button.click();
  await expect(ask).toBeVisible();
  return ask;
}

/** Signs in through the real form, and waits for the page it lands on to be hydrated. */
export async function signInAsAdmin(page: Page) {
  await open(page, "/sign-in");
  await page.getByLabel("Email").fill(adminEmail());
  await page.getByLabel("Password or PIN", { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/users$/);
  await hydrated(page);
}

/** Where the SMTP sink of this run stores what it receives (one decoded .json per message). */
export function mailDir(): string {
  const runDir = process.env.ONBOARD_E2E_RUN_DIR;
  if (!runDir) throw new Error("ONBOARD_E2E_RUN_DIR is not set: the global setup of playwright.config.ts makes the run folder");
  return join(runDir, "mail");
}

export type Mail = { to: string; subject: string; text: string; html: string };

/** Waits for the SMTP sink to have received a message for `to`. */
export async function mailTo(to: string): Promise<Mail> {
  const deadline = Date.now() + 20_000;
  const dir = mailDir();
  while (Date.now() < deadline) {
    if (existsSync(dir)) {
      for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
        const mail = JSON.parse(readFileSync(join(dir, file), "utf8")) as Mail;
        if (mail.to === to) return mail;
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no mail to ${to} arrived`);
}

/** Waits for a message to `to` whose subject matches `subject`. */
export async function mailMatching(to: string, subject: RegExp): Promise<Mail> {
  const deadline = Date.now() + 20_000;
  const dir = mailDir();
  while (Date.now() < deadline) {
    if (existsSync(dir)) {
      for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
        const mail = JSON.parse(readFileSync(join(dir, file), "utf8")) as Mail;
        if (mail.to === to && subject.test(mail.subject)) return mail;
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no mail to ${to} matching ${subject} arrived`);
}

/** The admin on `page` invites `email` by email through the Invite dialog. */
export async function inviteByEmail(page: Page, email: string, role: string, department = "Quality") {
  await open(page, "/users");
  const dialog = page.getByRole("dialog", { name: "Invite" });
  const emailField = dialog.getByLabel("Email", { exact: true });
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  await expect(emailField).toBeVisible();
  await emailField.fill(email);
  await dialog.getByLabel("Role").selectOption({ label: role });
  const departments = dialog.getByLabel("Department");
  if ((await departments.evaluate((e) => e.tagName)) === "SELECT") await departments.selectOption({ label: department });
  await dialog.getByRole("button", { name: "Send invitation" }).click();
  await expect(dialog).toBeHidden();
}

/** The admin on `page`, on a page with the Invite button, makes shop-floor worker `number` (an
 * Employee in Quality) through the Invite dialog; answers the handout the dialog then shows. */
export async function inviteShopFloor(page: Page, first: string, last: string, number: string): Promise<Locator> {
  const dialog = page.getByRole("dialog", { name: "Invite" });
  const toggle = dialog.getByRole("switch", { name: "Shop-floor employee (no email)" });
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  await expect(toggle).toBeVisible();
  await toggle.check();
  await dialog.getByLabel("First name").fill(first);
  await dialog.getByLabel("Last name").fill(last);
  await dialog.getByLabel("Employee number").fill(number);
  await dialog.getByLabel("Role").selectOption({ label: "Employee" });
  await dialog.getByLabel("Department").selectOption({ label: "Quality" });
  await dialog.getByRole("button", { name: "Send invitation" }).click();
  return dialog.getByRole("region", { name: "Setup handout" });
}

export const JOIN_PASSWORD = "kestrel over the foundry roof";

/** `email` accepts their invitation from the delivered mail in a browser of their own, and is
 * left signed in there. */
export async function acceptInvitation(browser: Browser, email: string, first: string, last: string): Promise<Page> {
  const mail = await mailTo(email);
  const link = mail.text.match(/https?:\/\/\S+\/invitation\/[A-Za-z0-9_-]{43}/)![0];
  const invitee = await (await browser.newContext()).newPage();
  await open(invitee, link);
  await invitee.getByLabel("Password", { exact: true }).fill(JOIN_PASSWORD);
  await invitee.getByLabel("Confirm password").fill(JOIN_PASSWORD);
  await invitee.getByLabel("First name").fill(first);
  await invitee.getByLabel("Last name").fill(last);
  await invitee.getByRole("button", { name: "Complete sign-up" }).click();
  await expect(invitee).toHaveURL(/\/(profile|users)$/);
  return invitee;
}
