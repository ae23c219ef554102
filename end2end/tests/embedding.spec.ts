// The widget inside a USOSweb-like page with hostile global CSS: it looks the
// same as on its own page, leaves the host alone, never touches the host's
// URL, and says clearly when its settings or the API are wrong.
import { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { snap } from "./shots";
import { resetStudent } from "./sim";

const HOST = "/demo/usosweb.html";

const PROPERTIES = [
  "font-family",
  "font-size",
  "font-weight",
  "line-height",
  "letter-spacing",
  "text-transform",
  "text-align",
  "color",
  "background-color",
  "padding-top",
  "padding-left",
  "margin-top",
  "margin-left",
  "border-top-width",
  "border-top-style",
  "border-top-color",
  "border-top-left-radius",
  "box-sizing",
  "display",
];

async function stylesOf(page: Page, selectors: string[]): Promise<Record<string, Record<string, string>>> {
  const result: Record<string, Record<string, string>> = {};
  for (const selector of selectors) {
    const element = page.locator(selector).first();
    await expect(element).toBeVisible();
    result[selector] = await element.evaluate((el, properties) => {
      const style = getComputedStyle(el);
      return Object.fromEntries(properties.map((p) => [p, style.getPropertyValue(p)]));
    }, PROPERTIES);
  }
  return result;
}

const WIDGET_PARTS = [
  ".mlg-header__title",
  ".mlg-panel",
  ".mlg-panel__heading",
  "[data-test=can-order]",
  "[data-test=can-order] strong",
  "[data-test=order-button]",
  "[data-test=help-button]",
  ".mlg-lang__option",
  "[data-test=conditions] li",
];

test("the widget looks the same inside the hostile host page as on its own", async ({ page, request }) => {
  await resetStudent(request, { profile: "eligible" });
  await page.goto("/");
  const alone = await stylesOf(page, WIDGET_PARTS.filter((s) => !s.includes("conditions")));
  await page.goto(HOST);
  const embedded = await stylesOf(page, WIDGET_PARTS.filter((s) => !s.includes("conditions")));
  expect(embedded).toEqual(alone);
  await snap(page, "embedded-eligible-host");

  await resetStudent(request, { profile: "no-photo" });
  await page.goto("/");
  const badAlone = await stylesOf(page, ["[data-test=cannot-order]", "[data-test=conditions] li"]);
  await page.goto(HOST);
  const badEmbedded = await stylesOf(page, ["[data-test=cannot-order]", "[data-test=conditions] li"]);
  expect(badEmbedded).toEqual(badAlone);
});

test("the host page's own elements are unchanged by the widget", async ({ page, request }) => {
  await resetStudent(request, { profile: "eligible" });
  const HOST_PARTS = ["body", "#host-heading", "#host-paragraph", "#host-button", "#host-current-link", ".menu a"];
  await page.goto(`${HOST}?widget=off`);
  const without = await stylesOf(page, HOST_PARTS);
  await page.goto(HOST);
  await expect(page.locator("[data-test=can-order]")).toBeVisible();
  const withWidget = await stylesOf(page, HOST_PARTS);
  expect(withWidget).toEqual(without);
});

test("in the host page, help opens and closes without touching the host's URL", async ({ page, request }) => {
  await resetStudent(request, { profile: "eligible" });
  const url = `${HOST}?lang=pl`;
  await page.goto(url);
  const before = page.url();
  await page.getByRole("button", { name: "Pomoc" }).click();
  const help = page.getByRole("dialog", { name: "Pomoc" });
  await expect(help).toBeVisible();
  expect(page.url()).toBe(before);
  await snap(page, "embedded-help");
  await page.keyboard.press("Escape");
  await expect(help).toBeHidden();
  await page.getByRole("button", { name: "Pomoc" }).click();
  await help.getByRole("button", { name: "Zamknij" }).click();
  await expect(help).toBeHidden();
  expect(page.url()).toBe(before);
  // The host's own links still work as the host made them.
  await page.locator("#host-current-link").click();
  expect(page.url()).toBe(`${before}#`);
});

test("a missing API base is a clear message inside the widget", async ({ page }) => {
  await page.goto(`${HOST}?no-api-base`);
  const problem = page.locator("[data-test=settings-problem]");
  await expect(problem).toContainText("Nie można wyświetlić mLegitymacji: ta strona ma błędne ustawienia widżetu.");
  await expect(problem).toContainText("data-api-base: missing");
  await expect(page.locator("#host-heading")).toBeVisible();
  await snap(page, "embedded-settings-problem");
});

test("every wrong setting is listed, in the page's language", async ({ page }) => {
  await page.goto(`${HOST}?lang=en&polling=sometimes&credentials=always`);
  const problem = page.locator("[data-test=settings-problem]");
  await expect(problem).toContainText("mLegitymacja cannot be shown: this page's widget settings are wrong.");
  await expect(problem).toContainText("data-polling");
  await expect(problem).toContainText("data-credentials");
});

test("an unreachable API is a clear message inside the widget", async ({ page }) => {
  await page.goto(`${HOST}?api-base=/_sim/unreachable/`);
  await expect(page.locator("[data-test=problem]")).toContainText("Brak połączenia z USOS.");
  await expect(page.getByRole("button", { name: "Spróbuj ponownie" })).toBeVisible();
  await snap(page, "embedded-unreachable");
});

test("a university without mLegitymacja is told so inside the widget", async ({ page, request }) => {
  await resetStudent(request, { profile: "eligible", mcards_support: false });
  await page.goto(HOST);
  await expect(page.locator("[data-test=unsupported]")).toContainText("nie wydaje mLegitymacji");
});

test("the CSRF token from the host's meta tag goes with every request", async ({ page, request }) => {
  await resetStudent(request, { profile: "eligible" });
  const read = page.waitForRequest((r) => r.url().includes("/services/cards/mcard"));
  await page.goto(`${HOST}?csrf-header=X-CSRF-Token&csrf-meta=csrf-token`);
  expect((await read).headers()["x-csrf-token"]).toBe("demo-csrf-token");
  const order = page.waitForRequest((r) => r.url().includes("/services/cards/make_mcard_order"));
  await page.getByRole("button", { name: "Zamów mLegitymację" }).click();
  expect((await order).headers()["x-csrf-token"]).toBe("demo-csrf-token");
});

test("with polling off, the status is checked only when the student asks", async ({ page, request }) => {
  await resetStudent(request, { profile: "eligible", pending_ms: 500 });
  await page.goto(`${HOST}?polling=off`);
  await page.getByRole("button", { name: "Zamów mLegitymację" }).click();
  await expect(page.locator("[data-test=status] .mlg-badge")).toHaveText(/Oczekuje/);
  let reads = 0;
  page.on("request", (r) => {
    if (r.url().includes("/services/cards/mcard")) reads++;
  });
  await page.waitForTimeout(6_000);
  expect(reads).toBe(0);
  await expect(page.locator("[data-test=status] .mlg-badge")).toHaveText(/Oczekuje/);
  await page.getByRole("button", { name: "Sprawdź status zamówienia" }).click();
  await expect(page.locator("[data-test=status] .mlg-badge")).toHaveText(/W trakcie/);
});

test("the CSP guard itself notices a violation", async ({ page, cspViolations }) => {
  await page.goto(`${HOST}?widget=off`);
  await page.evaluate(() => {
    const s = document.createElement("script");
    s.textContent = "window.inline = 1";
    document.body.append(s);
  });
  await expect.poll(() => cspViolations.length).toBeGreaterThan(0);
  cspViolations.splice(0);
});
