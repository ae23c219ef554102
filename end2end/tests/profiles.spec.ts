// What the page shows for each kind of student, read from the stand-in's API.
import { expect, test } from "./fixtures";
import { snap } from "./shots";
import { mcard, plDate, plDateTime, Profile, resetStudent } from "./sim";

test("an eligible student sees they may order and the planned expiry date", async ({ page, request }) => {
  await resetStudent(request, { profile: "eligible" });
  const api = await mcard(request);
  expect(api.why_cannot_order).toBeNull();
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Zamówienie mLegitymacji" })).toBeVisible();
  await expect(page.locator("[data-test=can-order]")).toHaveText(
    `Spełniasz warunki uprawniające Cię do zamówienia mLegitymacji. Planowana data ważności mLegitymacji: ${plDate(api.planned_expiration_date)}.`,
  );
  await expect(page.locator("[data-test=order]")).toHaveCount(0);
});

const reasons: Profile[] = ["no-photo", "no-pesel", "not-active", "no-album-number", "before-oath"];
for (const profile of reasons) {
  test(`a student who cannot order (${profile}) sees the server's reason`, async ({ page, request }) => {
    await resetStudent(request, { profile });
    const api = await mcard(request);
    await page.goto("/");
    await expect(page.locator("[data-test=cannot-order]")).toHaveText(
      `Nie możesz zamówić mLegitymacji z następującego powodu: ${api.why_cannot_order.pl}.`,
    );
    await expect(page.locator("[data-test=can-order]")).toHaveCount(0);
    await snap(page, `15-cannot-order-${profile}`);
  });
}

test("a card revoked by the university shows its badge and dates", async ({ page, request }) => {
  await resetStudent(request, { profile: "revoked" });
  const order = (await mcard(request)).orders[0];
  await page.goto("/");
  const badge = page.locator("[data-test=status] .mlg-badge");
  await expect(badge).toHaveText(/Unieważnione przez uczelnię/);
  await expect(badge).toHaveAttribute("data-status", "revoked");
  await expect(page.locator("[data-test=order-date]")).toHaveText(plDateTime(order.order_date));
  await expect(page.locator("[data-test=expiry]")).toHaveText(plDate(order.expiration_date));
  await expect(page.locator("[data-test=cannot-order]")).toContainText("brak aktywnego statusu studenta");
});

test("a card with under a month left is shown as collected, and a new order is allowed", async ({ page, request }) => {
  await resetStudent(request, { profile: "expiring" });
  const api = await mcard(request);
  await page.goto("/");
  await expect(page.locator("[data-test=status] .mlg-badge")).toHaveText(/Odebrana/);
  await expect(page.locator("[data-test=can-order]")).toContainText(plDate(api.planned_expiration_date));
});

test("an order that the ministry fails shows Błąd", async ({ page, request }) => {
  await resetStudent(request, { profile: "mc-error", pending_ms: 0, processing_ms: 0 });
  expect((await request.post("/services/cards/make_mcard_order")).status()).toBe(200);
  await page.goto("/");
  await expect(page.locator("[data-test=status] .mlg-badge")).toHaveText(/Błąd/);
  await expect(page.locator("[data-test=status] .mlg-badge")).toHaveAttribute("data-status", "error");
});

test("a pending order shows Oczekuje with the order date", async ({ page, request }) => {
  await resetStudent(request, { profile: "eligible" });
  await request.post("/services/cards/make_mcard_order");
  const order = (await mcard(request)).orders[0];
  await page.goto("/");
  await expect(page.locator("[data-test=status] .mlg-badge")).toHaveText(/Oczekuje/);
  await expect(page.locator("[data-test=order-date]")).toHaveText(plDateTime(order.order_date));
});

test("a university without mLegitymacja says so and asks nothing more than the one early mcard", async ({ page, request }) => {
  await resetStudent(request, { profile: "eligible", mcards_support: false });
  const asked: string[] = [];
  page.on("request", (r) => asked.push(new URL(r.url()).pathname));
  await page.goto("/");
  await expect(page.locator("[data-test=unsupported]")).toContainText("nie wydaje mLegitymacji");
  await snap(page, "16-unsupported");
  await page.waitForTimeout(2_000);
  expect(asked).toContain("/services/apisrv/installation");
  // The first mcard is asked beside installation, before its answer
  // (first-reads.spec.ts); its answer is dropped, and nothing follows.
  expect(asked.filter((path) => path.startsWith("/services/cards/"))).toEqual(["/services/cards/mcard"]);
});

test("the language switch shows the same state in English", async ({ page, request }) => {
  await resetStudent(request, { profile: "no-photo" });
  await page.goto("/");
  await expect(page.locator("[data-test=cannot-order]")).toContainText("brak zdjęcia");
  await page.getByRole("button", { name: "EN", exact: true }).click();
  await expect(page.locator("[data-test=cannot-order]")).toHaveText(
    "You cannot order an mLegitymacja for the following reason: no photo.",
  );
  await expect(page.getByRole("heading", { name: "mLegitymacja order" })).toBeVisible();
  await snap(page, "17-english-cannot-order");
});
