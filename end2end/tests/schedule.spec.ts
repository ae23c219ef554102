// Long waits cost USOS little: the widget checks an order every 5 s for
// its first 5 minutes, then less and less often, and once a minute from 30
// minutes on. The order's age comes from its order_date (Polish time), so a
// page opened on an old order knows how old it is. The button still checks
// at once. (The schedule itself is a pure function, tested natively.)
import { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { resetStudent, simState } from "./sim";

const badge = (page: Page) => page.locator("[data-test=order] [data-test=status] .mlg-badge");
const mcardCalls = async (request: import("@playwright/test").APIRequestContext) =>
  (await simState(request)).calls["cards/mcard"] ?? 0;

test("a page opened on an order placed three hours ago checks it once a minute, not every 5 s; the button checks at once", async ({ page, request }) => {
  await resetStudent(request, {
    profile: "eligible",
    pending_ms: 86_400_000,
    processing_ms: 86_400_000,
    ordered_minutes_ago: 180,
  });
  expect((await request.post("/services/cards/make_mcard_order")).status()).toBe(200);
  await page.goto("/");
  await expect(badge(page)).toHaveText(/Oczekuje/);
  // The page knows how long the student has waited.
  await expect(page.locator("[data-test=waiting]")).toContainText("Czekasz od: 3\u00a0godz.");
  const before = await mcardCalls(request);
  // A new order would be checked twice in these 12 s; this one is not.
  await page.waitForTimeout(12_000);
  expect(await mcardCalls(request)).toBe(before);
  await expect(badge(page)).toHaveText(/Oczekuje/);
  await page.getByRole("button", { name: "Sprawdź status zamówienia" }).click();
  await expect.poll(() => mcardCalls(request)).toBe(before + 1);
});
