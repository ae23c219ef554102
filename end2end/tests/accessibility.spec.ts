// WCAG 2.1 AA, checked by axe-core in every state of the student's path, in
// every language, in light and dark, standalone and inside the USOSweb-like
// host page. Then what axe cannot see: keyboard-only use, focus in dialogs,
// announcements, reflow at 320 px, reduced motion.
import AxeBuilder from "@axe-core/playwright";
import { APIRequestContext, Page } from "@playwright/test";
import { animationsSettled, expect, places, test } from "./fixtures";
import { snap } from "./shots";
import { resetStudent, setFaults, simState } from "./sim";

const languages = [
  { button: "PL", tag: "pl", heading: "Zamówienie mLegitymacji" },
  { button: "EN", tag: "en", heading: "mLegitymacja order" },
  { button: "УКР", tag: "uk", heading: "Замовлення mLegitymacja" },
];
const schemes = ["light", "dark"] as const;

/** Places an order through the API itself (as another device would) and
 * waits until the stand-in has moved it to `status`. */
async function orderUntil(request: APIRequestContext, status: string): Promise<void> {
  expect((await request.post("/services/cards/make_mcard_order")).status()).toBe(200);
  await expect.poll(async () => (await simState(request)).orders[0]?.status).toBe(status);
}

/** Every state a student meets, each reached from a fresh student. */
interface State {
  name: string;
  /** Brings a fresh student and the page to this state. */
  reach: (page: Page, request: APIRequestContext, url: string) => Promise<void>;
  /** Opens a modal dialog, after the language is chosen (a modal dialog
   * makes the rest of the page inert, the language switch too). */
  open?: (page: Page) => Promise<void>;
}

const states: State[] = [
  {
    name: "may order",
    reach: async (page, request, url) => {
      await resetStudent(request, { profile: "eligible" });
      await page.goto(url);
      await expect(page.locator("[data-test=order-button]")).toBeVisible();
    },
  },
  {
    name: "may not order",
    reach: async (page, request, url) => {
      await resetStudent(request, { profile: "no-photo" });
      await page.goto(url);
      await expect(page.locator("[data-test=cannot-order]")).toBeVisible();
    },
  },
  {
    name: "Oczekuje, with the cancel dialog open",
    reach: async (page, request, url) => {
      await resetStudent(request, { profile: "eligible" });
      await orderUntil(request, "pending");
      await page.goto(url);
      await expect(page.locator("[data-test=notify]")).toBeVisible();
    },
    open: async (page) => {
      await page.locator("[data-test=cancel-order]").click();
      await expect(page.locator("dialog[open]")).toBeVisible();
    },
  },
  {
    name: "Do odbioru, with the activation steps",
    reach: async (page, request, url) => {
      await resetStudent(request, { profile: "eligible", pending_ms: 0, processing_ms: 0 });
      await orderUntil(request, "ready");
      await page.goto(url);
      await page.locator("[data-test=add-to-mobywatel]").click();
      await expect(page.locator("[data-test=qr]")).toBeVisible();
    },
  },
  {
    name: "Odebrana, with the cancel section open",
    reach: async (page, request, url) => {
      await resetStudent(request, { profile: "eligible", pending_ms: 0, processing_ms: 0 });
      await orderUntil(request, "ready");
      const order = (await simState(request)).orders[0];
      await request.post("/_sim/activate", { data: { token: order.token, distribution_pass: order.distribution_pass } });
      await page.goto(url);
      await page.locator("[data-test=cancel-card-section] summary").click();
      await expect(page.locator("[data-test=cancel-card]")).toBeVisible();
    },
  },
  {
    name: "Błąd",
    reach: async (page, request, url) => {
      await resetStudent(request, { profile: "mc-error", pending_ms: 0, processing_ms: 0 });
      await orderUntil(request, "error");
      await page.goto(url);
      await expect(page.locator("[data-test=order]")).toBeVisible();
    },
  },
  {
    name: "Unieważnione przez uczelnię",
    reach: async (page, request, url) => {
      await resetStudent(request, { profile: "revoked" });
      await page.goto(url);
      await expect(page.locator("[data-test=order]")).toBeVisible();
    },
  },
  {
    name: "a card about to expire, and the next one",
    reach: async (page, request, url) => {
      await resetStudent(request, { profile: "expiring" });
      await page.goto(url);
      await expect(page.locator("[data-test=order-button]")).toBeVisible();
    },
  },
  {
    name: "USOS failing, with the last status kept",
    reach: async (page, request, url) => {
      await resetStudent(request, { profile: "eligible" });
      await orderUntil(request, "pending");
      await page.goto(url);
      await expect(page.locator("[data-test=order]")).toBeVisible();
      await setFaults(request, ["cards/mcard:status=503"]);
      await page.locator("[data-test=check-status]").click();
      await expect(page.locator("[data-test=problem]")).toBeVisible();
    },
  },
  {
    name: "help open",
    reach: async (page, request, url) => {
      await resetStudent(request, { profile: "eligible" });
      await page.goto(url);
      await expect(page.locator("[data-test=help-button]")).toBeVisible();
    },
    open: async (page) => {
      await page.locator("[data-test=help-button]").click();
      await expect(page.locator("[data-test=help]")).toBeVisible();
      // Its sections are a part of the widget: judge them once they are here.
      await expect(page.locator("[data-test=help] h3").first()).toBeVisible();
    },
  },
  {
    name: "a university without mLegitymacja",
    reach: async (page, request, url) => {
      await resetStudent(request, { profile: "eligible", mcards_support: false });
      await page.goto(url);
      await expect(page.locator("[data-test=unsupported]")).toBeVisible();
    },
  },
];

