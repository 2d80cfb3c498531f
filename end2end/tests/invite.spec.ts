import { expect, test } from "@playwright/test";
import { askedBy, mailTo, signInAsAdmin } from "./helpers";

test("the corporate admin invites by email and the invitee gets a working link", async ({ page, baseURL }) => {
  await signInAsAdmin(page);
  const invite = page.getByRole("button", { name: "Invite", exact: true });
  await invite.click();

  const dialog = page.getByRole("dialog", { name: "Invite" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("switch", { name: "Shop-floor employee (no email)" })).not.toBeChecked();
  expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  await expect(dialog.getByText(/You can send \d+ more invitations? this hour/)).toBeVisible();

  // Without a role the server refuses, beside the field, and keeps what was typed.
  await dialog.getByLabel("Email", { exact: true }).fill("new.starter@example.com");
  await dialog.getByRole("button", { name: "Send invitation" }).click();
  await expect(dialog.getByText("Choose a role.")).toBeVisible();
  await expect(dialog.getByLabel("Email", { exact: true })).toHaveValue("new.starter@example.com");

  await dialog.getByLabel("Role").selectOption({ label: "Quality Admin" });
  await dialog.getByLabel("Department").selectOption({ label: "Quality" });
  await dialog.getByLabel("Location").selectOption({ label: "Plant North" });
  await dialog.getByRole("button", { name: "Send invitation" }).click();

  await expect(dialog).toBeHidden();
  await expect(page.getByRole("status")).toHaveText("Invitation sent to new.starter@example.com.");
  await page.getByRole("link", { name: "Invitations" }).click();
  const row = page.getByRole("row").filter({ hasText: "new.starter@example.com" });
  await expect(row).toContainText("Quality Admin");
  await expect(row).toContainText("Quality");
  await expect(row).toContainText("Plant North");
  await expect(row).toContainText("Pending");

  const mail = await mailTo("new.starter@example.com");
  expect(mail.subject).toBe("Erin Admin invited you to Acme Castings on Onboard");
  const link = mail.text.match(/https?:\/\/\S+\/invitation\/[A-Za-z0-9_-]{43}/)?.[0];
  expect(link, mail.text).toBeTruthy();
  expect(link!.startsWith(`${baseURL}/invitation/`)).toBe(true);
  await page.reload();
  await expect(page.getByRole("row").filter({ hasText: "new.starter@example.com" })).toContainText("Sent");
});

test("inviting the same address again shows the generic error and keeps the form", async ({ page }) => {
  await signInAsAdmin(page);
  for (const attempt of [1, 2]) {
    await page.getByRole("button", { name: "Invite", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Invite" });
    await dialog.getByLabel("Email", { exact: true }).fill("twice@example.com");
    await dialog.getByLabel("Role").selectOption({ label: "Employee" });
    await dialog.getByRole("button", { name: "Send invitation" }).click();
    if (attempt === 1) {
      await expect(dialog).toBeHidden();
    } else {
      await expect(dialog.getByRole("alert").filter({ hasText: "cannot be invited" })).toBeVisible();
      await expect(dialog.getByLabel("Email", { exact: true })).toHaveValue("twice@example.com");
    }
  }
});

test("the dialog opens with the Email field to type in, and Escape gives focus back to the Invite button", async ({ page }) => {
  await signInAsAdmin(page);
  const invite = page.getByRole("button", { name: "Invite", exact: true });
  await invite.click();
  const dialog = page.getByRole("dialog", { name: "Invite" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel("Email", { exact: true })).toBeFocused();

  await page.keyboard.press("Escape");

  await expect(page.getByRole("dialog", { name: "Invite" })).toBeHidden();
  await expect(invite).toBeFocused();
});

test("an invitation can be revoked from the Invitations tab", async ({ page }) => {
  await signInAsAdmin(page);
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Invite" });
  await dialog.getByLabel("Email", { exact: true }).fill("changed.mind@example.com");
  await dialog.getByLabel("Role").selectOption({ label: "Team Lead" });
  await dialog.getByRole("button", { name: "Send invitation" }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole("link", { name: "Invitations" }).click();
  // A Resend says what became of the earlier link.
  await page.getByRole("button", { name: "Resend invitation to changed.mind@example.com" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Sent again. The link in the earlier email no longer works." })).toBeVisible();

  const ask = await askedBy(page, page.getByRole("button", { name: "Revoke invitation to changed.mind@example.com" }), "Revoke the invitation to changed.mind@example.com?");
  await expect(ask).toContainText("link stops working at once");
  await ask.getByRole("button", { name: "Revoke" }).click();

  await expect(page.getByRole("row").filter({ hasText: "changed.mind@example.com" })).toContainText("Revoked");
  await page.getByLabel("Status").selectOption({ label: "Revoked" });
  await expect(page).toHaveURL(/status=Revoked/);
  await expect(page.getByRole("row").filter({ hasText: "changed.mind@example.com" })).toBeVisible();
});
