// The student's whole path against installations that are not shaped as the
// contract assumes: one without `planned_expiration_date`, one with status
// codes of its own, one whose errors carry `user_messages`.
import { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { decodeQr } from "./qr";
import { snap } from "./shots";
import { resetStudent, setFaults, simState } from "./sim";

const badge = (page: Page) => page.locator("[data-test=order] [data-test=status] .mlg-badge");

async function orderAndCollect(page: Page, request: import("@playwright/test").APIRequestContext) {
  await page.getByRole("button", { name: "Zamów mLegitymację" }).click();
  await expect(badge(page)).toHaveText(/Oczekuje/);
  await expect(badge(page)).toHaveText(/W trakcie/, { timeout: 15_000 });
  await expect(badge(page)).toHaveText(/Do odbioru/, { timeout: 15_000 });
  await expect(badge(page)).toHaveAttribute("data-status", "ready");
  await page.getByRole("button", { name: "Dodaj mLegitymację do mObywatela" }).click();
  const order = (await simState(request)).orders[0];
  expect(await decodeQr(page.locator("[data-test=qr]"))).toBe(order.token);
  return order;
}

test("an installation without planned_expiration_date: one refused request, then the whole path", async ({ page, request }) => {
  test.setTimeout(90_000);
  await resetStudent(request, {
    profile: "eligible",
    pending_ms: 3_000,
    processing_ms: 6_000,
    no_fields: ["planned_expiration_date"],
  });
  const refused: string[] = [];
  page.on("response", async (response) => {
    if (response.url().includes("/services/") && response.status() === 400) {
      refused.push(`${response.url()} ${await response.text()}`);
    }
  });
  await page.goto("/");
  const canOrder = page.locator("[data-test=can-order]");
  await expect(canOrder).toHaveText("Spełniasz warunki uprawniające Cię do zamówienia mLegitymacji.");
  await expect(page.locator("[data-test=planned-expiry]")).toHaveCount(0);
  await snap(page, "installation-no-planned-date");
  await orderAndCollect(page, request);
  const widget = await page.locator("[data-mlegitymacja]").evaluate((host) => host.shadowRoot?.textContent ?? "");
  expect(widget).not.toMatch(/undefined|null|NaN/);
  expect(refused.length, refused.join("\n")).toBe(1);
  expect(refused[0]).toContain("field_not_found");
  expect((await simState(request)).orders_placed).toBe(1);
});

const ownCodes = {
  pending: "oczekuje",
  in_progress: "w_trakcie",
  ready: "do_odbioru",
  received: "odebrana",
  error: "blad",
  cancelled: "anulowane",
  revoked: "uniewaznione",
};

test("an installation with its own status codes, named in data-status-codes: every badge right", async ({ page, request }) => {
  test.setTimeout(90_000);
  await resetStudent(request, { profile: "eligible", pending_ms: 3_000, processing_ms: 6_000, status_codes: ownCodes });
  await page.goto(`/demo/usosweb.html?status-codes=${encodeURIComponent(JSON.stringify(ownCodes))}`);
  const order = await orderAndCollect(page, request);
  const activated = await request.post("/_sim/activate", {
    data: { token: order.token, distribution_pass: order.distribution_pass },
  });
  expect(activated.status()).toBe(200);
  await page.getByRole("button", { name: "Sprawdź status zamówienia" }).click();
  await expect(badge(page)).toHaveText(/Odebrana/);
  await expect(badge(page)).toHaveAttribute("data-status", "received");
});

test("the same installation without data-status-codes: each code a neutral badge, nothing breaks", async ({ page, request }) => {
  await resetStudent(request, { profile: "eligible", status_codes: ownCodes });
  await page.goto("/");
  await page.getByRole("button", { name: "Zamów mLegitymację" }).click();
  await expect(badge(page)).toHaveText(/oczekuje/);
  await expect(badge(page)).toHaveAttribute("data-status", "oczekuje");
  await expect(badge(page)).toHaveClass(/mlg-badge--neutral/);
  expect((await simState(request)).orders_placed).toBe(1);
});

test("a wrong data-status-codes is listed inside the widget like any setting", async ({ page }) => {
  await page.goto(`/demo/usosweb.html?status-codes=${encodeURIComponent('{"redy": "x"}')}`);
  const problem = page.locator("[data-test=settings-problem]");
  await expect(problem).toContainText("data-status-codes");
  await expect(problem).toContainText('"redy" is not a status name');
});

test("USOS's own words: user_messages shown to the student in pl and en, then mcard read again", async ({ page, request }) => {
  await resetStudent(request, { profile: "eligible", user_messages: true });
  await page.goto("/");
  await expect(page.locator("[data-test=can-order]")).toBeVisible();
  // Meanwhile the student lost the right to order; the page does not know yet.
  await resetStudent(request, { profile: "no-photo", user_messages: true });
  await page.getByRole("button", { name: "Zamów mLegitymację" }).click();
  const said = page.locator("[data-test=usos-message]");
  await expect(said).toHaveText("Nie możesz zamówić mLegitymacji: brak zdjęcia.");
  // Read again: the page now shows why.
  await expect(page.locator("[data-test=cannot-order]")).toContainText("brak zdjęcia");
  await snap(page, "installation-user-messages");
  await page.getByRole("button", { name: "EN", exact: true }).click();
  await expect(said).toHaveText("You cannot order an mLegitymacja: no photo.");
  expect((await simState(request)).orders_placed).toBe(0);
});

test("an installation whose errors carry user_messages: the whole path, through a spell of trouble", async ({ page, request }) => {
  test.setTimeout(90_000);
  await resetStudent(request, { profile: "eligible", pending_ms: 8_000, processing_ms: 6_000, user_messages: true });
  await page.goto("/");
  await page.getByRole("button", { name: "Zamów mLegitymację" }).click();
  await expect(badge(page)).toHaveText(/Oczekuje/);
  await setFaults(request, ["cards/mcard:status=503"]);
  await expect(page.locator("[data-test=usos-message]")).toHaveText(
    "USOS ma chwilowe problemy. Spróbuj ponownie za kilka minut.",
    { timeout: 15_000 },
  );
  await expect(badge(page)).toHaveText(/Oczekuje/);
  await setFaults(request, []);
  await expect(badge(page)).toHaveText(/Do odbioru/, { timeout: 30_000 });
  await expect(page.locator("[data-test=problem]")).toHaveCount(0);
  await page.getByRole("button", { name: "Dodaj mLegitymację do mObywatela" }).click();
  const order = (await simState(request)).orders[0];
  expect(await decodeQr(page.locator("[data-test=qr]"))).toBe(order.token);
  expect((await simState(request)).orders_placed).toBe(1);
});
