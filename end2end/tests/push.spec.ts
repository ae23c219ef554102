// Told with the page closed: the student opts in through the gateway, closes
// the page, the order becomes ready, the gateway's push reaches the push
// service (usos-sim's) and the widget's real service worker shows it.
//
// The one stand-in inside the page: PushManager.prototype.subscribe and
// getSubscription return a subscription that usos-sim's push service made.
// Chromium's own push service (Google's) cannot be reached from here:
// subscribe is refused in an incognito context and hangs in a persistent
// one. Everything else is real: the permission, the service worker's
// registration, the gateway's watch, VAPID, the encryption, the service
// worker's notification. The browser is Debian's full Chromium, which
// Playwright runs in its new headless mode (`--headless`; the old headless
// shell is a separate binary this project never uses).
import { APIRequestContext, Page } from "@playwright/test";
import { axeEverywhere, expect, test } from "./fixtures";
import { stubPushManager } from "./push-stub";
import { snap } from "./shots";
import { port } from "./runs";

const gateway = `http://127.0.0.1:${port + 2}`;
const usos = `http://127.0.0.1:${port + 3}`;

test.use({ baseURL: gateway });

const badge = (page: Page) => page.locator("[data-test=order] [data-test=status] .mlg-badge");

interface Pushed {
  subscription: string;
  answered: number;
  aud: string;
  payload: { title: string; body: string; url: string; tag: string; lang: string };
}

async function pushes(request: APIRequestContext): Promise<Pushed[]> {
  return (await (await request.get(`${usos}/_sim/push/messages`)).json()).messages;
}

/** A fresh student whose order waits for the ministry until told. */
async function signInAndOrder(page: Page, request: APIRequestContext): Promise<void> {
  const reset = await request.post(`${usos}/_sim/reset`, {
    data: { profile: "eligible", pending_ms: 600_000, processing_ms: 600_000 },
  });
  expect(reset.status()).toBe(200);
  await page.goto("/");
  await page.locator("[data-test=sign-in]").getByRole("link").click();
  await page.getByRole("button", { name: /Zaloguj się i zezwól/ }).click();
  await expect(page).toHaveURL(`${gateway}/`);
  await page.getByRole("button", { name: "Zamów mLegitymację" }).click();
  await expect(badge(page)).toHaveText(/Oczekuje/);
}

test("told with the page closed: opt in, close the page, the card is ready, the service worker shows the push", async ({ page, context, request }) => {
  test.setTimeout(90_000);
  await context.grantPermissions(["notifications"], { origin: gateway });
  const subscription = await stubPushManager(context, request, usos);
  const before = (await pushes(request)).length;
  await signInAndOrder(page, request);
  await expect(page.locator("[data-test=notice]")).toHaveText("mLegitymacja została zamówiona.");

  // The one button: it asks, registers the worker, subscribes, tells the gateway.
  await page.locator("[data-test=notify]").click();
  const on = page.locator("[data-test=push-on]");
  await expect(on).toContainText("Powiadomimy Cię na tym urządzeniu, także po zamknięciu strony.");
  await expect(on.getByRole("button", { name: "Wyłącz" })).toBeVisible();
  await snap(page, "push-01-on");
  const registered = await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).map((r) => r.scope));
  expect(registered).toEqual([`${gateway}/`]);
  // Nothing secret in the browser's storage: only the order's number.
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
  expect(stored).toMatch(/"mlegitymacja-push-order":"\d+"/);

  // The student closes the page; the ministry answers.
  await page.close();
  const ready = await (await request.post(`${usos}/_sim/ministry-answers`, { data: {} })).json();
  const started = Date.now();
  await expect
    .poll(async () => (await pushes(request)).length, { timeout: 15_000, intervals: [250] })
    .toBe(before + 1);
  const pushed = (await pushes(request))[before];
  console.log(`push accepted ${Date.now() - started} ms after the order became ready`);
  expect(pushed.subscription).toBe(subscription.endpoint.split("/").pop());
  expect(pushed.answered).toBe(201);
  expect(pushed.aud).toBe(usos);
  expect(pushed.payload).toEqual({
    title: "Do odbioru — mLegitymacja",
    body: "Dodaj mLegitymację do aplikacji mObywatel.",
    url: `${gateway}/`,
    tag: `mlegitymacja-${ready.order_id}`,
    lang: "pl",
  });

  // The decrypted message, delivered to the widget's real service worker.
  const again = await context.newPage();
  const cdp = await context.newCDPSession(again);
  const registrations = new Map<string, string>();
  cdp.on("ServiceWorker.workerRegistrationUpdated", (event) => {
    for (const r of event.registrations) if (!r.isDeleted) registrations.set(r.scopeURL, r.registrationId);
  });
  await cdp.send("ServiceWorker.enable");
  await again.goto("/");
  await expect.poll(() => registrations.get(`${gateway}/`)).toBeTruthy();
  await cdp.send("ServiceWorker.deliverPushMessage", {
    origin: gateway,
    registrationId: registrations.get(`${gateway}/`)!,
    data: JSON.stringify(pushed.payload),
  });
  await expect
    .poll(() =>
      again.evaluate(async () =>
        (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
          title: n.title,
          body: n.body,
          tag: n.tag,
          icon: n.icon,
        })),
      ),
    )
    .toEqual([
      {
        title: "Do odbioru — mLegitymacja",
        body: "Dodaj mLegitymację do aplikacji mObywatel.",
        tag: `mlegitymacja-${ready.order_id}`,
        icon: `${gateway}/icon-192.png`,
      },
    ]);
  // The same message again replaces the first (one tag per order).
  await cdp.send("ServiceWorker.deliverPushMessage", {
    origin: gateway,
    registrationId: registrations.get(`${gateway}/`)!,
    data: JSON.stringify(pushed.payload),
  });
  await expect
    .poll(() => again.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).length))
    .toBe(1);
  // Back on the page: the status, and the instruction's words for the change.
  await expect(badge(again)).toHaveText(/Do odbioru/);
});

