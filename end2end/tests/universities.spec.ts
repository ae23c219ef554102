// One gateway for several universities (scripts/serve-gateway with
// GATEWAY_INSTALLATIONS=3): usos-sim plays three independent OAuth 1.0a
// providers — Uniwersytet Warszawski (uw) and Uniwersytet Łódzki (ul), each
// with a host name of its own on the gateway (uw.localhost, ul.localhost:
// Chromium sends *.localhost to 127.0.0.1 by itself), and Politechnika
// Gdańska (pg), which does not issue mLegitymacja. On the shared address
// (127.0.0.1) the student picks their university.
import { APIRequestContext, Page } from "@playwright/test";
import { axeEverywhere, expect, test } from "./fixtures";
import { stubPushManager } from "./push-stub";
import { snap } from "./shots";
import { port } from "./runs";

const gatewayPort = port + 6;
const shared = `http://127.0.0.1:${gatewayPort}`;
const uwHost = `http://uw.localhost:${gatewayPort}`;
const ulHost = `http://ul.localhost:${gatewayPort}`;
const usos = `http://127.0.0.1:${port + 7}`;

const badge = (page: Page) => page.locator("[data-test=order] [data-test=status] .mlg-badge");
const search = (page: Page) => page.getByRole("combobox", { name: "Szukaj uczelni" });

async function reset(request: APIRequestContext, id: string, extra = {}) {
  const answer = await request.post(`${usos}/${id}/_sim/reset`, {
    data: { profile: "eligible", pending_ms: 600_000, processing_ms: 600_000, faults: [], ...extra },
  });
  expect(answer.status()).toBe(200);
}

async function simState(request: APIRequestContext, id: string) {
  return (await request.get(`${usos}/${id}/_sim/state`)).json();
}

async function refusedEverywhere(request: APIRequestContext): Promise<number> {
  let refused = 0;
  for (const id of ["uw", "ul", "pg"]) {
    refused += (await (await request.get(`${usos}/${id}/_sim/oauth`)).json()).refused_calls;
  }
  return refused;
}

/** USOS's sign-in page (of the university it belongs to) → approve. */
async function approve(page: Page, university: string) {
  await expect(page.locator("[data-test=institution]")).toHaveText(university);
  await page.getByRole("button", { name: /Zaloguj się i zezwól/ }).click();
}

test.describe.configure({ mode: "serial" });

