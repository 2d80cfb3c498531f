import { expect, test } from "@playwright/test";
import { askedBy, open, signInAsAdmin } from "./helpers";

test("the admin creates a shop-floor worker, who sets up with the handout and signs in with a PIN", async ({ page, baseURL, browser }) => {
  await signInAsAdmin(page);
  const invite = page.getByRole("button", { name: "Invite", exact: true });
  await invite.click();
  const dialog = page.getByRole("dialog", { name: "Invite" });
  const toggle = dialog.getByRole("switch", { name: "Shop-floor employee (no email)" });

  // The role chosen in email mode stays when switching, unless it is an admin role.
  await dialog.getByLabel("Role").selectOption({ label: "Employee" });
  await toggle.check();
  await expect(dialog.getByLabel("Email", { exact: true })).toBeHidden();
  await expect(dialog.getByLabel("Role")).toHaveValue("employee");
  await expect(dialog.getByRole("option", { name: "Quality Admin" })).toBeDisabled();
  await dialog.getByLabel("First name").fill("Ola");
  await dialog.getByLabel("Last name").fill("Nowak");
  await dialog.getByRole("button", { name: "Send invitation" }).click();
  await expect(dialog.getByText("Enter an employee number.")).toBeVisible();
  await dialog.getByLabel("Employee number").fill("E-4577");
  await dialog.getByLabel("Department").selectOption({ label: "Quality" });
  await dialog.getByRole("button", { name: "Send invitation" }).click();

  const handout = dialog.getByRole("region", { name: "Setup handout" });
  await expect(handout).toContainText("Ola Nowak");
  await expect(handout).toContainText("E-4577");
  await expect(handout.locator(".setup-code")).toHaveText(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  await expect(handout.getByRole("img", { name: "QR code of the setup link" }).locator("svg")).toBeVisible();
  await expect(handout).toContainText(`${baseURL}/setup`);
  const firstCode = (await handout.locator(".setup-code").textContent())!;
  await handout.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();

  // Opening again starts over: email mode, no handout.
  await invite.click();
  await expect(toggle).not.toBeChecked();
  await expect(dialog.getByRole("region", { name: "Setup handout" })).toHaveCount(0);
  await page.keyboard.press("Escape");

  await page.getByRole("link", { name: "Invitations" }).click();
  const row = page.getByRole("row").filter({ hasText: "E-4577" });
  await expect(row).toContainText("Shop-floor");
  await expect(row).toContainText("Pending");
  await expect(row).toContainText("Quality");

  // The first handout went missing: Resend makes a new one, shown once, and the old code dies.
  const ask = await askedBy(page, row.getByRole("button", { name: "Resend invitation to E-4577" }), "Make a new setup code for E-4577?");
  await expect(ask).toContainText("printed code stops working");
  await ask.getByRole("button", { name: "Make a new code" }).click();
  const reissued = page.getByRole("dialog").getByRole("region", { name: "Setup handout" });
  await expect(reissued).toContainText("Ola Nowak");
  await expect(reissued.locator(".setup-code")).not.toHaveText(firstCode);
  await expect(page.getByRole("dialog")).toContainText("Any earlier setup code for this person no longer works.");
  const code = (await reissued.locator(".setup-code").textContent())!;
  await reissued.getByRole("button", { name: "Done" }).click();
  await expect(reissued).toHaveCount(0);

  // The worker types the handout into the setup page at a terminal.
  const terminal = await (await browser.newContext()).newPage();
  await open(terminal, "/setup");
  await terminal.getByLabel("Employee number").fill("e-4577");
  await terminal.getByLabel("Setup code").fill(code.toLowerCase().replaceAll("-", " "));
  await terminal.getByLabel("First name").fill("Ola");
  await terminal.getByLabel("Last name").fill("Nowak");
  const secret = terminal.getByLabel("PIN or password", { exact: true });
  await secret.fill("123456");
  await expect(terminal.locator("#setup-secret-hint")).toContainText("too easy to guess");
  await secret.fill("482139");
  await expect(terminal.locator("#setup-secret-hint")).toHaveText("Good.");
  await terminal.getByLabel("Repeat PIN or password").fill("482139");
  await terminal.getByRole("button", { name: "Set up my account" }).click();
  await expect(terminal).toHaveURL(/\/profile$/);
  await expect(terminal.locator("dl.details")).toContainText("Ola Nowak");

  // Later, at another terminal: employee number and PIN on the normal sign-in page.
  const later = await (await browser.newContext()).newPage();
  await open(later, "/sign-in");
  await later.getByLabel("Email or employee number").fill("E-4577");
  await later.getByLabel("Password or PIN", { exact: true }).fill("482139");
  await later.getByRole("button", { name: "Sign in" }).click();
  await expect(later).toHaveURL(/\/profile$/);

  // The admin now finds the worker in Users, by number and marked as shop-floor.
  await open(page, "/users");
  const person = page.getByRole("row").filter({ hasText: "Ola Nowak" });
  await expect(person).toContainText("E-4577");
  await expect(person).toContainText("Shop-floor");
  await expect(person).toContainText("Employee");
});

test("the setup hint does not wait forever for the common-password list, and uses it once it arrives", async ({ page }) => {
  // The browser fetches the list at the first keystroke of a password (not a PIN). While it
  // cannot, the hint gives the rest of the rule's verdict; the next keystroke asks again.
  let reachable = false;
  await page.route("**/common-passwords.*.txt", (route) => (reachable ? route.continue() : route.abort()));
  await open(page, "/setup");
  const secret = page.locator("#setup-secret");
  const hint = page.locator("#setup-secret-hint");
  await secret.fill("password1234");
  await expect(hint).toHaveText("Good.");

  reachable = true;
  await secret.fill("password12345");
  await expect(hint).toContainText("one of the most common passwords");
});