test("Wyłącz: the gateway stops watching; nothing is pushed", async ({ page, context, request }) => {
  test.setTimeout(60_000);
  await context.grantPermissions(["notifications"], { origin: gateway });
  await stubPushManager(context, request, usos);
  const before = (await pushes(request)).length;
  await signInAndOrder(page, request);
  await page.locator("[data-test=notify]").click();
  await page.locator("[data-test=push-off]").click();
  await expect(page.locator("[data-test=push-off-done]")).toHaveText("Powiadomienia na tym urządzeniu są wyłączone.");
  await expect(page.locator("[data-test=notify]")).toBeVisible();
  expect(await page.evaluate(() => localStorage.getItem("mlegitymacja-push-order"))).toBeNull();
  await request.post(`${usos}/_sim/ministry-answers`, { data: {} });
  await expect(badge(page)).toHaveText(/Do odbioru/, { timeout: 15_000 });
  // The gateway's first look would have come within 11 s of subscribing.
  await page.waitForTimeout(12_000);
  expect((await pushes(request)).length).toBe(before);
});

test("the order's confirmation gives way to the instruction's words when the status changes", async ({ page, request }) => {
  await signInAndOrder(page, request);
  const notice = page.locator("[data-test=notice]");
  await expect(notice).toHaveText("mLegitymacja została zamówiona.");
  await request.post(`${usos}/_sim/ministry-answers`, { data: {} });
  await expect(badge(page)).toHaveText(/Do odbioru/, { timeout: 15_000 });
  await expect(notice).toHaveText("Zaktualizowano status zamówienia.");
});

test("the page opened again sends the subscription again while the watch is wanted", async ({ page, context, request }) => {
  await context.grantPermissions(["notifications"], { origin: gateway });
  await stubPushManager(context, request, usos);
  await signInAndOrder(page, request);
  await page.locator("[data-test=notify]").click();
  await expect(page.locator("[data-test=push-on]")).toBeVisible();
  const sent = page.waitForRequest((r) => r.url() === `${gateway}/push/subscriptions` && r.method() === "POST");
  await page.reload();
  await sent;
  await expect(page.locator("[data-test=push-on]")).toBeVisible();
});

test("axe: push offered, on with Wyłącz, off — pl/en/uk × light/dark", async ({ page, context, request }) => {
  test.setTimeout(90_000);
  await context.grantPermissions(["notifications"], { origin: gateway });
  await stubPushManager(context, request, usos);
  await signInAndOrder(page, request);
  // Offered: the one button, which now also covers the page closed.
  await expect(page.locator("[data-test=notify]")).toBeVisible();
  await axeEverywhere(page);
  await page.locator("[data-test=notify]").click();
  await expect(page.locator("[data-test=push-on]")).toBeVisible();
  await axeEverywhere(page);
  await page.locator("[data-test=push-off]").click();
  await expect(page.locator("[data-test=push-off-done]")).toBeVisible();
  await axeEverywhere(page);
  await snap(page, "push-02-off");
});

test("not possible here: the browser's own subscribe refuses, the page says to stay open — axe in pl/en/uk × light/dark", async ({ page, context, request }) => {
  test.setTimeout(90_000);
  // No stand-in: Chromium's real PushManager, refused here (see the top).
  await context.grantPermissions(["notifications"], { origin: gateway });
  await signInAndOrder(page, request);
  await page.locator("[data-test=notify]").click();
  const why = page.locator("[data-test=push-unavailable]");
  await expect(why).toHaveText("Nie udało się włączyć powiadomień po zamknięciu strony, więc zostaw ją otwartą.", { timeout: 20_000 });
  // The in-page call-back still stands.
  await expect(page.locator("[data-test=notify-on]")).toBeVisible();
  await snap(page, "push-03-not-possible");
  await axeEverywhere(page);
});

test("data-push=off: today's in-page call-back only, and /push/key is never asked", async ({ page, context, request }) => {
  await context.grantPermissions(["notifications"], { origin: gateway });
  // The university's setting on the element, as its page would carry it.
  await page.addInitScript(() => {
    new MutationObserver(() => {
      document.querySelector("[data-mlegitymacja]")?.setAttribute("data-push", "off");
    }).observe(document, { childList: true, subtree: true });
  });
  const asked: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/push/")) asked.push(r.url());
  });
  await signInAndOrder(page, request);
  await page.locator("[data-test=notify]").click();
  await expect(page.locator("[data-test=notify-on]")).toBeVisible();
  await expect(page.locator("[data-test=push-on]")).toHaveCount(0);
  expect(asked).toEqual([]);
});
