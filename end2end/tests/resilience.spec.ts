// Slow, failing and lying networks: the student always keeps the last status
// they saw, is told what is going on, the widget recovers by itself once the
// fault is gone, and one press never makes two orders (or none, silently).
import { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { snap } from "./shots";
import { resetStudent, setFaults, simState } from "./sim";

const HOST = "/demo/usosweb.html?login-url=/login";
const badge = (page: Page) => page.locator("[data-test=order] [data-test=status] .mlg-badge");
const problem = (page: Page) => page.locator("[data-test=problem]");

interface ReadFault {
  fault: string;
  /** What the student is told; null when the widget copes without a message. */
  message: string | null;
}

const readFaults: ReadFault[] = [
  { fault: "status=500", message: "USOS jest chwilowo niedostępny." },
  { fault: "status=502", message: "USOS jest chwilowo niedostępny." },
  { fault: "maintenance", message: "USOS jest chwilowo niedostępny." },
  { fault: "busy=2", message: "USOS jest teraz przeciążony." },
  { fault: "status=401", message: "Sesja wygasła — zaloguj się ponownie." },
  { fault: "status=403", message: "USOS nie pozwala Ci wykonać tej czynności." },
  { fault: "hang", message: "USOS nie odpowiedział na czas." },
  { fault: "drop", message: "Brak połączenia z USOS." },
  { fault: "not-json", message: "USOS odpowiedział w nieoczekiwany sposób." },
  { fault: "truncated", message: "USOS odpowiedział w nieoczekiwany sposób." },
  { fault: "wrong-types", message: "Odpowiedź USOS ma nieoczekiwaną postać." },
  { fault: "missing-fields", message: "Odpowiedź USOS ma nieoczekiwaną postać." },
  { fault: "extra-fields", message: null },
];

/** A student with a pending order, on the page, status shown. */
async function pendingOrderOnScreen(page: Page, request: import("@playwright/test").APIRequestContext) {
  await resetStudent(request, { profile: "eligible" });
  expect((await request.post("/services/cards/make_mcard_order")).status()).toBe(200);
  await page.goto(HOST);
  await expect(badge(page)).toHaveText(/Oczekuje/);
}

for (const { fault, message } of readFaults) {
  test(`reading mcard with ${fault}: ${message ?? "no message"}, status kept, recovers by itself`, async ({ page, request }) => {
    await pendingOrderOnScreen(page, request);
    await setFaults(request, [`cards/mcard:${fault}`]);
    await page.getByRole("button", { name: "Sprawdź status zamówienia" }).click();
    if (message) {
      await expect(problem(page)).toContainText(message, { timeout: 15_000 });
      await expect(problem(page).locator("[data-test=last-update]")).toHaveText(/Ostatnia aktualizacja: \d\d:\d\d:\d\d/);
      if (fault === "status=401") {
        await expect(page.getByRole("link", { name: "Zaloguj się" })).toHaveAttribute("href", /^\/login\?return=http/);
      }
      await snap(page, `fault-${fault.replace("=", "-")}`);
    } else {
      await expect(page.locator("[data-test=notice]")).toHaveText("Zaktualizowano status zamówienia.");
      await expect(problem(page)).toHaveCount(0);
    }
    // The last known status stays on screen through the fault.
    await expect(badge(page)).toHaveText(/Oczekuje/);
    await setFaults(request, []);
    // No click: the widget retries by itself and the message goes away.
    await expect(problem(page)).toHaveCount(0, { timeout: 20_000 });
    await expect(badge(page)).toHaveText(/Oczekuje/);
    expect((await simState(request)).orders_placed).toBe(1);
  });
}

test("an unknown status is shown as it came, neutrally, and replaced when it is known again", async ({ page, request }) => {
  await pendingOrderOnScreen(page, request);
  await setFaults(request, ["cards/mcard:unknown-status"]);
  await page.getByRole("button", { name: "Sprawdź status zamówienia" }).click();
  await expect(badge(page)).toHaveText(/suspended_by_mc/);
  await expect(badge(page)).toHaveClass(/mlg-badge--neutral/);
  await expect(problem(page)).toHaveCount(0);
  await setFaults(request, []);
  await page.reload();
  await expect(badge(page)).toHaveText(/Oczekuje/);
});

test("an order accepted while its answer was lost is shown, and never made twice", async ({ page, request }) => {
  await resetStudent(request, { profile: "eligible", faults: ["cards/make_mcard_order:lose-response"] });
  await page.goto(HOST);
  await page.getByRole("button", { name: "Zamów mLegitymację" }).click();
  await expect(badge(page)).toHaveText(/Oczekuje/);
  await expect(page.locator("[data-test=notice]")).toHaveText("mLegitymacja została zamówiona.");
  await expect(problem(page)).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Zamów mLegitymację" })).toHaveCount(0);
  expect((await simState(request)).orders_placed).toBe(1);
});

test("when the answer is lost and USOS cannot be read, the button waits until it can", async ({ page, request }) => {
  await resetStudent(request, { profile: "eligible" });
  await page.goto(HOST);
  await expect(page.locator("[data-test=can-order]")).toBeVisible();
  await setFaults(request, ["cards/make_mcard_order:lose-response", "cards/mcard:status=503"]);
  const button = page.locator("[data-test=order-button]");
  await button.click();
  await expect(problem(page)).toContainText("USOS jest chwilowo niedostępny.");
  await expect(button).toHaveText("Sprawdzamy, czy zamówienie dotarło do USOS…");
  await expect(button).toHaveAttribute("aria-disabled", "true");
  await snap(page, "fault-order-unconfirmed");
  // Impatient presses (forced past the disabled state) send nothing.
  await button.click({ force: true });
  await button.click({ force: true });
  expect((await simState(request)).orders_placed).toBe(1);
  await setFaults(request, []);
  await expect(badge(page)).toHaveText(/Oczekuje/, { timeout: 20_000 });
  await expect(problem(page)).toHaveCount(0);
  expect((await simState(request)).orders_placed).toBe(1);
});

for (const fault of ["drop", "status=503", "hang"]) {
  test(`an order that did not go through (${fault}) is said so, and the student can order once more`, async ({ page, request }) => {
    await resetStudent(request, { profile: "eligible", faults: [`cards/make_mcard_order:${fault}`] });
    await page.goto(HOST);
    await page.getByRole("button", { name: "Zamów mLegitymację" }).click();
    await expect(problem(page)).toBeVisible({ timeout: 15_000 });
    await expect(page.locator("[data-test=order-button]")).toHaveText("Zamów mLegitymację");
    expect((await simState(request)).orders_placed).toBe(0);
    await setFaults(request, []);
    await page.getByRole("button", { name: "Zamów mLegitymację" }).click();
    await expect(badge(page)).toHaveText(/Oczekuje/);
    await expect(problem(page)).toHaveCount(0);
    expect((await simState(request)).orders_placed).toBe(1);
  });
}

test("a cancellation USOS refuses is said, stays through the checks in the background, and is never sent again", async ({ page, request }) => {
  // The order stays pending for the whole test: the widget keeps checking.
  await resetStudent(request, { profile: "eligible", pending_ms: 120_000 });
  expect((await request.post("/services/cards/make_mcard_order")).status()).toBe(200);
  await page.goto(HOST);
  await expect(badge(page)).toHaveText(/Oczekuje/);
  await setFaults(request, ["cards/revoke_mcard:status=403"]);
  const revokes: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/services/cards/revoke_mcard")) revokes.push(r.url());
  });
  await page.getByRole("button", { name: "Anuluj zamówienie" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Tak, anuluj zamówienie" }).click();
  await expect(problem(page)).toContainText("USOS nie pozwala Ci wykonać tej czynności.");
  // Two checks by the widget itself later, the refusal is still there.
  for (let check = 0; check < 2; check++) {
    await page.waitForResponse((r) => r.url().includes("/services/cards/mcard?"), { timeout: 20_000 });
  }
  await expect(problem(page)).toContainText("USOS nie pozwala Ci wykonać tej czynności.");
  await expect(badge(page)).toHaveText(/Oczekuje/);
  expect(revokes).toHaveLength(1);
  await snap(page, "fault-cancel-refused");
  // The student reads it, and checks again by hand: it goes.
  await page.getByRole("button", { name: "Spróbuj ponownie" }).click();
  await expect(problem(page)).toHaveCount(0);
  await expect(badge(page)).toHaveText(/Oczekuje/);
  expect(revokes).toHaveLength(1);
  expect((await simState(request)).orders_placed).toBe(1);
});

test("going offline says so, keeps the status, and checks at once on reconnect", async ({ page, request, context }) => {
  await pendingOrderOnScreen(page, request);
  await context.setOffline(true);
  await expect(problem(page)).toContainText("Brak połączenia z USOS.");
  await expect(badge(page)).toHaveText(/Oczekuje/);
  const check = page.waitForRequest((r) => r.url().includes("/services/cards/mcard"), { timeout: 3_000 });
  await context.setOffline(false);
  await check;
  await expect(problem(page)).toHaveCount(0);
});

test("text from the API is shown as text, never run", async ({ page, request }) => {
  const hostile = `<img src=x onerror="document.title='pwned'"><script>document.title='pwned'</script>`;
  await resetStudent(request, { profile: "eligible", why_cannot_order: { pl: hostile, en: hostile } });
  let dialogs = 0;
  page.on("dialog", () => dialogs++);
  await page.goto(HOST);
  await expect(page.locator("[data-test=cannot-order] strong")).toHaveText(hostile);
  await expect(page.locator("[data-test=cannot-order] img")).toHaveCount(0);
  await page.waitForTimeout(300);
  expect(await page.title()).not.toBe("pwned");
  expect(dialogs).toBe(0);
});

test("the activation code never reaches storage, the URL or the console", async ({ page, request }) => {
  const messages: string[] = [];
  page.on("console", (m) => messages.push(m.text()));
  await resetStudent(request, { profile: "eligible", pending_ms: 0, processing_ms: 0 });
  await request.post("/services/cards/make_mcard_order");
  const order = (await simState(request)).orders[0];
  await page.goto("/");
  await page.getByRole("button", { name: "Dodaj mLegitymację do mObywatela" }).click();
  await expect(page.locator("[data-test=activation-code]")).toHaveText(order.distribution_pass);
  // A failure afterwards logs to the console: still without the code.
  await setFaults(request, ["cards/mcard:wrong-types"]);
  await page.getByRole("button", { name: "Sprawdź status zamówienia" }).click();
  await expect(problem(page)).toBeVisible();
  const stored = await page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }]));
  for (const secret of [order.distribution_pass, order.token]) {
    expect(stored).not.toContain(secret);
    expect(page.url()).not.toContain(secret);
    expect(messages.join("\n")).not.toContain(secret);
  }
});

