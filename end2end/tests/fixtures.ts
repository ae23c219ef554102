// Every test runs under the stand-in's strict Content-Security-Policy and fails
// if the browser reports any violation of it, from the page or the widget, or
// if the widget panics (the panic hook logs "panicked at").
import { expect, test as base } from "@playwright/test";

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