for (const where of places) {
  for (const state of states) {
    test(`axe: no WCAG 2.1 AA violation — ${where.name}, ${state.name}, pl/en/uk × light/dark`, async ({ page, request }) => {
      await state.reach(page, request, where.url);
      for (const language of languages) {
        await page.getByRole("button", { name: language.button, exact: true }).click();
        await expect(page.locator(".mlg")).toHaveAttribute("lang", language.tag);
        await state.open?.(page);
        for (const colorScheme of schemes) {
          await page.emulateMedia({ colorScheme });
          // Colours change with a short transition: judge the end state.
          await animationsSettled(page);
          const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
          const found = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
          expect(found, `${language.tag}, ${colorScheme}`).toEqual([]);
        }
        if (state.open) {
          await page.keyboard.press("Escape");
          await expect(page.locator("dialog[open]")).toHaveCount(0);
        }
      }
      await setFaults(request, []);
    });
  }
}

test("axe: the settings-problem notice has no violation", async ({ page }) => {
  for (const colorScheme of schemes) {
    await page.emulateMedia({ colorScheme });
    await page.goto("/demo/usosweb.html?no-api-base");
    await expect(page.locator("[data-test=settings-problem]")).toBeVisible();
    const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    expect(result.violations.map((v) => v.id), colorScheme).toEqual([]);
  }
});

test("axe: a status check on its way keeps the button's contrast, light and dark", async ({ page, request }) => {
  // A poll in flight must not fade the button the student reads (found by
  // axe catching a poll in flight by chance).
  await resetStudent(request, { profile: "eligible" });
  await orderUntil(request, "pending");
  await page.goto("/");
  const check = page.locator("[data-test=check-status]");
  await expect(check).toBeVisible();
  await setFaults(request, ["cards/mcard:latency=8000"]);
  await check.click();
  await expect(check).toHaveAttribute("aria-busy", "true");
  await snap(page, "check-busy");
  for (const colorScheme of schemes) {
    await page.emulateMedia({ colorScheme });
    await animationsSettled(page);
    const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    expect(result.violations.map((v) => v.id), colorScheme).toEqual([]);
  }
  await expect(check).toHaveAttribute("aria-busy", "true");
  await setFaults(request, []);
});

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
