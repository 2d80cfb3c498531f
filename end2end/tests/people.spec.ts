import { expect, test } from "@playwright/test";
import { JOIN_PASSWORD, acceptInvitation, adminEmail, askedBy, hydrated, inviteByEmail, inviteShopFloor, mailMatching, open, signInAsAdmin } from "./helpers";

test("the corporate admin moves a person to another department and changes their role", async ({ page, browser }) => {
  await signInAsAdmin(page);
  await inviteByEmail(page, "mo.mover@example.com", "Employee");
  await acceptInvitation(browser, "mo.mover@example.com", "Mo", "Mover");

  await open(page, "/users?q=mover");
  await expect(page).toHaveURL(/q=mover/);
  await page.getByRole("link", { name: "Mo Mover" }).click();
  await expect(page).toHaveURL(/\/users\/\d+$/);
  // A plain link, not the router's: should it load a new page, the form must wait for its code.
  await hydrated(page);
  const details = page.locator("dl.person-details");
  await expect(details).toContainText("Quality");
  await expect(details).toContainText("Invited by");
  await expect(details).toContainText("Erin Admin");
  const form = page.getByRole("region", { name: "Role and units" });
  await expect(form.getByRole("option", { name: "Corporate Admin" })).toHaveCount(0);
  await form.getByLabel("Role").selectOption({ label: "Team Lead" });
  await form.getByLabel("Department").selectOption({ label: "Paint Shop" });
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(details).toContainText("Team Lead");
  await expect(details).toContainText("Paint Shop");
  const activity = page.getByRole("region", { name: "Recent activity" });
  await expect(activity).toContainText("Role changed");
  await expect(activity).toContainText("Department changed");
  await expect(activity).toContainText("From: Quality");

  // The filters find them there, and the view is in the address.
  await open(page, "/users");
  const filters = page.getByRole("search");
  await filters.getByLabel("Search").fill("mo");
  await filters.getByLabel("Role").selectOption({ label: "Team Lead" });
  await filters.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/role=team_lead/);
  await expect(page.getByRole("row").filter({ hasText: "Mo Mover" })).toContainText("Paint Shop");
});

test("a quality admin deactivates someone in their department, who is signed out in their own browser", async ({ page, browser }) => {
  await signInAsAdmin(page);
  await inviteByEmail(page, "quinn.quality@example.com", "Quality Admin");
  const admin = await acceptInvitation(browser, "quinn.quality@example.com", "Quinn", "Quality");
  await inviteByEmail(page, "lee.leaver@example.com", "Employee");
  const leaver = await acceptInvitation(browser, "lee.leaver@example.com", "Lee", "Leaver");
  await expect(leaver.locator("dl.details")).toContainText("Lee Leaver");

  await open(admin, "/users");
  await admin.getByRole("link", { name: "Lee Leaver" }).click();
  await expect(admin).toHaveURL(/\/users\/\d+$/);
  await hydrated(admin);
  // Deactivating asks first, naming the consequence; Cancel changes nothing.
  const deactivate = admin.getByRole("button", { name: "Deactivate", exact: true });
  let ask = await askedBy(admin, deactivate, "Deactivate Lee Leaver?");
  await expect(ask).toContainText("signed out now");
  await ask.getByRole("button", { name: "Cancel" }).click();
  await expect(ask).toBeHidden();
  await expect(admin.locator("dl.person-details")).toContainText("Active");
  ask = await askedBy(admin, deactivate, "Deactivate Lee Leaver?");
  await ask.getByRole("button", { name: "Deactivate" }).click();
  await expect(admin.locator("dl.person-details")).toContainText("Deactivated");
  await expect(admin.getByRole("button", { name: "Reactivate" })).toBeVisible();

  await leaver.reload();
  await expect(leaver).toHaveURL(/\/sign-in/);
  await hydrated(leaver);
  await leaver.getByLabel("Email or employee number").fill("lee.leaver@example.com");
  await leaver.getByLabel("Password or PIN", { exact: true }).fill(JOIN_PASSWORD);
  await leaver.getByRole("button", { name: "Sign in" }).click();
  await expect(leaver.getByRole("alert")).toContainText("The sign-in details are not right.");

  // Hidden from Users unless asked for.
  await open(admin, "/users");
  await expect(admin.getByRole("link", { name: "Lee Leaver" })).toHaveCount(0);
  await open(admin, "/users?status=deactivated");
  await expect(admin.getByRole("row").filter({ hasText: "Lee Leaver" })).toContainText("Deactivated");
});