const slowOrFlaky = [
  { name: "500 ms of latency on every request", faults: ["all:latency=500"] },
  {
    name: "one read in five failing with 503",
    faults: ["apisrv/installation:status=503/5", "cards/mcard:status=503/5", "cards/mcard_order:status=503/5"],
  },
];

for (const { name, faults } of slowOrFlaky) {
  test(`the whole order path works with ${name}`, async ({ page, request }) => {
    test.setTimeout(120_000);
    await resetStudent(request, { profile: "eligible", pending_ms: 1_500, processing_ms: 3_000, faults });
    await page.goto(HOST);
    await page.getByRole("button", { name: "Zamów mLegitymację" }).click();
    await expect(badge(page)).toHaveText(/Oczekuje|W trakcie/, { timeout: 20_000 });
    await expect(badge(page)).toHaveText(/Do odbioru/, { timeout: 40_000 });
    await page.getByRole("button", { name: "Dodaj mLegitymację do mObywatela" }).click();
    const order = (await simState(request)).orders[0];
    await expect(page.locator("[data-test=activation-code]")).toHaveText(order.distribution_pass, { timeout: 20_000 });
    const code = await page.locator("[data-test=activation-code]").innerText();
    expect((await request.post("/_sim/activate", { data: { token: order.token, distribution_pass: code } })).status()).toBe(200);
    await expect(badge(page)).toHaveText(/Odebrana/, { timeout: 40_000 });
    expect((await simState(request)).orders_placed).toBe(1);
  });
}
