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
