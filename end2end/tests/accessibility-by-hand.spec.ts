// WCAG 2.1 AA where axe-core cannot see (accessibility.spec.ts runs axe):
// keyboard-only use, focus in dialogs, announcements, reflow at 320 px,
// reduced motion.
import { Page } from "@playwright/test";
import { expect, languages, places, test } from "./fixtures";
import { orderUntil, resetStudent, setFaults, simState } from "./sim";

/** Whether `target` has the keyboard focus (inside the widget's shadow root). */
async function focused(target: import("@playwright/test").Locator): Promise<boolean> {
  return target.evaluate((el) => (el.getRootNode() as Document | ShadowRoot).activeElement === el);
}

/** Presses Tab until `target` has the focus, as a keyboard user would, and
 * checks that the focus is visible on it (a solid outline of 2 px or more). */
async function tabTo(page: Page, target: import("@playwright/test").Locator, shift = false): Promise<void> {
  for (let presses = 0; presses < 40; presses++) {
    if (await focused(target)) {
      const outline = await target.evaluate((el) => {
        const style = getComputedStyle(el);
        return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
      });
      expect(outline.style, "focus is visible").not.toBe("none");
      expect(outline.width, "focus is visible").toBeGreaterThanOrEqual(2);
      return;
    }
    await page.keyboard.press(shift ? "Shift+Tab" : "Tab");
  }
  throw new Error(`Tab never reached ${target}`);
}

for (const where of places) {
  test(`${where.name}: by keyboard alone, from "Zamów mLegitymację" to the activation steps and the copy buttons`, async ({ page, request, context }) => {
    test.setTimeout(60_000);
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await resetStudent(request, { profile: "eligible", pending_ms: 500, processing_ms: 500 });
    await page.goto(where.url);
    const orderButton = page.locator("[data-test=order-button]");
    await expect(orderButton).toBeVisible();

    // The language, by keyboard: English, then back to Polish.
    await tabTo(page, page.getByRole("button", { name: "EN", exact: true }));
    await page.keyboard.press("Enter");
    await expect(page.locator(".mlg")).toHaveAttribute("lang", "en");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Enter");
    await expect(page.locator(".mlg")).toHaveAttribute("lang", "pl");

    // Help, by keyboard: the focus stays in the dialog and comes back on Esc.
    const helpButton = page.locator("[data-test=help-button]");
    await tabTo(page, helpButton, true);
    await page.keyboard.press("Enter");
    const help = page.locator("[data-test=help]");
    await expect(help).toBeVisible();
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press("Tab");
      const inside = await help.evaluate((dialog) => dialog.contains((dialog.getRootNode() as ShadowRoot).activeElement));
      expect(inside, "focus stays in the help dialog").toBe(true);
    }
    await page.keyboard.press("Escape");
    await expect(help).toBeHidden();
    expect(await focused(helpButton), "focus returns to Pomoc").toBe(true);

    // The order, by keyboard.
    await tabTo(page, orderButton);
    await page.keyboard.press("Enter");
    const badge = page.locator("[data-test=order] [data-test=status] .mlg-badge");
    await expect(badge).toHaveText(/Do odbioru/, { timeout: 20_000 });
    const add = page.locator("[data-test=add-to-mobywatel]");
    await tabTo(page, add);
    await page.keyboard.press("Enter");
    await expect(page.locator("[data-test=activation-steps]")).toBeVisible();

    const order = (await simState(request)).orders[0];
    const copyToken = page.locator("[data-test=copy-token]");
    await tabTo(page, copyToken);
    await page.keyboard.press("Enter");
    await expect(copyToken).toHaveText(/Skopiowano/);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(order.token);
    const copyCode = page.locator("[data-test=copy-activation-code]");
    await tabTo(page, copyCode);
    await page.keyboard.press(" ");
    await expect(copyCode).toHaveText(/Skopiowano/);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(order.distribution_pass);

    // Cancelling, by keyboard: the dialog opens on "Nie, wróć" and Esc
    // closes it with the focus back on the button that opened it.
    const cancel = page.locator("[data-test=cancel-order]");
    await tabTo(page, cancel, true);
    await page.keyboard.press("Enter");
    const dialog = page.locator("dialog[open]");
    await expect(dialog).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(dialog).toHaveCount(0);
    expect(await focused(cancel), "focus returns to the cancel button").toBe(true);
  });
}

