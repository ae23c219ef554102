// The student's whole path, against the stand-in: every status change reaches
// the page without a click, and the stand-in counts exactly the orders placed.
import { Page } from "@playwright/test";
import { expect, places, test } from "./fixtures";
import { decodeQr } from "./qr";
import { snap } from "./shots";
import { mcard, plDate, resetStudent, simState } from "./sim";
import { setTabHidden } from "./tab";

const badge = (page: Page) => page.locator("[data-test=order] [data-test=status] .mlg-badge");

for (const where of places) {
test(`${where.name}: order → Oczekuje → W trakcie → Do odbioru → QR and code → Odebrana → cancel`, async ({ page, request, context }) => {
  const shot = (state: string) => snap(page, `${where.name === "standalone" ? "" : "embedded-"}${state}`);
  test.setTimeout(90_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await resetStudent(request, { profile: "eligible", pending_ms: 2_500, processing_ms: 4_000 });
  await page.goto(where.url);
  await expect(page.locator("[data-test=can-order]")).toBeVisible();
  await shot("01-eligible");

  await page.getByRole("button", { name: "Zamów mLegitymację" }).click();
  await expect(page.locator("[data-test=notice]")).toHaveText("mLegitymacja została zamówiona.");
  await expect(badge(page)).toHaveText(/Oczekuje/);
  await expect(page.locator("[data-test=waiting]")).toContainText("Zazwyczaj trwa to kilka minut.");
  await expect(page.locator("[data-test=waiting]")).toContainText("Czekasz od:");
  await shot("02-pending");

  // From here on, no click: the widget polls by itself.
  await expect(badge(page)).toHaveText(/W trakcie/, { timeout: 15_000 });
  await shot("03-in-progress");
  await expect(badge(page)).toHaveText(/Do odbioru/, { timeout: 15_000 });
  await expect(page.locator("[data-test=last-checked]")).toContainText("Ostatnie sprawdzenie:");
  await shot("04-ready");

  await page.getByRole("button", { name: "Dodaj mLegitymację do mObywatela" }).click();
  const steps = page.locator("[data-test=activation-steps]");
  await expect(steps).toContainText("Uruchom aplikację mObywatel, naciśnij przycisk Dodaj dokument, a następnie wybierz Legitymacja studencka.");
  const order = (await simState(request)).orders[0];
  await expect(page.locator("[data-test=token]")).toHaveText(order.token);
  await shot("05-activation-steps");

  // A phone reads the QR code from the screen.
  expect(await decodeQr(page.locator("[data-test=qr]"))).toBe(order.token);

  // The copy buttons put the texts on the clipboard and say so.
  await page.locator("[data-test=copy-token]").click();
  await expect(page.locator("[data-test=copy-token]")).toHaveText(/Skopiowano/);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(order.token);
  await page.locator("[data-test=copy-activation-code]").click();
  await expect(page.locator("[data-test=copy-activation-code]")).toHaveText(/Skopiowano/);
  const code = await page.locator("[data-test=activation-code]").innerText();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);

  // The student confirms in mObywatel with the code read from the page.
  const activation = await request.post("/_sim/activate", { data: { token: order.token, distribution_pass: code } });
  expect(activation.status()).toBe(200);
  await expect(badge(page)).toHaveText(/Odebrana/, { timeout: 15_000 });
  await expect(page.locator("[data-test=activation-steps]")).toHaveCount(0);
  await expect(page.locator("[data-test=order]")).toContainText("Dane mLegitymacji");
  await expect(page.locator("[data-test=order]")).toContainText("Data ważności:");
  await page.getByText("Anulowanie mLegitymacji").click();
  await expect(page.locator("[data-test=cancel-card-section]")).toContainText(
    "Może to być konieczne, np. z powodu zmiany danych osobowych, przeinstalowania mObywatela bądź zmiany telefonu.",
  );
  await shot("06-received");

  await page.getByRole("button", { name: "Anuluj mLegitymację" }).click();
  const dialog = page.getByRole("dialog", { name: "Anulować mLegitymację?" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("Tej operacji nie można cofnąć");
  await shot("07-confirm-cancel-card");
  await dialog.getByRole("button", { name: "Tak, anuluj mLegitymację" }).click();
  await expect(badge(page)).toHaveText(/Anulowane przez użytkownika/);
  await expect(page.locator("[data-test=notice]")).toHaveText("mLegitymacja została anulowana.");
  await expect(page.getByRole("button", { name: "Zamów mLegitymację" })).toBeVisible();
  await shot("08-card-cancelled");
  expect((await simState(request)).orders_placed).toBe(1);
});
}

for (const where of places) {
test(`${where.name}: a double click on the order button places exactly one order`, async ({ page, request }) => {
  await resetStudent(request, { profile: "eligible" });
  await page.goto(where.url);
  await page.getByRole("button", { name: "Zamów mLegitymację" }).dblclick();
  await expect(badge(page)).toHaveText(/Oczekuje/);
  await page.waitForTimeout(500);
  expect((await simState(request)).orders_placed).toBe(1);
});
}

test("cancelling a pending order asks first, and Nie, wróć changes nothing", async ({ page, request }) => {
  await resetStudent(request, { profile: "eligible" });
  await page.goto("/");
  await page.getByRole("button", { name: "Zamów mLegitymację" }).click();
  await expect(badge(page)).toHaveText(/Oczekuje/);
  const cancel = page.getByRole("button", { name: "Anuluj zamówienie" });
  await cancel.click();
  const dialog = page.getByRole("dialog", { name: "Anulować zamówienie?" });
  await expect(dialog).toBeVisible();
  await snap(page, "09-confirm-cancel-order");
  await dialog.getByRole("button", { name: "Nie, wróć" }).click();
  await expect(dialog).toBeHidden();
  await expect(cancel).toBeFocused();
  await expect(badge(page)).toHaveText(/Oczekuje/);
  await cancel.click();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(badge(page)).toHaveText(/Oczekuje/);
  await cancel.click();
  await dialog.getByRole("button", { name: "Tak, anuluj zamówienie" }).click();
  await expect(badge(page)).toHaveText(/Anulowane przez użytkownika/);
  await expect(page.locator("[data-test=notice]")).toHaveText("Zamówienie zostało anulowane.");
  await expect(page.getByRole("button", { name: "Zamów mLegitymację" })).toBeVisible();
  const state = await simState(request);
  expect(state.orders[0].status).toBe("cancelled");
  expect(state.orders_placed).toBe(1);
});

test("with under a month left, the next card is ordered beside the held one", async ({ page, request }) => {
  await resetStudent(request, { profile: "expiring" });
  const api = await mcard(request);
  await page.goto("/");
  await expect(badge(page)).toHaveText(/Odebrana/);
  await expect(page.locator("[data-test=next-card]")).toContainText("zamówić kolejną nie anulując posiadanej");
  await expect(page.locator("[data-test=can-order]")).toContainText(plDate(api.planned_expiration_date));
  await snap(page, "10-expiring");
  await page.getByRole("button", { name: "Zamów mLegitymację" }).click();
  await expect(badge(page)).toHaveText(/Oczekuje/);
  await expect(page.locator("[data-test=history]")).toContainText("Odebrana");
  await snap(page, "11-next-card-ordered");
  const state = await simState(request);
  expect(state.orders.map((o) => o.status)).toEqual(["pending", "received"]);
});

test("Błąd says what happened, who helps, and offers a new order", async ({ page, request }) => {
  await resetStudent(request, { profile: "mc-error", pending_ms: 500, processing_ms: 500 });
  await page.goto("/");
  await page.getByRole("button", { name: "Zamów mLegitymację" }).click();
  await expect(badge(page)).toHaveText(/Błąd/, { timeout: 15_000 });
  await expect(page.locator("[data-test=error-outcome]")).toContainText("zakończyło się błędem");
  await expect(page.locator("[data-test=contact]")).toHaveText(
    "W razie problemów kontaktuj się z Działem IT UIK na adres: pomoc.it@ignatianum.edu.pl",
  );
  await expect(page.getByRole("button", { name: "Zamów mLegitymację" })).toBeVisible();
  await snap(page, "12-error");
});

test("Unieważnione przez uczelnię explains the rules", async ({ page, request }) => {
  await resetStudent(request, { profile: "revoked" });
  await page.goto("/");
  await expect(badge(page)).toHaveText(/Unieważnione przez uczelnię/);
  const outcome = page.locator("[data-test=revoked-outcome]");
  await outcome.getByText("Unieważnienie mLegitymacji studenckiej").click();
  await expect(outcome).toContainText("w przypadku przeniesienia się studenta do innej uczelni;");
  await expect(page.locator("[data-test=contact]")).toContainText("pomoc.it@ignatianum.edu.pl");
  await snap(page, "13-revoked");
});

test("the manual check answers, and the status changes by itself afterwards too", async ({ page, request }) => {
  await resetStudent(request, { profile: "eligible" });
  await page.goto("/");
  await page.getByRole("button", { name: "Zamów mLegitymację" }).click();
  await expect(badge(page)).toHaveText(/Oczekuje/);
  await page.getByRole("button", { name: "Sprawdź status zamówienia" }).click();
  await expect(page.locator("[data-test=notice]")).toHaveText("Zaktualizowano status zamówienia.");
  await expect(page.locator("[data-test=last-checked]")).toHaveText(/Ostatnie sprawdzenie: \d\d:\d\d:\d\d/);
});

test("polling stops in a final state", async ({ page, request }) => {
  await resetStudent(request, { profile: "revoked" });
  let reads = 0;
  page.on("request", (r) => {
    if (r.url().includes("/services/cards/mcard")) reads++;
  });
  await page.goto("/");
  await expect(badge(page)).toHaveText(/Unieważnione/);
  await page.waitForTimeout(6_000);
  expect(reads).toBe(1);
});

test("a hidden tab checks seldom (every 30 s) and at once when it is back", async ({ page, request }) => {
  await resetStudent(request, { profile: "eligible" });
  await page.goto("/");
  await page.getByRole("button", { name: "Zamów mLegitymację" }).click();
  await expect(badge(page)).toHaveText(/Oczekuje/);
  let reads = 0;
  page.on("request", (r) => {
    if (r.url().includes("/services/cards/mcard")) reads++;
  });
  await page.waitForTimeout(6_500);
  expect(reads, "polls while visible").toBeGreaterThan(0);
  await setTabHidden(page, true);
  await page.waitForTimeout(500);
  reads = 0;
  await page.waitForTimeout(9_000);
  expect(reads, "no request within 9 s while hidden").toBe(0);
  const back = page.waitForRequest((r) => r.url().includes("/services/cards/mcard"), { timeout: 1_500 });
  await setTabHidden(page, false);
  await back;
});
