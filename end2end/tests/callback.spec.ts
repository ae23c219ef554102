// The call-back: "Do odbioru" while the student is in another tab shows in
// the tab's title until they look, and — if they opted in with the button —
// as a system notification that brings them back. Nothing repeats.
import { Page } from "@playwright/test";
import { expect, places, test } from "./fixtures";
import { resetStudent } from "./sim";
import { setTabHidden } from "./tab";

/** Records the real notifications the page shows (the browser's own
 * Notification, subclassed only to keep hold of each one) and the page's
 * permission prompts and focus requests. */
async function watchNotifications(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const record = window as unknown as { shown: Notification[]; prompts: number; focused: number };
    record.shown = [];
    record.prompts = 0;
    record.focused = 0;
    const Real = window.Notification;
    class Watched extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        record.shown.push(this);
      }
      static requestPermission(callback?: NotificationPermissionCallback) {
        record.prompts++;
        return Real.requestPermission(callback);
      }
    }
    Object.defineProperty(window, "Notification", { configurable: true, writable: true, value: Watched });
    const focus = window.focus.bind(window);
    window.focus = () => {
      record.focused++;
      focus();
    };
  });
}

const shown = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as { shown: Notification[] }).shown.map((n) => ({ title: n.title, body: n.body, tag: n.tag })),
  );

test("Do odbioru in a hidden tab: the title, and the notification the student asked for, once", async ({ page, request, context }) => {
  test.setTimeout(120_000);
  await context.grantPermissions(["notifications"]);
  await watchNotifications(page);
  await resetStudent(request, { profile: "eligible", pending_ms: 2_000, processing_ms: 2_000 });
  await page.goto("/");
  await expect(page).toHaveTitle("mLegitymacja");
  await page.locator("[data-test=order-button]").click();
  await expect(page.locator("[data-test=order] [data-test=status] .mlg-badge")).toHaveText(/Oczekuje/);

  // Nothing was asked on page load; the browser already allows it, so the
  // button opts in without a prompt.
  await page.locator("[data-test=notify]").click();
  await expect(page.locator("[data-test=notify-on]")).toHaveText("Powiadomimy Cię, gdy mLegitymacja będzie do odbioru.");
  expect(await page.evaluate(() => (window as unknown as { prompts: number }).prompts)).toBe(0);

  // The student goes to another tab; the hidden tab checks every 30 s.
  await setTabHidden(page, true);
  await expect(page).toHaveTitle("(1) Do odbioru — mLegitymacja", { timeout: 45_000 });
  expect(await shown(page)).toEqual([
    { title: "Do odbioru — mLegitymacja", body: "Dodaj mLegitymację do aplikacji mObywatel.", tag: expect.stringMatching(/^mlegitymacja-/) },
  ]);

  // Clicking the notification brings the student to the tab and closes it.
  await page.evaluate(() => (window as unknown as { shown: Notification[] }).shown[0].dispatchEvent(new Event("click")));
  expect(await page.evaluate(() => (window as unknown as { focused: number }).focused)).toBe(1);

  // The student looks: the page's own title is back.
  await setTabHidden(page, false);
  await expect(page).toHaveTitle("mLegitymacja");
  await expect(page.locator("[data-test=order] [data-test=status] .mlg-badge")).toHaveText(/Do odbioru/);

  // Away again, and back: nothing repeats for the same order.
  await setTabHidden(page, true);
  await page.waitForTimeout(6_000);
  await setTabHidden(page, false);
  await page.waitForTimeout(6_000);
  await expect(page).toHaveTitle("mLegitymacja");
  expect(await shown(page)).toHaveLength(1);
});

for (const where of places) {
  test(`${where.name}: without the opt-in, only the title calls back, in the student's language`, async ({ page, request, context }) => {
    test.setTimeout(120_000);
    await context.grantPermissions(["notifications"]);
    await watchNotifications(page);
    await resetStudent(request, { profile: "eligible", pending_ms: 2_000, processing_ms: 2_000 });
    await page.goto(where.url);
    const title = await page.title();
    await page.getByRole("button", { name: "EN", exact: true }).click();
    await page.locator("[data-test=order-button]").click();
    await expect(page.locator("[data-test=notify]")).toBeVisible();
    await setTabHidden(page, true);
    await expect(page).toHaveTitle(`(1) Ready to collect — ${title}`, { timeout: 45_000 });
    expect(await shown(page)).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { prompts: number }).prompts)).toBe(0);
    await setTabHidden(page, false);
    await expect(page).toHaveTitle(title);
  });
}

test("the browser's prompt comes from the button, once, never on page load", async ({ page, request }) => {
  await watchNotifications(page);
  await resetStudent(request, { profile: "eligible" });
  await page.goto("/");
  await page.locator("[data-test=order-button]").click();
  await expect(page.locator("[data-test=notify]")).toBeVisible();
  expect(await page.evaluate(() => Notification.permission)).toBe("default");
  expect(await page.evaluate(() => (window as unknown as { prompts: number }).prompts)).toBe(0);
  await page.locator("[data-test=notify]").click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { prompts: number }).prompts)).toBe(1);
  // Headless Chromium answers the prompt by itself; whatever it said, the
  // widget shows it and does not ask again.
  const answer = await page.evaluate(() => Notification.permission);
  const shown = answer === "granted" ? "[data-test=notify-on]" : answer === "denied" ? "[data-test=notify-blocked]" : "[data-test=notify]";
  await expect(page.locator(shown)).toBeVisible();
});

test("a student who blocked notifications is told so, and never asked", async ({ page, request }) => {
  await watchNotifications(page);
  await page.addInitScript(() => {
    Object.defineProperty(Notification, "permission", { configurable: true, get: () => "denied" });
  });
  await resetStudent(request, { profile: "eligible" });
  await page.goto("/");
  await page.locator("[data-test=order-button]").click();
  await expect(page.locator("[data-test=notify-blocked]")).toContainText("Powiadomienia są zablokowane");
  await expect(page.locator("[data-test=notify]")).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { prompts: number }).prompts)).toBe(0);
});
