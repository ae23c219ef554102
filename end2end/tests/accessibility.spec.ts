// WCAG 2.1 AA, checked by axe-core in every state of the student's path, in
// every language, in light and dark, standalone and inside the USOSweb-like
// host page. What axe cannot see is in accessibility-by-hand.spec.ts.
import AxeBuilder from "@axe-core/playwright";
import { APIRequestContext, Page } from "@playwright/test";
import { animationsSettled, expect, languages, places, test } from "./fixtures";
import { snap } from "./shots";
import { orderUntil, resetStudent, setFaults, simState } from "./sim";

const schemes = ["light", "dark"] as const;

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
