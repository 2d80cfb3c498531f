import { expect, test } from "@playwright/test";
import { join } from "node:path";
import { hydrated, inviteShopFloor, mailTo, open, signInAsAdmin } from "../tests/helpers";

const OUT = join(__dirname, "..", "..", "docs", "screenshots");

test("the README's screenshots", async ({ page, browser }) => {
  await signInAsAdmin(page);

  // Users, with the Invite dialog open and filled in.
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Invite" });
  await dialog.getByLabel("Email", { exact: true }).fill("maria.santos@example.com");
  await dialog.getByLabel("Role").selectOption({ label: "Team Lead" });
  await dialog.getByLabel("Department").selectOption({ label: "Quality" });
  await page.screenshot({ path: join(OUT, "users-invite-dialog.png") });
  await dialog.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText("Invitation sent to maria.santos@example.com.")).toBeVisible();

  // A shop-floor worker's handout.
  const handout = await inviteShopFloor(page, "Ola", "Nowak", "E-4577");
  await expect(handout).toContainText("Ola Nowak");
  await page.screenshot({ path: join(OUT, "shop-floor-handout.png") });
  await handout.getByRole("button", { name: "Done" }).click();

  // The Invitations tab.
  await page.getByRole("link", { name: "Invitations" }).click();
  await expect(page.getByRole("row").filter({ hasText: "E-4577" })).toContainText("Pending");
  await page.screenshot({ path: join(OUT, "invitations-tab.png") });

  // The accept page, as the invitee opens their link.
  const mail = await mailTo("maria.santos@example.com");
  const link = mail.text.match(/https?:\/\/\S+\/invitation\/[A-Za-z0-9_-]+/)![0];
  const invitee = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await open(invitee, link);
  await invitee.getByLabel("First name").fill("Maria");
  await invitee.getByLabel("Last name").fill("Santos");
  await expect(invitee.getByRole("heading").first()).toBeVisible();
  await invitee.screenshot({ path: join(OUT, "accept-page.png") });

  // Maria's page, once she has joined and has been made a Team Lead at Plant North.
  await invitee.getByLabel("Password", { exact: true }).fill("kestrel over the foundry roof");
  await invitee.getByLabel("Confirm password").fill("kestrel over the foundry roof");
  await invitee.getByRole("button", { name: "Complete sign-up" }).click();
  await expect(invitee).toHaveURL(/\/profile$/);
  await open(page, "/users?q=maria");
  await page.getByRole("link", { name: "Maria Santos" }).click();
  // A plain link, not the router's: should it load a new page, the form must wait for its code.
  await expect(page).toHaveURL(/\/users\/\d+$/);
  await hydrated(page);
  const form = page.getByRole("region", { name: "Role and units" });
  await form.getByLabel("Location").selectOption({ label: "Plant North" });
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("region", { name: "Recent activity" })).toContainText("Location changed");
  await page.screenshot({ path: join(OUT, "person-page.png"), fullPage: true });
});
