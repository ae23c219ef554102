// Polish, English and Ukrainian: where the language comes from, the switch,
// dates per language, and USOS's own texts (pl/en only) in English under uk.
import { expect, test } from "./fixtures";
import { resetStudent, simState } from "./sim";
import { decodeQr } from "./qr";

test("the host page's <html lang=uk> gives Ukrainian, with USOS's reason in English", async ({ page, request }) => {
  await resetStudent(request, { profile: "no-photo" });
  await page.goto("/demo/usosweb.html?page-lang=uk");
  await expect(page.locator(".mlg")).toHaveAttribute("lang", "uk");
  await expect(page.locator("#mlg-panel-title")).toHaveText("Замовлення mLegitymacja");
  await expect(page.locator("[data-test=cannot-order]")).toContainText("Ви не можете замовити mLegitymacja з такої причини:");
  await expect(page.locator("[data-test=cannot-order]")).toContainText("no photo");
  await expect(page.getByRole("button", { name: "УКР", exact: true })).toHaveAttribute("aria-pressed", "true");
});

test.describe("a browser set to Ukrainian", () => {
  test.use({ locale: "uk-UA" });

  test("opens the standalone page in Ukrainian, and the page declares it", async ({ page, request }) => {
    await resetStudent(request, { profile: "eligible", pending_ms: 0, processing_ms: 0 });
    expect((await request.post("/services/cards/make_mcard_order")).status()).toBe(200);
    const order = (await simState(request)).orders[0];
    await page.goto("/");
    await expect(page.locator("html")).toHaveAttribute("lang", "uk");
    const badge = page.locator("[data-test=order] [data-test=status] .mlg-badge");
    await expect(badge).toHaveText(/Готова до отримання/);
    const [y, m, d] = order.expiration_date.split("-");
    await expect(page.locator("[data-test=expiry]")).toHaveText(`${Number(d)}.${m}.${y}`);
    await page.getByRole("button", { name: "PL", exact: true }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "pl");
    await expect(badge).toHaveText(/Do odbioru/);
  });
});

test("data-lang wins over the page and the browser, and the switch still works", async ({ page, request }) => {
  await resetStudent(request, { profile: "eligible" });
  await page.goto("/demo/usosweb.html?lang=uk&page-lang=en");
  await expect(page.locator("[data-test=order-button]")).toHaveText("Замовити mLegitymacja");
  await page.getByRole("button", { name: "EN", exact: true }).click();
  await expect(page.locator("[data-test=order-button]")).toHaveText("Order mLegitymacja");
});

for (const colorScheme of ["light", "dark"] as const) {
  test(`the QR code scans in the ${colorScheme} theme`, async ({ page, request }) => {
    await page.emulateMedia({ colorScheme });
    await resetStudent(request, { profile: "eligible", pending_ms: 0, processing_ms: 0 });
    expect((await request.post("/services/cards/make_mcard_order")).status()).toBe(200);
    const order = (await simState(request)).orders[0];
    await page.goto("/");
    await page.locator("[data-test=add-to-mobywatel]").click();
    const qr = page.locator("[data-test=qr]");
    await expect(qr).toBeVisible();
    const background = await page.locator(".mlg").evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(background).toBe(colorScheme === "dark" ? "rgb(15, 20, 25)" : "rgb(244, 246, 248)");
    expect(await decodeQr(qr)).toBe(order.token);
  });
}
