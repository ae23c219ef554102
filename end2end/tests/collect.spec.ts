// Collecting a ready card on a phone, and in browsers without the async
// Clipboard API.
import { expect, test } from "./fixtures";
import { resetStudent, simState } from "./sim";

async function readyOrder(request: import("@playwright/test").APIRequestContext) {
  await resetStudent(request, { profile: "eligible", pending_ms: 0, processing_ms: 0 });
  expect((await request.post("/services/cards/make_mcard_order")).status()).toBe(200);
  return (await simState(request)).orders[0];
}

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("offers a link that opens mObywatel's page", async ({ page, request }) => {
    await readyOrder(request);
    await page.goto("/");
    await page.getByRole("button", { name: "Dodaj mLegitymację do mObywatela" }).click();
    const link = page.getByRole("link", { name: "Otwórz aplikację mObywatel" });
    await expect(link).toBeVisible();
    await expect(link).toHaveAttribute("href", "https://www.gov.pl/web/mobywatel");
  });
});

test("on a laptop the mObywatel link is not offered", async ({ page, request }) => {
  await readyOrder(request);
  await page.goto("/");
  await page.getByRole("button", { name: "Dodaj mLegitymację do mObywatela" }).click();
  await expect(page.locator("[data-test=qr]")).toBeVisible();
  await expect(page.getByRole("link", { name: "Otwórz aplikację mObywatel" })).toBeHidden();
});

test("copying works where navigator.clipboard is missing", async ({ page, request }) => {
  const order = await readyOrder(request);
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, "clipboard", { configurable: true, get: () => undefined });
    (window as unknown as { copied: string[] }).copied = [];
    document.addEventListener("copy", () => {
      (window as unknown as { copied: string[] }).copied.push(String(document.getSelection() ?? ""));
    });
  });
  await page.goto("/");
  await page.getByRole("button", { name: "Dodaj mLegitymację do mObywatela" }).click();
  await page.locator("[data-test=copy-activation-code]").click();
  await expect(page.locator("[data-test=copy-activation-code]")).toHaveText(/Skopiowano/);
  const copied = await page.evaluate(() => (window as unknown as { copied: string[] }).copied);
  expect(copied).toEqual([order.distribution_pass]);
});

test("the activation code and the QR text are shown in English too", async ({ page, request }) => {
  const order = await readyOrder(request);
  await page.goto("/");
  await page.getByRole("button", { name: "EN", exact: true }).click();
  await expect(page.locator("[data-test=status] .mlg-badge")).toHaveText(/Ready to collect/);
  await page.getByRole("button", { name: "Add mLegitymacja to mObywatel" }).click();
  await expect(page.locator("[data-test=activation-code]")).toHaveText(order.distribution_pass);
  await expect(page.locator("[data-test=copy-token]")).toHaveText("Copy to clipboard");
});
