// The widget's first two reads (installation and mcard) start before the
// WebAssembly has arrived — preloaded by the standalone page, started by
// widget.js where the widget is embedded — and the widget takes their
// answers instead of asking again. Counted where it matters: the requests
// that reach the stand-in (its /_sim/state `calls`), per page load.
import { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { resetStudent, simState } from "./sim";
import { port } from "./runs";

type Calls = Record<string, number>;

const gateway = `http://127.0.0.1:${port + 2}`;
const oauthUsos = `http://127.0.0.1:${port + 3}`;

const badges = (page: Page) => page.locator("[data-test=order] [data-test=status] .mlg-badge");

/** What reached the stand-in at `usos` between `before` and now, by method. */
async function callsSince(request: import("@playwright/test").APIRequestContext, before: Calls, usos = ""): Promise<Calls> {
  const now: Calls = (await (await request.get(`${usos}/_sim/state`)).json()).calls;
  return Object.fromEntries(
    Object.entries(now)
      .map(([method, n]) => [method, n - (before[method] ?? 0)])
      .filter(([, n]) => n !== 0),
  );
}

/** When each first read started and when the main wasm had arrived, from
 * the page's Resource Timing. */
async function timings(page: Page) {
  return page.evaluate(() => {
    const entries = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
    const path = (e: PerformanceEntry) => new URL(e.name).pathname;
    const wasm = entries.find((e) => /\/mlegitymacja-[0-9a-f]{16}_bg\.wasm$/.test(path(e)))!;
    const started = (suffix: string) => entries.filter((e) => path(e).endsWith(suffix)).map((e) => e.startTime);
    return {
      wasmArrived: wasm.responseEnd,
      installation: started("/services/apisrv/installation"),
      mcard: started("/services/cards/mcard"),
    };
  });
}

/** A student of the direct stand-in with an order on its way. */
async function withOrderOnItsWay(request: import("@playwright/test").APIRequestContext, extra = {}) {
  await resetStudent(request, { profile: "eligible", ...extra });
  expect((await request.post("/services/cards/make_mcard_order")).status()).toBe(200);
}

for (const [place, url] of [
  ["standalone (preloaded by index.html)", "/"],
  ["embedded in USOSweb (started by widget.js)", "/demo/usosweb.html"],
]) {
  test(`${place}: one installation and one mcard per page load, both asked before the wasm arrived`, async ({ page, request }) => {
    await withOrderOnItsWay(request);
    for (let load = 0; load < 2; load++) {
      const before = (await simState(request)).calls;
      if (load === 0) await page.goto(url);
      else await page.reload();
      await expect(badges(page)).toHaveText(/Oczekuje/);
      expect(await callsSince(request, before)).toEqual({ "apisrv/installation": 1, "cards/mcard": 1 });
      const t = await timings(page);
      expect(t.installation).toHaveLength(1);
      expect(t.mcard).toHaveLength(1);
      expect(t.mcard[0]).toBeLessThan(t.wasmArrived);
      expect(t.installation[0]).toBeLessThan(t.wasmArrived);
    }
    expect((await simState(request)).orders_placed).toBe(1);
  });
}

test("two widgets on one page: each gets its own pair of first reads, each taken once", async ({ page, request }) => {
  await withOrderOnItsWay(request);
  const before = (await simState(request)).calls;
  await page.goto("/demo/usosweb.html?widgets=2");
  await expect(badges(page)).toHaveText([/Oczekuje/, /Oczekuje/]);
  expect(await callsSince(request, before)).toEqual({ "apisrv/installation": 2, "cards/mcard": 2 });
  const t = await timings(page);
  expect(t.mcard.every((start) => start < t.wasmArrived)).toBe(true);
});

test("a widget that sends cookies with include, and a CSRF header from the page: its early reads carry both", async ({ page, request }) => {
  await withOrderOnItsWay(request);
  const before = (await simState(request)).calls;
  const early = page.waitForRequest((r) => r.url().includes("/services/cards/mcard?"));
  await page.goto("/demo/usosweb.html?credentials=include&csrf-header=X-CSRF-Token&csrf-meta=csrf-token");
  expect((await early).headers()["x-csrf-token"]).toBe("demo-csrf-token");
  await expect(badges(page)).toHaveText(/Oczekuje/);
  expect(await callsSince(request, before)).toEqual({ "apisrv/installation": 1, "cards/mcard": 1 });
});

for (const [place, url] of [["standalone", "/"], ["embedded", "/demo/usosweb.html"]]) {
  test(`${place}: where the university has no mLegitymacja, the early mcard answer is dropped and nothing else is asked`, async ({ page, request }) => {
    await resetStudent(request, { profile: "eligible", mcards_support: false });
    const before = (await simState(request)).calls;
    await page.goto(url);
    await expect(page.locator("[data-test=unsupported]")).toContainText("nie wydaje mLegitymacji");
    await page.waitForTimeout(3_000);
    expect(await callsSince(request, before)).toEqual({ "apisrv/installation": 1, "cards/mcard": 1 });
    await expect(page.locator("[data-test=order]")).toHaveCount(0);
  });
}

test("an installation that refuses an optional field: the early mcard is the one request wasted", async ({ page, request }) => {
  await withOrderOnItsWay(request, { no_fields: ["planned_expiration_date"] });
  const before = (await simState(request)).calls;
  await page.goto("/");
  await expect(badges(page)).toHaveText(/Oczekuje/);
  expect(await callsSince(request, before)).toEqual({ "apisrv/installation": 1, "cards/mcard": 2 });
});

test.describe("through the gateway", () => {
  test.use({ baseURL: gateway });

  test("signed out, the early mcard gets 401 and the student sees the sign-in; signed in, one mcard per page load reaches USOS", async ({ page, request }) => {
    expect((await request.post(`${oauthUsos}/_sim/reset`, {
      data: { profile: "eligible", pending_ms: 3_600_000, processing_ms: 3_600_000 },
    })).status()).toBe(200);
    const answers: number[] = [];
    page.on("response", (r) => { if (r.url().includes("/services/cards/mcard?")) answers.push(r.status()); });
    let before: Calls = (await (await request.get(`${oauthUsos}/_sim/state`)).json()).calls;
    await page.goto("/");
    await expect(page.locator("[data-test=sign-in]")).toContainText("Zaloguj się przez USOS swojej uczelni");
    expect(answers).toEqual([401]);
    await expect(page.locator("[data-test=problem]")).toHaveCount(0);
    // The gateway refused without asking USOS.
    expect((await callsSince(request, before, oauthUsos))["cards/mcard"]).toBeUndefined();

    await page.getByRole("link", { name: "Zaloguj się przez USOS" }).click();
    await page.getByRole("button", { name: /Zaloguj się i zezwól/ }).click();
    await expect(page).toHaveURL(`${gateway}/`);
    await page.getByRole("button", { name: "Zamów mLegitymację" }).click();
    await expect(badges(page)).toHaveText(/Oczekuje/);

    for (let load = 0; load < 2; load++) {
      before = (await (await request.get(`${oauthUsos}/_sim/state`)).json()).calls;
      answers.length = 0;
      await page.reload();
      await expect(badges(page)).toHaveText(/Oczekuje/);
      const calls = await callsSince(request, before, oauthUsos);
      expect(calls["cards/mcard"]).toBe(1);
      // The gateway may answer the installation from its cache.
      expect(calls["apisrv/installation"] ?? 0).toBeLessThanOrEqual(1);
      expect(Object.keys(calls).filter((m) => !["cards/mcard", "apisrv/installation"].includes(m))).toEqual([]);
      expect(answers).toEqual([200]);
      const t = await timings(page);
      expect(t.mcard[0]).toBeLessThan(t.wasmArrived);
    }
    expect((await (await request.get(`${oauthUsos}/_sim/state`)).json()).orders_placed).toBe(1);
    // Signed out again: the stand-in holds no live session of this test.
    await page.getByRole("button", { name: "Wyloguj" }).click();
    await expect(page.locator("[data-test=notice]")).toHaveText("Wylogowano.");
  });
});
