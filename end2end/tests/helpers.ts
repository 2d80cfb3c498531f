import { type Browser, expect, type Locator, type Page } from "@playwright/test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ADMIN_EMAIL, ADMIN_PASSWORD, MAIL_DIR } from "../global-setup";

/** Types `value` into `field` again and again until `check` passes: until the page is
 * hydrated, typing changes nothing the page shows. `check` should wait only briefly. */
export async function fillUntil(field: Locator, value: string, check: () => Promise<void>) {
  await expect(async () => {
    await field.fill("");
    await field.fill(value);
    await check();
  }).toPass();
}

/** Clicks `button` (until the page has hydrated, a click may do nothing) until it asks
 * `question` in a confirmation dialog, and answers that dialog. */
export async function askedBy(page: Page, button: Locator, question: string): Promise<Locator> {
  const ask = page.getByRole("alertdialog", { name: question });
  await expect(async () => {
    if (!(await ask.isVisible())) await button.click({ timeout: 2_000 });
    await expect(ask).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  return ask;
}

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

/** Waits for a message to `to` whose subject matches `subject`. */
export async function mailMatching(to: string, subject: RegExp): Promise<Mail> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (existsSync(MAIL_DIR)) {
      for (const file of readdirSync(MAIL_DIR).filter((f) => f.endsWith(".json")).sort()) {
        const mail = JSON.parse(readFileSync(join(MAIL_DIR, file), "utf8")) as Mail;
        if (mail.to === to && subject.test(mail.subject)) return mail;
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no mail to ${to} matching ${subject} arrived`);
}

/** The admin on `page` invites `email` by email through the Invite dialog. */
export async function inviteByEmail(page: Page, email: string, role: string, department = "Quality") {
  await page.goto("/users");
  const dialog = page.getByRole("dialog", { name: "Invite" });
  const emailField = dialog.getByLabel("Email", { exact: true });
  // Right after a navigation the button may be clicked before the page has hydrated, when it
  // does nothing yet: click again until the dialog opens.
  await expect(async () => {
    if (!(await emailField.isVisible())) await page.getByRole("button", { name: "Invite", exact: true }).click({ timeout: 2_000 });
    await expect(emailField).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await emailField.fill(email);
  await dialog.getByLabel("Role").selectOption({ label: role });
  const departments = dialog.getByLabel("Department");
  if ((await departments.evaluate((e) => e.tagName)) === "SELECT") await departments.selectOption({ label: department });
  await dialog.getByRole("button", { name: "Send invitation" }).click();
  await expect(dialog).toBeHidden();
}

export const JOIN_PASSWORD = "kestrel over the foundry roof";

/** `email` accepts their invitation from the delivered mail in a browser of their own, and is
 * left signed in there. */
export async function acceptInvitation(browser: Browser, email: string, first: string, last: string): Promise<Page> {
  const mail = await mailTo(email);
  const link = mail.text.match(/https?:\/\/\S+\/invitation\/[A-Za-z0-9_-]{43}/)![0];
  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(link);
  await invitee.getByLabel("Password", { exact: true }).fill(JOIN_PASSWORD);
  await invitee.getByLabel("Confirm password").fill(JOIN_PASSWORD);
  await invitee.getByLabel("First name").fill(first);
  await invitee.getByLabel("Last name").fill(last);
  await invitee.getByRole("button", { name: "Complete sign-up" }).click();
  await expect(invitee).toHaveURL(/\/(profile|users)$/);
  return invitee;
}
