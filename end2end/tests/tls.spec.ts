// The deployment as deploy/ describes it, run for real (scripts/serve-tls):
// nginx with deploy/nginx-tls.conf as written ends TLS with a certificate
// made for this run, and balances over two gateway copies on one
// PostgreSQL. Over https, in Chromium that trusts that certificate alone
// (--ignore-certificate-errors-spki-list with its key's hash), the student
// signs in, orders, watches the status, scans the QR code, opts in to push
// and signs out; both copies serve the one student.
//
// As in push.spec.ts, PushManager's subscribe and getSubscription return a
// subscription made by usos-sim's push service, because Chromium's own push
// service cannot be reached from here.
import { Browser, chromium } from "@playwright/test";
import fs from "node:fs";
import { chromiumArgs, chromiumPath } from "./chromium";
import { expect, test } from "./fixtures";
import { stubPushManager } from "./push-stub";
import { decodeQr } from "./qr";
import { snap } from "./shots";
import { port, runDir } from "./runs";

const site = `https://localhost:${port + 4}`;
const usos = `http://127.0.0.1:${port + 5}`;

async function trustingBrowser(): Promise<Browser> {
  const spki = fs.readFileSync(`${runDir("tls")}/spki`, "utf8").trim();
  return chromium.launch({
    executablePath: chromiumPath,
    args: [...chromiumArgs, `--ignore-certificate-errors-spki-list=${spki}`],
  });
}

test("behind nginx with TLS, two copies on PostgreSQL: sign in → order → live status → QR → push → sign out", async ({ request }) => {
  test.setTimeout(120_000);
  const browser = await trustingBrowser();
  const context = await browser.newContext({ baseURL: site, locale: "pl-PL" });
  await context.grantPermissions(["notifications"], { origin: site });
  const subscription = await stubPushManager(context, request, usos);
  const page = await context.newPage();
  const badge = page.locator("[data-test=order] [data-test=status] .mlg-badge");
  const logLines = () =>
    ["a", "b"].map((copy) => fs.readFileSync(`${runDir("tls")}/gateway-${copy}.log`, "utf8").split("\n").length);
  const before = logLines();

  await page.goto("/");
  await page.locator("[data-test=sign-in]").getByRole("link", { name: "Zaloguj się przez USOS" }).click();
  await expect(page).toHaveURL(new RegExp(`^${usos}/services/oauth/authorize`));
  await page.getByRole("button", { name: /Zaloguj się i zezwól/ }).click();
  await expect(page).toHaveURL(`${site}/`);
  const session = (await context.cookies(site)).find((c) => c.name === "__Host-mlg_session");
  expect(session?.secure).toBe(true);
  expect(session?.httpOnly).toBe(true);

  await page.getByRole("button", { name: "Zamów mLegitymację" }).click();
  await expect(badge).toHaveText(/Oczekuje/);
  // The opt-in, while the order is on its way: the service worker over https.
  await page.locator("[data-test=notify]").click();
  await expect(page.locator("[data-test=push-on]")).toBeVisible();
  expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(1);
  await expect(badge).toHaveText(/Do odbioru/, { timeout: 20_000 });
  await page.getByRole("button", { name: "Dodaj mLegitymację do mObywatela" }).click();
  const token = (await page.locator("[data-test=token]").textContent())!.trim();
  expect(token).toMatch(/^[0-9a-f]{32}$/);
  expect(await decodeQr(page.locator("[data-test=qr]"))).toBe(token);
  await snap(page, "tls-01-ready");
  // The watch ended in its push, sent by one of the copies.
  await expect
    .poll(async () => {
      const { messages } = await (await request.get(`${usos}/_sim/push/messages`)).json();
      return messages.filter((m: { subscription: string; answered: number }) =>
        (subscription.endpoint as string).endsWith(m.subscription) && m.answered === 201).length;
    }, { timeout: 20_000 })
    .toBe(1);

  await page.getByRole("button", { name: "Wyloguj" }).click();
  await expect(page.locator("[data-test=notice]")).toHaveText("Wylogowano.");
  expect((await context.cookies(site)).find((c) => c.name === "__Host-mlg_session")).toBeUndefined();

  // Consecutive requests of the one student went to both copies.
  const after = logLines();
  for (const [i, copy] of ["a", "b"].entries()) {
    const lines = fs.readFileSync(`${runDir("tls")}/gateway-${copy}.log`, "utf8").split("\n").slice(before[i] - 1);
    const studentCalls = lines.filter((l) => /path=\/(services|auth|push)\//.test(l));
    expect(studentCalls.length, `copy ${copy} answered the student`).toBeGreaterThan(0);
    expect(after[i]).toBeGreaterThan(before[i]);
  }
  await browser.close();
});

test("behind nginx: /metrics is refused from outside; plain http is sent to https", async ({ request }) => {
  const metrics = await request.get(`${site}/metrics`, { ignoreHTTPSErrors: true });
  expect(metrics.status()).toBe(403);
  const conf = fs.readFileSync(`${runDir("tls")}/site.conf`, "utf8");
  const http = conf.match(/listen 127\.0\.0\.1:(\d+);/)![1];
  const plain = await request.get(`http://localhost:${http}/`, { maxRedirects: 0 });
  expect(plain.status()).toBe(301);
  expect(plain.headers()["location"]).toBe(`https://localhost/`);
});