test("on the shared address: the list, found by typing without Polish letters, picked by keyboard alone; sign in at Łódź, order, told with the page closed", async ({ page, context, request }) => {
  test.setTimeout(120_000);
  await reset(request, "ul");
  const refusedBefore = await refusedEverywhere(request);
  await context.grantPermissions(["notifications"], { origin: shared });
  await stubPushManager(context, request, usos);
  await page.goto(`${shared}/`);
  const picker = page.locator("[data-test=picker]");
  await expect(picker.getByRole("heading")).toHaveText("Wybierz swoją uczelnię");
  const options = page.getByRole("option");
  await expect(options).toHaveCount(3);
  // Available first, then the one without mLegitymacja, greyed and disabled.
  await expect(options.nth(2)).toContainText("Politechnika Gdańska");
  await expect(options.nth(2)).toHaveAttribute("aria-disabled", "true");
  await expect(options.nth(2)).toContainText("mLegitymacja nie jest jeszcze dostępna na tej uczelni");
  await snap(page, "universities-01-picker");

  // By keyboard alone: Tab to the search box, type without diacritics,
  // arrow down, Enter.
  await search(page).focus();
  await page.keyboard.type("lodz");
  await expect(options).toHaveCount(1);
  await expect(options.first()).toContainText("Uniwersytet Łódzki");
  await expect(page.locator("[data-test=university-count]")).toHaveText("Znaleziono: 1");
  await page.keyboard.press("ArrowDown");
  await expect(search(page)).toHaveAttribute("aria-activedescendant", "mlg-university-ul");
  await expect(options.first()).toHaveAttribute("aria-selected", "true");
  await snap(page, "universities-02-found");
  await page.keyboard.press("Enter");
  const chosen = page.locator("[data-test=picker-chosen]");
  await expect(chosen).toContainText("Twoja uczelnia: Uniwersytet Łódzki");
  await snap(page, "universities-03-chosen");
  // The disabled one cannot be picked, by keyboard or by click.
  await page.getByRole("button", { name: "Zmień uczelnię" }).click();
  await search(page).fill("gdansk");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await expect(page.locator("[data-test=picker-chosen]")).toHaveCount(0);
  // (Playwright would wait for a disabled option to be enabled: force the tap.)
  await options.first().click({ force: true });
  await expect(page.locator("[data-test=picker-chosen]")).toHaveCount(0);
  await search(page).fill("");
  await page.getByRole("option", { name: /Uniwersytet Łódzki/ }).click();

  // Sign in at Łódź's USOS, back on the shared address.
  await chosen.getByRole("link", { name: "Zaloguj się przez USOS" }).click();
  await expect(page).toHaveURL(new RegExp(`^${usos}/ul/services/oauth/authorize\\?`));
  await approve(page, "Uniwersytet Łódzki");
  await expect(page).toHaveURL(`${shared}/`);
  await expect(page.locator("[data-test=university-line]")).toContainText("Uczelnia: Uniwersytet Łódzki");
  await page.getByRole("button", { name: "Zamów mLegitymację" }).click();
  await expect(badge(page)).toHaveText(/Oczekuje/);
  expect((await simState(request, "ul")).orders_placed).toBe(1);
  expect((await simState(request, "uw")).calls["cards/make_mcard_order"]).toBeUndefined();
  // The help contact is Łódź's own, from the gateway.
  await snap(page, "universities-04-signed-in");

  // Told with the page closed: the watch reads Łódź's USOS.
  await page.locator("[data-test=notify]").click();
  await expect(page.locator("[data-test=push-on]")).toBeVisible();
  await page.close();
  const before = (await (await request.get(`${usos}/_sim/push/messages`)).json()).messages.length;
  await request.post(`${usos}/ul/_sim/ministry-answers`, { data: {} });
  await expect
    .poll(async () => (await (await request.get(`${usos}/_sim/push/messages`)).json()).messages.length, {
      timeout: 20_000,
      intervals: [250],
    })
    .toBe(before + 1);
  expect(await refusedEverywhere(request)).toBe(refusedBefore);
});

test("the choice is remembered on this device, and offered first; Zmień uczelnię is always there", async ({ page }) => {
  await page.goto(`${shared}/`);
  await search(page).fill("warsz");
  await page.getByRole("option", { name: /Uniwersytet Warszawski/ }).click();
  await page.reload();
  await expect(page.locator("[data-test=picker-chosen]")).toContainText("Uniwersytet Warszawski");
  await page.getByRole("button", { name: "Zmień uczelnię" }).click();
  // The list again, the remembered one first.
  await expect(page.getByRole("option").first()).toContainText("Uniwersytet Warszawski");
  await search(page).fill("krakow");
  await expect(page.locator("[data-test=no-university]")).toHaveText(
    "Nie znaleziono takiej uczelni. Sprawdź pisownię lub wpisz skrót.",
  );
  await expect(page.getByRole("option")).toHaveCount(0);
});

test("the picker passes axe in pl/en/uk × light/dark, and speaks each language", async ({ page }) => {
  await page.goto(`${shared}/`);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(search(page)).toBeVisible();
  await axeEverywhere(page);
  await page.getByRole("button", { name: "EN", exact: true }).click();
  await expect(page.getByRole("combobox", { name: "Search for your university" })).toBeVisible();
  await expect(page.getByRole("option").last()).toContainText("not available at this university yet");
  await snap(page, "universities-05-picker-en");
  await page.getByRole("button", { name: "УКР", exact: true }).click();
  await expect(page.getByRole("combobox", { name: "Шукати університет" })).toBeVisible();
  await snap(page, "universities-06-picker-uk");
});

