import { expect, test } from "@playwright/test";
import { mailTo, open, signInAsAdmin } from "./helpers";

test("an invitee accepts from the real mail, lands signed in, and the admin sees it everywhere", async ({ page, browser }) => {
  // The admin invites a Team Lead into Quality at Plant North.
  await signInAsAdmin(page);
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Invite" });
  await dialog.getByLabel("Email", { exact: true }).fill("jo.joiner@example.com");
  await dialog.getByLabel("Role").selectOption({ label: "Team Lead" });
  await dialog.getByLabel("Department").selectOption({ label: "Quality" });
  await dialog.getByLabel("Location").selectOption({ label: "Plant North" });
  await dialog.getByRole("button", { name: "Send invitation" }).click();
  await expect(dialog).toBeHidden();

  // The invitee opens the link from the delivered mail in their own browser.
  const mail = await mailTo("jo.joiner@example.com");
  const link = mail.text.match(/https?:\/\/\S+\/invitation\/[A-Za-z0-9_-]{43}/)![0];
  const invitee = await (await browser.newContext()).newPage();
  await open(invitee, link);
  await expect(invitee).toHaveURL(/\/invitation$/);
  await expect(invitee.getByRole("heading", { name: "Join Acme Castings on Onboard" })).toBeVisible();
  await expect(invitee.getByText("Erin Admin invited you to join Acme Castings.")).toBeVisible();
  const summary = invitee.locator(".invitation-summary");
  for (const value of ["jo.joiner@example.com", "Team Lead", "Quality", "Plant North"]) {
    await expect(summary).toContainText(value);
  }

  // The live hint follows the server's rule as the password is typed.
  const password = invitee.getByLabel("Password", { exact: true });
  const hint = invitee.locator("#accept-password-hint");
  await password.fill("short");
  await expect(hint).toHaveText("Use at least 12 characters (5 so far).");
  await password.fill("password1234");
  await expect(hint).toContainText("one of the most common passwords");
  await password.fill("I am jo.joiner, hello");
  await expect(hint).toHaveText("Do not use your email address in your password.");
  await password.fill("kestrel over the foundry roof");
  await expect(hint).toHaveText("Good: 29 characters.");
  await invitee.getByLabel("Confirm password").fill("kestrel over the foundry");
  await expect(invitee.getByText("The two passwords do not match.")).toBeVisible();
  await invitee.getByLabel("Confirm password").fill("kestrel over the foundry roof");
  await invitee.getByLabel("First name").fill("Jo");
  await invitee.getByLabel("Last name").fill("Joiner");
  await invitee.getByLabel("Job title (optional)").fill("Casting Inspector");
  await invitee.getByLabel("Preferred language").selectOption({ label: "Deutsch" });
  await invitee.getByRole("button", { name: "Complete sign-up" }).click();

  // Signed in, on their profile.
  await expect(invitee).toHaveURL(/\/profile$/);
  const profile = invitee.locator("dl.details");
  await expect(profile).toContainText("Jo Joiner");
  await expect(profile).toContainText("Team Lead");
  await expect(profile).toContainText("Casting Inspector");
  await expect(profile).toContainText("Deutsch");

  // The link is used up.
  await open(invitee, link);
  await expect(invitee.getByRole("heading", { name: "You are signed in" })).toBeVisible();
  await invitee.getByRole("button", { name: "Sign out and continue" }).click();
  await expect(invitee.getByRole("heading", { name: "This invitation link is no longer valid" })).toBeVisible();

  // The admin sees the new user, the accepted invitation and the create event.
  await open(page, "/users");
  await expect(page.getByRole("row").filter({ hasText: "jo.joiner@example.com" })).toContainText("Jo Joiner");
  await open(page, "/users/invitations");
  await expect(page.getByRole("row").filter({ hasText: "jo.joiner@example.com" })).toContainText("Accepted");
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page).toHaveURL(/\/audit-log$/);
  const created = page.getByRole("row").filter({ hasText: "Create" }).filter({ hasText: "jo.joiner@example.com" });
  for (const value of ["Jo Joiner", "Team Lead", "Quality", "Plant North", "Erin Admin"]) {
    await expect(created).toContainText(value);
  }
  await page.getByLabel("Event").selectOption({ label: "Create" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/event=user.created/);
  await expect(page.getByRole("row").filter({ hasText: "Invitation sent" })).toHaveCount(0);
});
