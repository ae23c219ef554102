// Every test runs under the stand-in's strict Content-Security-Policy and fails
// if the browser reports any violation of it, from the page or the widget.
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
      page.on("console", (message) => {
        if (/CSP violation|Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      await use(violations);
      expect(violations, "Content-Security-Policy violations").toEqual([]);
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
