import { expect, test } from "@playwright/test";
import { ADMIN_PASSWORD } from "../global-setup";
import { adminEmail, hydrated, open, signInAsAdmin } from "./helpers";

test("the sign-in page is hydrated: the first field has focus, and the password can be shown and hidden", async ({ page }) => {
  await open(page, "/sign-in");
  await expect(page.getByLabel("Email")).toBeFocused();
  await expect(page.getByRole("link", { name: "First time here? Set up with your code" })).toHaveAttribute("href", "/setup");
  const password = page.getByLabel("Password or PIN", { exact: true });
  await expect(password).toHaveAttribute("type", "password");

  // Only the WASM build wires this button up; without hydration nothing happens.
  await page.getByRole("button", { name: "Show password" }).click();

  await expect(password).toHaveAttribute("type", "text");
  await page.getByRole("button", { name: "Hide password" }).click();
  await expect(password).toHaveAttribute("type", "password");
});

test("a wrong password shows the generic error in place", async ({ page }) => {
  await open(page, "/sign-in");
  await page.getByLabel("Email").fill(adminEmail());
  await page.getByLabel("Password or PIN", { exact: true }).fill("not the password at all");
  await page.getByRole("button", { name: "Sign in" }).click();

  await expect(page.getByRole("alert")).toHaveText("The sign-in details are not right. Check the email or employee number and the password or PIN.");
  await expect(page).toHaveURL(/\/sign-in$/);
});

test("the corporate admin signs in, sees Users and Invitations, and signs out", async ({ page }) => {
  await open(page, "/users");
  await expect(page).toHaveURL(/\/sign-in$/);

  await page.getByLabel("Email").fill(adminEmail());
  await page.getByLabel("Password or PIN", { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();

  await expect(page).toHaveURL(/\/users$/);
  // Signing in may load /users anew: what follows is clicked once the page works in the browser.
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" })).toBeVisible();
  // Every spec file has a Corporate Admin of its own: this file's is the row with its address.
  const me = page.getByRole("row").filter({ hasText: adminEmail() });
  await expect(me.getByRole("cell", { name: adminEmail() })).toBeVisible();
  await expect(me.getByRole("cell", { name: "Corporate Admin" })).toBeVisible();

  await page.getByRole("link", { name: "Invitations" }).click();
  await expect(page).toHaveURL(/\/users\/invitations$/);
  await expect(page.getByLabel("Status")).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await open(page, "/users");
  await expect(page).toHaveURL(/\/sign-in$/);
});

test("the corporate admin adds and renames a department on the Organisation page", async ({ page }) => {
  await signInAsAdmin(page);

  await page.getByRole("link", { name: "Organisation" }).click();
  const departments = page.getByRole("region", { name: "Departments" });
  // Add with no name says so, rather than nothing.
  await page.getByRole("button", { name: "Add department" }).click();
  await expect(departments.getByRole("alert").filter({ hasText: "Enter a name." })).toBeVisible();
  await page.getByLabel("New department").fill("Maintenance");
  await page.getByRole("button", { name: "Add department" }).click();
  await expect(departments.getByText("Maintenance")).toBeVisible();

  await departments.getByRole("listitem").filter({ hasText: "Maintenance" }).getByRole("button", { name: "Rename" }).click();
  await departments.getByLabel("Name", { exact: true }).fill("Maintenance & Tooling");
  await departments.getByRole("button", { name: "Save" }).click();
  await expect(departments.getByText("Maintenance & Tooling")).toBeVisible();

  await page.getByLabel("New department").fill("maintenance & tooling");
  await page.getByRole("button", { name: "Add department" }).click();
  await expect(departments.getByRole("alert").filter({ hasText: "already exists" })).toBeVisible();
  await page.screenshot({ path: "test-results/organisation.png", fullPage: true });
});

test("after five wrong PINs the sign-in page says the account is locked, for an unknown number too", async ({ page }) => {
  await open(page, "/sign-in");
  await page.getByLabel("Email or employee number").fill("E-NOBODY-1");
  const pin = page.getByLabel("Password or PIN", { exact: true });
  const alert = page.getByRole("alert");
  for (let attempt = 1; attempt <= 5; attempt++) {
    await pin.fill(`90817${attempt}`);
    // Each answer lands before the next try, so each one is counted on its own.
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().includes("/api/sign_in")),
      page.getByRole("button", { name: "Sign in" }).click(),
    ]);
    expect(answer.status()).toBe(401);
    await expect(alert).toContainText("The sign-in details are not right.");
  }

  await pin.fill("908176");
  await page.getByRole("button", { name: "Sign in" }).click();

  await expect(alert).toHaveText("Too many failed sign-in attempts. Try again in 15 minutes, or ask your administrator.");
  await expect(page).toHaveURL(/\/sign-in$/);
});

test("an admin sees a locked account in Users and unlocks it, and the person can sign in at once", async ({ page, browser }) => {
  await signInAsAdmin(page);
  // Five wrong passwords for the same account, from a terminal of its own.
  const terminal = await (await browser.newContext()).newPage();
  await open(terminal, "/sign-in");
  await terminal.getByLabel("Email or employee number").fill(adminEmail());
  const password = terminal.getByLabel("Password or PIN", { exact: true });
  for (let attempt = 1; attempt <= 5; attempt++) {
    await password.fill(`not the password ${attempt}`);
    const [answer] = await Promise.all([
      terminal.waitForResponse((r) => r.url().includes("/api/sign_in")),
      terminal.getByRole("button", { name: "Sign in" }).click(),
    ]);
    expect(answer.status()).toBe(401);
  }
  await password.fill(ADMIN_PASSWORD);
  await terminal.getByRole("button", { name: "Sign in" }).click();
  await expect(terminal.getByRole("alert")).toContainText("Too many failed sign-in attempts.");

  await open(page, "/users");
  const row = page.getByRole("row").filter({ hasText: adminEmail() });
  await expect(row.getByText("Locked")).toBeVisible();
  await row.getByRole("button", { name: /Unlock sign-in for/ }).click();
  await expect(row.getByText("Locked")).toHaveCount(0);

  await password.fill(ADMIN_PASSWORD);
  await terminal.getByRole("button", { name: "Sign in" }).click();
  await expect(terminal).toHaveURL(/\/users$/);
});

test("every admin page hydrates under its Content-Security-Policy without a violation", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await signInAsAdmin(page);

  await page.getByRole("button", { name: "Invite", exact: true }).click();
  await expect(page.getByRole("dialog", { name: "Invite" })).toBeVisible();
  await page.keyboard.press("Escape");
  for (const [link, heading] of [
    ["Invitations", "Users"],
    ["Import", "Import people from a spreadsheet"],
  ]) {
    await page.getByRole("link", { name: link, exact: true }).click();
    await expect(page.getByRole("heading", { name: heading }).first()).toBeVisible();
  }
  for (const path of ["/audit-log", "/organisation", "/profile"]) {
    const response = await open(page, path);
    expect(response?.headers()["content-security-policy"]).toContain("'nonce-");
    await expect(page.locator("main")).toBeVisible();
  }

  expect(violations).toEqual([]);
});