test("a student of Warsaw on Warsaw's own host name: no picker, signed in there, while another is on the shared address", async ({ browser, request }) => {
  await reset(request, "uw");
  const warsaw = await (await browser.newContext({ locale: "pl-PL" })).newPage();
  const elsewhere = await (await browser.newContext({ locale: "pl-PL" })).newPage();
  await Promise.all([warsaw.goto(`${uwHost}/`), elsewhere.goto(`${shared}/`)]);
  await expect(elsewhere.locator("[data-test=picker]")).toBeVisible();
  const signIn = warsaw.locator("[data-test=sign-in]");
  await expect(signIn.getByRole("link", { name: "Zaloguj się przez USOS" })).toBeVisible();
  await expect(warsaw.locator("[data-test=picker]")).toHaveCount(0);
  await signIn.getByRole("link").click();
  await approve(warsaw, "Uniwersytet Warszawski");
  await expect(warsaw).toHaveURL(`${uwHost}/`);
  await expect(warsaw.locator("[data-test=can-order]")).toBeVisible();
  // On its own address the university is fixed: no "Zmień uczelnię".
  await expect(warsaw.locator("[data-test=university-line]")).toHaveCount(0);
  await snap(warsaw, "universities-07-own-host");

  // Warsaw's session, replayed on Łódź's host name: refused; Łódź's USOS
  // never sees it.
  const cookies = await warsaw.context().cookies(uwHost);
  const replay = await browser.newContext({ locale: "pl-PL" });
  await replay.addCookies(cookies.map((c) => ({ ...c, domain: "ul.localhost" })));
  const ulCalls = (await simState(request, "ul")).calls["cards/mcard"] ?? 0;
  const replayed = await replay.newPage();
  await replayed.goto(`${ulHost}/`);
  await expect(replayed.locator("[data-test=sign-in]")).toBeVisible();
  expect((await simState(request, "ul")).calls["cards/mcard"] ?? 0).toBe(ulCalls);
  await replay.close();

  // Warsaw's USOS stops answering: Łódź's students go on; Warsaw's are
  // told, in the usual words, and keep what they saw.
  await request.post(`${usos}/uw/_sim/faults`, { data: { faults: ["all:drop"] } });
  await warsaw.reload();
  await expect(warsaw.locator("[data-test=problem]")).toBeVisible();
  await reset(request, "ul");
  await elsewhere.evaluate(() => localStorage.clear());
  await elsewhere.reload();
  await search(elsewhere).fill("UL");
  await elsewhere.getByRole("option", { name: /Uniwersytet Łódzki/ }).click();
  await elsewhere.locator("[data-test=picker-chosen]").getByRole("link").click();
  await approve(elsewhere, "Uniwersytet Łódzki");
  await expect(elsewhere.locator("[data-test=can-order]")).toBeVisible();
  await request.post(`${usos}/uw/_sim/faults`, { data: { faults: [] } });
  await warsaw.context().close();
  await elsewhere.context().close();
});

test("a university without mLegitymacja: listed, greyed out, with no sign-in offered; its sign-in address says why", async ({ page, request }) => {
  await page.goto(`${shared}/auth/login?installation=pg&return=/`);
  await expect(page.locator("[data-test=sign-in-problem]")).toHaveText(
    "mLegitymacja nie jest jeszcze dostępna w tym serwisie dla tej uczelni.",
  );
  expect((await simState(request, "pg")).calls["oauth/request_token"]).toBeUndefined();
  await page.goto(`${shared}/`);
  await search(page).fill("PG");
  const option = page.getByRole("option", { name: /Politechnika Gdańska/ });
  await expect(option).toHaveAttribute("aria-disabled", "true");
  await option.click({ force: true });
  await expect(page.locator("[data-test=picker-chosen]")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Zaloguj się przez USOS" })).toHaveCount(0);
});