test("a worker who forgot their PIN gets a new handout and signs in with a new PIN", async ({ page, browser }) => {
  await signInAsAdmin(page);
  const handout = await inviteShopFloor(page, "Pia", "Pinless", "E-7001");
  const code = (await handout.locator(".setup-code").textContent())!;
  await handout.getByRole("button", { name: "Done" }).click();

  const terminal = await (await browser.newContext()).newPage();
  await open(terminal, "/setup");
  await terminal.getByLabel("Employee number").fill("E-7001");
  await terminal.getByLabel("Setup code").fill(code);
  await terminal.getByLabel("First name").fill("Pia");
  await terminal.getByLabel("Last name").fill("Pinless");
  await terminal.getByLabel("PIN or password", { exact: true }).fill("482139");
  await terminal.getByLabel("Repeat PIN or password").fill("482139");
  await terminal.getByRole("button", { name: "Set up my account" }).click();
  await expect(terminal).toHaveURL(/\/profile$/);

  // Forgotten: the admin issues a new handout from the person page.
  await open(page, "/users?q=E-7001");
  await page.getByRole("link", { name: "Pia Pinless" }).click();
  await expect(page).toHaveURL(/\/users\/\d+$/);
  await hydrated(page);
  const ask = await askedBy(page, page.getByRole("button", { name: "Reset PIN" }), "Reset Pia Pinless's PIN?");
  await expect(ask).toContainText("current PIN stops working now");
  await ask.getByRole("button", { name: "Reset PIN" }).click();
  // The new code opens in a dialog of its own, wherever the page was scrolled to.
  const reset = page.getByRole("dialog").getByRole("region", { name: "Setup handout" });
  await expect(reset).toContainText("E-7001");
  await expect(reset).toContainText("/new-pin");
  const newCode = (await reset.locator(".setup-code").textContent())!;
  await reset.getByRole("button", { name: "Done" }).click();
  await expect(reset).toHaveCount(0);

  // The old PIN no longer works; the new code sets a new one on the same account.
  const later = await (await browser.newContext()).newPage();
  await open(later, "/sign-in");
  await later.getByLabel("Email or employee number").fill("E-7001");
  await later.getByLabel("Password or PIN", { exact: true }).fill("482139");
  await later.getByRole("button", { name: "Sign in" }).click();
  await expect(later.getByRole("alert")).toContainText("The sign-in details are not right.");
  await open(later, "/new-pin");
  await later.getByLabel("Employee number").fill("E-7001");
  await later.getByLabel("Setup code").fill(newCode);
  await later.getByLabel("New PIN (at least 6 digits) or password").fill("731946");
  await later.getByLabel("Repeat it").fill("731946");
  await later.getByRole("button", { name: "Set PIN and sign in" }).click();
  await expect(later).toHaveURL(/\/profile$/);
  await expect(later.locator("dl.details")).toContainText("Pia Pinless");
});

test("an email user resets their password from Forgot password? with the link from the real SMTP server", async ({ page, browser }) => {
  await signInAsAdmin(page);
  await inviteByEmail(page, "fay.forgetful@example.com", "Employee");
  await acceptInvitation(browser, "fay.forgetful@example.com", "Fay", "Forgetful");

  const user = await (await browser.newContext()).newPage();
  await open(user, "/sign-in");
  await user.getByRole("link", { name: "Forgot password?" }).click();
  await expect(user).toHaveURL(/\/forgot-password$/);
  await hydrated(user);
  await user.getByLabel("Email").fill("fay.forgetful@example.com");
  await user.getByRole("button", { name: "Send link" }).click();
  await expect(user.getByRole("status")).toHaveText("If an account uses that address, we have sent a link. Check your inbox.");

  const mail = await mailMatching("fay.forgetful@example.com", /Reset your/);
  const link = mail.text.match(/https?:\/\/\S+\/reset\/[A-Za-z0-9_-]{43}/)![0];
  await open(user, link);
  await expect(user).toHaveURL(/\/reset-password$/);
  await expect(user.getByText("For fay.forgetful@example.com.")).toBeVisible();
  await user.getByLabel("New password", { exact: true }).fill("a brand new harbour lantern");
  await user.getByLabel("Repeat the new password").fill("a brand new harbour lantern");
  await user.getByRole("button", { name: "Set password" }).click();
  await expect(user).toHaveURL(/\/profile$/);

  // The link is used up.
  await user.context().clearCookies();
  await open(user, link);
  await expect(user.getByRole("alert")).toContainText("This password reset link is no longer valid.");
});

test("the Users filters show the address's view from the first paint and keep what was typed while the page loads", async ({ page, browser }) => {
  await signInAsAdmin(page);

  // Without JavaScript the filters still show the view in the address, and filtering keeps it.
  const plain = await (await browser.newContext({ storageState: await page.context().storageState(), javaScriptEnabled: false })).newPage();
  await plain.goto("/users?q=erin&role=corporate_admin&status=all");
  const plainFilters = plain.getByRole("search");
  await expect(plainFilters.getByLabel("Search")).toHaveValue("erin");
  await expect(plainFilters.getByLabel("Role")).toHaveValue("corporate_admin");
  await expect(plainFilters.getByLabel("Status")).toHaveValue("all");
  await plainFilters.getByLabel("Search").fill("admin");
  await plainFilters.getByRole("button", { name: "Filter" }).click();
  await expect(plain).toHaveURL(/q=admin&role=corporate_admin&.*status=all/);
  // Every spec file's admin is an Erin Admin: this file's is the one with its address.
  await expect(plain.getByRole("row").filter({ hasText: adminEmail() })).toContainText("Erin Admin");

  // What someone types before the page is interactive survives hydration. The page's code is
  // held back until it has been typed, so the page is loaded with `goto`, not `open`, which
  // would wait for hydration first.
  let release = () => {};
  const loaded = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/*.wasm", async (route) => {
    await loaded;
    await route.continue();
  });
  await page.goto("/users");
  const filters = page.getByRole("search");
  await filters.getByLabel("Search").fill("erin");
  await filters.getByLabel("Role").selectOption({ label: "Corporate Admin" });
  release();
  await hydrated(page);
  await expect(filters.getByLabel("Search")).toHaveValue("erin");
  await expect(filters.getByLabel("Role")).toHaveValue("corporate_admin");
  await filters.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/q=erin&role=corporate_admin/);
  // The filters are a plain form, so Filter loads a new page; Clear leaves that page without a
  // reload only once it is hydrated.
  await hydrated(page);

  // Clear goes back to every active person without a reload, and the controls follow.
  await filters.getByRole("link", { name: "Clear" }).click();
  await expect(page).toHaveURL(/\/users$/);
  await expect(filters.getByLabel("Search")).toHaveValue("");
  await expect(filters.getByLabel("Role")).toHaveValue("");
});
