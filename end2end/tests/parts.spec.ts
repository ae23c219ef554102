// The widget in parts: the first status needs only the main module; the
// help panel, the activation steps, English, Ukrainian and push are parts
// fetched later (src/parts.rs). A part that cannot be fetched, or arrives
// changed, never ends the widget: the problem notice says so and
// "Spróbuj ponownie" fetches it again.
import { Page } from "@playwright/test";
import crypto from "node:crypto";
import { axeEverywhere, expect, test } from "./fixtures";
import { snap } from "./shots";
import { resetStudent } from "./sim";

const PART = /\/split_[a-z_]+-[0-9a-f]{16}\.wasm$/;

/** Records, in the page, when the first status badge is laid out. */
async function watchFirstBadge(page: Page) {
  await page.addInitScript(() => {
    const look = () => {
      const badge = document.querySelector("[data-mlegitymacja]")?.shadowRoot?.querySelector(".mlg-badge");
      if (badge && badge.getBoundingClientRect().height > 0) {
        (window as unknown as { firstBadge: number }).firstBadge = performance.now();
      } else requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });
}

async function placeOrder(page: Page) {
  await page.goto("/");
  await page.locator("[data-test=order-button]").click();
  await expect(page.locator("[data-test=order] [data-test=status] .mlg-badge")).toHaveText(/Oczekuje/);
}

test("the first badge is on screen before any part is requested; then the parts come, each once", async ({ page, browser, request }) => {
  await resetStudent(request, { profile: "eligible" });
  await placeOrder(page);
  // A first visit: a fresh context, nothing cached.
  const context = await browser.newContext();
  const cold = await context.newPage();
  await watchFirstBadge(cold);
  const requested: { url: string; at: number }[] = [];
  cold.on("request", (r) => requested.push({ url: r.url(), at: Date.now() }));
  await cold.goto("/");
  await cold.waitForFunction(() => (window as unknown as { firstBadge?: number }).firstBadge !== undefined);
  await expect(cold.locator(".mlg-badge")).toHaveText(/Oczekuje/);
  // Every part is fetched ahead once the status shows (an order on its way:
  // the activation steps; then help, the languages and push; and, as the
  // page signs students in (data-login-url), the university's part, which
  // asks which university this is).
  await expect.poll(() => requested.filter((r) => PART.test(new URL(r.url).pathname)).length, { timeout: 15_000 }).toBe(6);
  // A resource's timing entry is written once it has arrived, a moment
  // after it was requested.
  const partTimings = () =>
    cold.evaluate(() => ({
      badge: (window as unknown as { firstBadge: number }).firstBadge,
      parts: performance
        .getEntriesByType("resource")
        .filter((e) => /\/split_[a-z_]+-[0-9a-f]{16}\.wasm$/.test(new URL(e.name).pathname))
        .map((e) => ({ name: new URL(e.name).pathname, start: e.startTime })),
    }));
  await expect.poll(async () => (await partTimings()).parts.length, { timeout: 15_000 }).toBe(6);
  const timing = await partTimings();
  expect(timing.parts).toHaveLength(6);
  for (const part of timing.parts) {
    expect(part.start, `${part.name} was requested before the first badge`).toBeGreaterThan(timing.badge);
  }
  const names = requested.map((r) => new URL(r.url).pathname).filter((p) => PART.test(p));
  expect(new Set(names).size).toBe(names.length);
  await context.close();
});

test("a help part that cannot be fetched, then arrives changed, shows the problem notice; Spróbuj ponownie brings it", async ({ page, request }) => {
  await resetStudent(request, { profile: "eligible" });
  let answer: "fail" | "changed" | "real" = "fail";
  const asked: string[] = [];
  await page.route(/\/split_help-[0-9a-f]{16}\.wasm$/, async (route) => {
    asked.push(answer);
    if (answer === "fail") return route.abort("internetdisconnected");
    const real = await route.fetch();
    const body = await real.body();
    if (answer === "changed") body[body.length - 1] ^= 0xff;
    return route.fulfill({ response: real, body });
  });
  await page.goto("/");
  await expect(page.locator("[data-test=order-button]")).toBeVisible();
  await page.getByRole("button", { name: "Pomoc" }).click();
  const help = page.getByRole("dialog", { name: "Pomoc" });
  const problem = help.locator("[data-test=part-problem]");
  await expect(problem).toBeVisible();
  await expect(problem).toHaveAttribute("role", "alert");
  await expect(problem).toContainText("Nie udało się pobrać tej części strony.");
  await expect(problem).toContainText("Sprawdź połączenie z internetem i spróbuj ponownie.");
  await snap(page, "parts-01-help-not-fetched");
  // The rest of the widget goes on.
  await expect(page.locator("[data-test=order-button]")).toBeVisible();

  // The file arrives, but not as built: its hash does not match, it is refused.
  answer = "changed";
  await problem.getByRole("button", { name: "Spróbuj ponownie" }).click();
  await expect.poll(() => asked.filter((a) => a === "changed").length).toBeGreaterThan(0);
  await expect(help.locator("[data-test=part-problem]")).toBeVisible();
  await expect(help.getByRole("heading", { name: "Co to jest mLegitymacja?" })).toHaveCount(0);

  answer = "real";
  await help.locator("[data-test=part-problem]").getByRole("button", { name: "Spróbuj ponownie" }).click();
  await expect(help.getByRole("heading", { name: "Co to jest mLegitymacja?" })).toBeVisible();
  await expect(help.locator("[data-test=part-problem]")).toHaveCount(0);
  await expect(help).toContainText("Oczekuje – użytkownik złożył zamówienie");
});

test("a language that cannot be fetched keeps the current one on screen; Spróbuj ponownie switches", async ({ page, request }) => {
  await resetStudent(request, { profile: "eligible" });
  let fail = true;
  await page.route(/\/split_lang_en-[0-9a-f]{16}\.wasm$/, (route) =>
    fail ? route.abort("internetdisconnected") : route.continue(),
  );
  await page.goto("/");
  const orderButton = page.locator("[data-test=order-button]");
  await expect(orderButton).toHaveText("Zamów mLegitymację");
  await page.getByRole("button", { name: "EN", exact: true }).click();
  const problem = page.locator("[data-test=part-problem]");
  await expect(problem).toContainText("Nie udało się pobrać tej części strony.");
  await expect(orderButton).toHaveText("Zamów mLegitymację");
  await expect(page.locator("html")).toHaveAttribute("lang", "pl");
  await snap(page, "parts-02-language-not-fetched");
  fail = false;
  await problem.getByRole("button", { name: "Spróbuj ponownie" }).click();
  await expect(orderButton).toHaveText("Order mLegitymacja");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(problem).toHaveCount(0);
});

test("a language switch never shows a blank moment: the old texts stay until the new ones are here", async ({ page, request }) => {
  await resetStudent(request, { profile: "eligible" });
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/split_lang_uk-[0-9a-f]{16}\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto("/");
  const orderButton = page.locator("[data-test=order-button]");
  await expect(orderButton).toHaveText("Zamów mLegitymację");
  await page.getByRole("button", { name: "УКР", exact: true }).click();
  // While the Ukrainian part is held back, Polish stays, whole.
  await page.waitForTimeout(300);
  await expect(orderButton).toHaveText("Zamów mLegitymację");
  await expect(page.locator("[data-test=part-problem]")).toHaveCount(0);
  release();
  await expect(orderButton).toHaveText("Замовити mLegitymacja");
});

test("the activation steps' part, refused once, comes with Spróbuj ponownie and the QR code is drawn", async ({ page, request }) => {
  await resetStudent(request, { profile: "eligible", pending_ms: 500, processing_ms: 500 });
  let fail = true;
  await page.route(/\/split_activation-[0-9a-f]{16}\.wasm$/, (route) =>
    fail ? route.abort("internetdisconnected") : route.continue(),
  );
  await page.goto("/");
  await page.locator("[data-test=order-button]").click();
  await expect(page.locator("[data-test=order] [data-test=status] .mlg-badge")).toHaveText(/Do odbioru/, { timeout: 20_000 });
  await page.locator("[data-test=add-to-mobywatel]").click();
  const problem = page.locator("#mlg-activation [data-test=part-problem]");
  await expect(problem).toBeVisible();
  await snap(page, "parts-03-activation-not-fetched");
  await axeEverywhere(page);
  fail = false;
  await problem.getByRole("button", { name: "Spróbuj ponownie" }).click();
  await expect(page.locator("[data-test=qr]")).toBeVisible();
  await expect(page.locator("[data-test=activation-code]")).not.toBeEmpty();
});

for (const where of [{ name: "standalone", url: "/" }, { name: "embedded in USOSweb", url: "/demo/usosweb.html" }]) {
  test(`${where.name}: a changed glue or loader of the parts is refused, its hash does not match`, async ({ page, request }) => {
    await resetStudent(request, { profile: "eligible" });
    for (const file of [/\/mlegitymacja-[0-9a-f]{16}\.js$/, /\/parts-[0-9a-f]{16}\.js$/]) {
      await page.unrouteAll();
      await page.route(file, async (route) => {
        const real = await route.fetch();
        const body = (await real.text()) + "\nglobalThis.tampered = true;\n";
        // Not kept by the browser's cache for the next load.
        return route.fulfill({ response: real, body, headers: { ...real.headers(), "cache-control": "no-store" } });
      });
      await page.goto(where.url);
      await page.waitForTimeout(1500);
      expect(await page.evaluate(() => (globalThis as { tampered?: boolean }).tampered)).toBeUndefined();
      await expect(page.locator("[data-test=order-button]")).toHaveCount(0);
    }
    // As built, it runs.
    await page.unrouteAll();
    await page.goto(where.url);
    await expect(page.locator("[data-test=order-button]")).toBeVisible();
  });
}

test("widget.js.sri, for an embedding page's integrity, is widget.js's own hash", async ({ request }) => {
  const sri = (await (await request.get("/widget.js.sri")).text()).trim();
  const widget = await (await request.get("/widget.js")).body();
  expect(sri).toBe(`sha384-${crypto.createHash("sha384").update(widget).digest("base64")}`);
});
