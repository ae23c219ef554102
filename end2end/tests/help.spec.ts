// The help panel: by button, Esc, ✕, its own address, and the back button.
import { expect, test } from "./fixtures";
import { snap } from "./shots";
import { resetStudent } from "./sim";

test.beforeEach(async ({ request }) => {
  await resetStudent(request, { profile: "eligible" });
});

test("opens from the button with the instruction's sections and closes with ✕", async ({ page }) => {
  await page.goto("/");
  const button = page.getByRole("button", { name: "Pomoc" });
  await button.click();
  const help = page.getByRole("dialog", { name: "Pomoc" });
  await expect(help).toBeVisible();
  await expect(page).toHaveURL(/\/pomoc$/);
  for (const heading of [
    "Co to jest mLegitymacja?",
    "Kto może otrzymać mLegitymację?",
    "Co trzeba zrobić, by otrzymać mLegitymację?",
    "Jak długo trzeba czekać?",
    "Co oznaczają poszczególne statusy?",
  ]) {
    await expect(help.getByRole("heading", { name: heading })).toBeVisible();
  }
  await expect(help).toContainText("Oczekuje – użytkownik złożył zamówienie, uczelnia nie przekazała go jeszcze do systemu MC.");
  await expect(help).toContainText("Unieważnione przez uczelnię – uczelnia unieważniła zamówienie lub mLegitymację z powodu utraty uprawnień przez użytkownika.");
  await snap(page, "14-help");
  await help.getByRole("button", { name: "Zamknij" }).click();
  await expect(help).toBeHidden();
  await expect(page).toHaveURL(/\/$/);
  await expect(button).toBeFocused();
});

test("Esc closes it", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("button", { name: "Pomoc" }).click();
  await expect(page.getByRole("dialog", { name: "Pomoc" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog", { name: "Pomoc" })).toBeHidden();
  await expect(page).toHaveURL(/\/$/);
});

test("its address opens it, and the back button closes it", async ({ page }) => {
  await page.goto("/pomoc");
  const help = page.getByRole("dialog", { name: "Pomoc" });
  await expect(help).toBeVisible();
  await help.getByRole("button", { name: "Zamknij" }).click();
  await expect(help).toBeHidden();
  await expect(page).toHaveURL(/\/$/);

  await page.getByRole("button", { name: "Pomoc" }).click();
  await expect(help).toBeVisible();
  await page.goBack();
  await expect(help).toBeHidden();
  await expect(page.locator("[data-test=can-order]")).toBeVisible();
});

test("is in English after the switch", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("button", { name: "EN", exact: true }).click();
  await page.getByRole("button", { name: "Help" }).click();
  const help = page.getByRole("dialog", { name: "Help" });
  await expect(help.getByRole("heading", { name: "What is mLegitymacja?" })).toBeVisible();
  await expect(help).toContainText("Ready to collect – you can add the mLegitymacja to the mObywatel app.");
});
