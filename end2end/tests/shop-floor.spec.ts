import { expect, test } from "@playwright/test";
import { signInAsAdmin } from "./helpers";

test("the admin creates a shop-floor worker and gets the handout once", async ({ page, baseURL }) => {
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
});