test("a status change is announced once, not on every poll; trouble once, not on every retry", async ({ page, request }) => {
  test.setTimeout(60_000);
  await resetStudent(request, { profile: "eligible", pending_ms: 6_000, processing_ms: 6_000 });
  await page.goto("/");
  await page.locator("[data-test=status-announcement]").waitFor({ state: "attached" });
  // Listens as a screen reader would: to changes of the live regions.
  await page.evaluate(() => {
    const record = window as unknown as { heard: (string | null)[]; alerts: number };
    record.heard = [];
    record.alerts = 0;
    const root = document.querySelector("[data-mlegitymacja]")!.shadowRoot!;
    const live = root.querySelector("[data-test=status-announcement]")!;
    new MutationObserver(() => record.heard.push(live.textContent)).observe(live, {
      childList: true,
      characterData: true,
      subtree: true,
    });
    new MutationObserver((changes) => {
      for (const change of changes) {
        for (const node of change.addedNodes) {
          if (node instanceof Element && (node.matches("[role=alert]") || node.querySelector("[role=alert]"))) record.alerts++;
        }
      }
    }).observe(root, { childList: true, subtree: true });
  });
  await expect(page.getByRole("status").filter({ hasText: "Status:" })).toHaveCount(0);
  await page.locator("[data-test=order-button]").click();
  const badge = page.locator("[data-test=order] [data-test=status] .mlg-badge");
  await expect(badge).toHaveText(/Do odbioru/, { timeout: 30_000 });
  await page.waitForTimeout(6_000); // more polls, nothing new
  const heard = await page.evaluate(() => (window as unknown as { heard: string[] }).heard);
  expect(heard.filter((text) => text !== "")).toEqual(["Status: Oczekuje", "Status: W trakcie", "Status: Do odbioru"]);
  const live = page.locator("[data-test=status-announcement]");
  await expect(live).toHaveAttribute("role", "status");

  await setFaults(request, ["cards/mcard:status=503"]);
  await page.locator("[data-test=check-status]").click();
  await expect(page.locator("[data-test=problem]")).toBeVisible();
  await page.waitForTimeout(7_000); // backoff retries: 2 s, 4 s, …
  expect(await page.evaluate(() => (window as unknown as { alerts: number }).alerts)).toBe(1);
  await expect(page.locator("[data-test=problem]")).toHaveAttribute("role", "alert");
  await setFaults(request, []);
});

for (const where of places) {
  test(`${where.name}: at 320 px wide (or 640 px at 200 % zoom) nothing needs sideways scrolling`, async ({ page, request }) => {
    await page.setViewportSize({ width: 320, height: 640 });
    await resetStudent(request, { profile: "eligible", pending_ms: 0, processing_ms: 0 });
    await orderUntil(request, "ready");
    await page.goto(where.url);
    await page.locator("[data-test=add-to-mobywatel]").click();
    await expect(page.locator("[data-test=qr]")).toBeVisible();
    for (const language of languages) {
      await page.getByRole("button", { name: language.button, exact: true }).click();
      const widths = await page.evaluate(() => {
        const widget = document.querySelector("[data-mlegitymacja]")!;
        const wider = [...widget.shadowRoot!.querySelectorAll("*")].filter(
          (el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5,
        );
        return { page: document.documentElement.scrollWidth, wider: wider.map((el) => el.className || el.tagName) };
      });
      expect(widths.wider, language.tag).toEqual([]);
      if (where.url === "/") expect(widths.page, language.tag).toBeLessThanOrEqual(320);
    }
  });
}

test("with reduced motion asked for, nothing moves", async ({ page, request }) => {
  await resetStudent(request, { profile: "eligible" });
  await page.goto("/");
  const button = page.locator("[data-test=order-button]");
  const duration = () => button.evaluate((el) => getComputedStyle(el).transitionDuration);
  expect(await duration()).not.toMatch(/^0s(, 0s)*$/);
  await page.emulateMedia({ reducedMotion: "reduce" });
  expect(await duration()).toMatch(/^0s(, 0s)*$/);
});
