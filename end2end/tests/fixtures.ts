// Every test runs under the stand-in's strict Content-Security-Policy and fails
// if the browser reports any violation of it, from the page or the widget, or
// if the widget panics (the panic hook logs "panicked at").
import AxeBuilder from "@axe-core/playwright";
import { expect, Page, test as base } from "@playwright/test";

export const test = base.extend<{ cspViolations: string[] }>({
  cspViolations: [
    async ({ page }, use) => {
      const violations: string[] = [];
      await page.addInitScript(() => {
        document.addEventListener(
          "securitypolicyviolation",
          (e) => console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`),
          true,
        );
      });
      const panics: string[] = [];
      page.on("console", (message) => {
        if (/CSP violation|Content Security Policy/i.test(message.text())) violations.push(message.text());
        if (/panicked at/.test(message.text())) panics.push(message.text());
      });
      page.on("pageerror", (error) => {
        if (/unreachable|RuntimeError/.test(error.message)) panics.push(error.message);
      });
      await use(violations);
      expect(violations, "Content-Security-Policy violations").toEqual([]);
      expect(panics, "panics in the widget").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Where the widget is tried: its own page, and inside the USOSweb-like host page. */
export const places = [
  { name: "standalone", url: "/" },
  { name: "embedded in USOSweb", url: "/demo/usosweb.html" },
];

/** The widget's languages: the switch's button, the `lang` tag, the heading. */
export const languages = [
  { button: "PL", tag: "pl", heading: "Zamówienie mLegitymacji" },
  { button: "EN", tag: "en", heading: "mLegitymacja order" },
  { button: "УКР", tag: "uk", heading: "Замовлення mLegitymacja" },
];

/** Waits until no transition or animation runs in the page or in any
 * widget's shadow root (which document.getAnimations() does not list), so
 * that colours are judged in their end state. A transition that another
 * replaces is cancelled rather than finished: wait for its successor. */
export async function animationsSettled(page: import("@playwright/test").Page): Promise<void> {
  await page.evaluate(async () => {
    const running = () => {
      const roots = [...document.querySelectorAll("[data-mlegitymacja]")].map((host) => host.shadowRoot!);
      return [document, ...roots].flatMap((root) => root.getAnimations());
    };
    for (let round = 0; round < 20; round++) {
      const now = running();
      if (now.length === 0) return;
      await Promise.all(now.map((animation) => animation.finished.catch(() => undefined)));
    }
  });
}

/** axe in every language and colour scheme on the state on screen. A
 * language's texts may first have to be fetched (a part of the widget):
 * each check waits until the widget shows that language. */
export async function axeEverywhere(page: Page): Promise<void> {
  for (const { button, tag } of languages) {
    await page.getByRole("button", { name: button, exact: true }).click();
    await expect(page.locator(`.mlg[lang=${tag}]`)).toHaveCount(1);
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      await animationsSettled(page);
      const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
      const found = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
      expect(found, `${button}, ${colorScheme}`).toEqual([]);
    }
  }
  await page.getByRole("button", { name: "PL", exact: true }).click();
  await expect(page.locator(".mlg[lang=pl]")).toHaveCount(1);
  await page.emulateMedia({ colorScheme: "light" });
}
