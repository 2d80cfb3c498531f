import { expect, type Page, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { hydrated, mailTo, open, signInAsAdmin } from "./helpers";

// A mixed file as HR exports it: semicolons, a byte-order mark, CRLF, accents, a quoted field,
// an unknown column, and rows that cannot be imported.
const FILE = [
  "\uFEFFEmail;First name;Last name;Employee number;Role;Department;Cost centre",
  "marta.import@example.com;Marta;Kowalska;;Team Lead;Quality;4410",
  "jonas.import@example.com;Jonas;\"Weber; Jr\";;Employee;Paint Shop;4410",
  ";Zoë;Brandt;IMP-401;Employee;Quality;4420",
  ";Iker;Núñez;IMP-402;Employee;Paint Shop;4420",
  "not-an-address;;;;Employee;;",
  "boss.import@example.com;;;;Chief;;",
  "marta.import@example.com;;;;Employee;;",
  "",
].join("\r\n");

/** Uploads `content` as `name` and waits for its preview, which it answers. */
async function previewFile(page: Page, name: string, content: string) {
  const preview = page.getByRole("region", { name: `Preview of ${name}` });
  await page.getByLabel("Spreadsheet file").setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(content, "utf8") });
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(preview).toBeVisible();
  return preview;
}

test("an admin imports a mixed spreadsheet, watches it finish, downloads the result and prints the handouts", async ({ page, browser }) => {
  await signInAsAdmin(page);
  await page.getByRole("link", { name: "Import", exact: true }).click();
  await expect(page).toHaveURL(/\/users\/import$/);
  // A plain link, not the router's: should it load a new page, Preview must wait for its code.
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Import people from a spreadsheet" })).toBeVisible();
  // Preview with no file says so, rather than nothing.
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Choose a CSV or XLSX file." })).toBeVisible();

  const preview = await previewFile(page, "plant-north.csv", FILE);
  await expect(preview).toContainText("Will be invited by email: 2");
  await expect(preview).toContainText("Will get a shop-floor setup code: 2");
  await expect(preview).toContainText("Error: 2");
  await expect(preview).toContainText("Repeated in this file: 1");
  await expect(preview).toContainText("not import columns and will not be used: Cost centre");
  await expect(preview.getByRole("row").filter({ hasText: "boss.import@example.com" })).toContainText('no role called "Chief"');
  await expect(preview.getByRole("row").filter({ hasText: "IMP-401" })).toContainText("Zoë Brandt");
  await preview.getByLabel("Show only the 3 rows that will not be imported").check();
  await expect(preview.locator("tbody tr")).toHaveCount(3);
  await preview.getByLabel("Show only the 3 rows that will not be imported").uncheck();
  await expect(preview.locator("tbody tr")).toHaveCount(7);

  await preview.getByRole("button", { name: "Start the import (4 rows)" }).click();
  await expect(page).toHaveURL(/\/users\/imports\/\d+$/);
  const progress = page.getByRole("region", { name: "plant-north.csv" });
  // The page follows the job by itself, without a reload.
  await expect(progress.getByRole("status")).toHaveText("Finished");
  await expect(progress.locator("progress")).toHaveAttribute("value", "4");
  await expect(progress.locator('[data-count="sent"]')).toHaveText("4");
  await expect(progress.locator('[data-count="skipped"]')).toHaveText("3");
  await expect(page.getByRole("row").filter({ hasText: "jonas.import@example.com" })).toContainText("Invited by email");
  const mail = await mailTo("marta.import@example.com");
  expect(mail.text).toContain("/invitation/");

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    progress.getByRole("link", { name: "Download the result (CSV)" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("plant-north-result.csv");
  const result = readFileSync((await download.path())!, "utf8");
  expect(result).toContain('"2","marta.import@example.com","Invited by email","","Pending"');
  expect(result).toContain('"4","IMP-401","Shop-floor invitation made","","Pending"');
  expect(result).toContain('"6","not-an-address","Not imported');
  expect(result).not.toContain("/invitation/");

  await progress.getByRole("button", { name: "Print handouts (2 ready)" }).click();
  const sheet = page.getByRole("region", { name: "Handout sheet: 2 shop-floor employees" });
  const cards = sheet.locator(".sheet-card");
  await expect(cards).toHaveCount(2);
  // Sorted by department, then name: Paint Shop before Quality.
  await expect(cards.nth(0)).toContainText("Iker Núñez");
  await expect(cards.nth(1)).toContainText("Zoë Brandt");
  await expect(cards.nth(1).getByRole("img", { name: "QR code of the setup link" }).locator("svg")).toBeVisible();
  const code = (await cards.nth(1).locator(".setup-code").textContent())!;

  // On paper: only the cards, each whole (QR code and setup address inside it), both on one page.
  await page.emulateMedia({ media: "print" });
  await expect(sheet.getByRole("button", { name: "Print" })).toBeHidden();
  for (const card of await sheet.locator(".handout-card").all()) {
    const outer = (await card.boundingBox())!;
    for (const part of [card.locator(".qr svg"), card.locator(".setup-address")]) {
      const box = (await part.boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(outer.y + outer.height + 0.5);
      expect(box.x + box.width).toBeLessThanOrEqual(outer.x + outer.width + 0.5);
    }
  }
  const pdf = (await page.pdf({ format: "A4" })).toString("latin1");
  expect((pdf.match(/\/Type\s*\/Page(?!s)/g) ?? []).length).toBe(1);
  await page.emulateMedia({ media: "screen" });

  // The worker sets up with the code from the sheet.
  const terminal = await (await browser.newContext()).newPage();
  await open(terminal, "/setup");
  await terminal.getByLabel("Employee number").fill("IMP-401");
  await terminal.getByLabel("Setup code").fill(code);
  await terminal.getByLabel("First name").fill("Zoë");
  await terminal.getByLabel("Last name").fill("Brandt");
  await terminal.getByLabel("PIN or password", { exact: true }).fill("482139");
  await terminal.getByLabel("Repeat PIN or password").fill("482139");
  await terminal.getByRole("button", { name: "Set up my account" }).click();
  await expect(terminal).toHaveURL(/\/profile$/);

  await sheet.getByRole("button", { name: "Done" }).click();
  await expect(progress.getByRole("button", { name: "Print handouts (1 ready)" })).toBeVisible();
  await page.getByRole("link", { name: "Imports", exact: true }).click();
  await expect(page.getByRole("row").filter({ hasText: "plant-north.csv" })).toContainText("Finished");
});

test("a long preview is read a hundred rows at a time, and narrowing it starts again at its first page", async ({ page }) => {
  // 250 rows: every tenth names a role that does not exist.
  const rows = Array.from({ length: 250 }, (_, i) => `long.preview.${i + 1}@example.com,${i % 10 === 9 ? "Chief" : "Employee"}`);
  const file = ["email,role", ...rows, ""].join("\n");
  await signInAsAdmin(page);
  await open(page, "/users/import");

  const preview = await previewFile(page, "long.csv", file);
  const pages = preview.getByRole("navigation", { name: "Preview pages" });
  const body = preview.locator("tbody tr");

  await expect(pages).toContainText("Rows 1–100 of 250");
  await expect(body).toHaveCount(100);
  await expect(body.first()).toContainText("long.preview.1@example.com");
  await expect(pages.getByRole("button", { name: "Previous" })).toBeDisabled();

  await pages.getByRole("button", { name: "Next" }).click();
  await expect(pages).toContainText("Rows 101–200 of 250");
  await expect(body.first()).toContainText("long.preview.101@example.com");
  await pages.getByRole("button", { name: "Next" }).click();
  await expect(pages).toContainText("Rows 201–250 of 250");
  await expect(body).toHaveCount(50);
  await expect(body.last()).toContainText("long.preview.250@example.com");
  await expect(pages.getByRole("button", { name: "Next" })).toBeDisabled();

  await preview.getByLabel("Show only the 25 rows that will not be imported").check();
  await expect(pages).toContainText("Rows 1–25 of 25");
  await expect(body).toHaveCount(25);
  await expect(body.first()).toContainText("long.preview.10@example.com");
  await expect(pages.getByRole("button", { name: "Next" })).toBeDisabled();

  await expect(pages.getByRole("button", { name: "First" })).toBeDisabled();
  await preview.getByLabel("Show only the 25 rows that will not be imported").uncheck();
  await expect(pages).toContainText("Rows 1–100 of 250");
});
