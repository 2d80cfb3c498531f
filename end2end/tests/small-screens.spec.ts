import { expect, type Page, test } from "@playwright/test";
import { inviteShopFloor, open, signInAsAdmin } from "./helpers";

const PHONE = { width: 360, height: 740 };

/** How many pixels the page is wider than the phone's screen (0 or less when it fits). A page
 * wider than the screen also widens a phone's layout viewport, so compare with the screen. */
async function overflow(page: Page): Promise<number> {
  return page.evaluate((width) => Math.max(document.documentElement.scrollWidth, window.innerWidth) - width, PHONE.width);
}

test("every signed-in page fits a 360 px phone, whose menu opens the links and the Invite dialog opens inside the screen", async ({ browser }) => {
  const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const page = await context.newPage();
  await signInAsAdmin(page);

  for (const path of ["/users", "/users/invitations", "/users/imports", "/users/import", "/users/1", "/audit-log", "/organisation", "/profile"]) {
    await open(page, path);
    await page.waitForLoadState("networkidle");
    expect(await overflow(page), `${path} is wider than the phone`).toBeLessThanOrEqual(0);
  }

  // The sidebar folds into a Menu button; following a link closes it again.
  await open(page, "/users");
  const menu = page.getByRole("button", { name: "Menu" });
  const auditLog = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" });
  await expect(auditLog).toBeHidden();
  await menu.click();
  await expect(auditLog).toBeVisible();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await auditLog.click();
  await expect(page).toHaveURL(/\/audit-log$/);
  await expect(auditLog).toBeHidden();

  // The Invite dialog lies wholly inside the screen, even scrolled to the bottom of a page.
  await open(page, "/users");
  const dialog = page.getByRole("dialog", { name: "Invite" });
  const email = dialog.getByLabel("Email", { exact: true });
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  await expect(email).toBeVisible();
  const box = (await dialog.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
  expect(box.y + box.height).toBeLessThanOrEqual(PHONE.height);
  // Fingers need room: the dialog's controls are at least 44 px high.
  for (const control of [email, dialog.getByLabel("Role"), dialog.getByRole("button", { name: "Send invitation" })]) {
    expect((await control.boundingBox())!.height).toBeGreaterThanOrEqual(44);
  }
  await context.close();
});

/** The pages of a PDF. */
function pageCount(pdf: Buffer): number {
  return (pdf.toString("latin1").match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
}

test("a shop-floor handout prints whole on one page, A4 or Letter, and nothing else is printed", async ({ page, baseURL }) => {
  await signInAsAdmin(page);
  const dialog = page.getByRole("dialog", { name: "Invite" });
  const card = (await inviteShopFloor(page, "Tariq", "Aziz", "E-PRINT-1")).locator(".handout-card");
  await expect(card).toContainText("Tariq Aziz");

  await page.emulateMedia({ media: "print" });
  // Only the card is on paper; the QR code and the setup address lie inside it.
  await expect(page.getByRole("button", { name: "Invite", exact: true })).toBeHidden();
  await expect(dialog.getByRole("button", { name: "Print" })).toBeHidden();
  const cardBox = (await card.boundingBox())!;
  for (const part of [card.locator(".qr svg"), card.locator(".setup-address"), card.locator(".setup-code"), card.locator(".handout-expiry")]) {
    const box = (await part.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(cardBox.x);
    expect(box.y).toBeGreaterThanOrEqual(cardBox.y);
    expect(box.x + box.width).toBeLessThanOrEqual(cardBox.x + cardBox.width + 0.5);
    expect(box.y + box.height).toBeLessThanOrEqual(cardBox.y + cardBox.height + 0.5);
  }
  await expect(card.locator(".setup-address")).toHaveText(`${baseURL}/setup`);
  await expect(card.getByRole("listitem")).toHaveCount(3);
  for (const format of ["A4", "Letter"] as const) {
    expect(pageCount(await page.pdf({ format })), `pages on ${format}`).toBe(1);
  }
});
