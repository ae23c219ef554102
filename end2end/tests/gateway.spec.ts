// The student's whole path through the real topology: usos-gateway serving the
// widget in front of the stand-in in OAuth mode, which checks every signature.
// Sign in → order → live status → QR decodes → sign out.
import { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { decodeQr } from "./qr";
import { snap } from "./shots";
import { port } from "./runs";

const gateway = `http://127.0.0.1:${port + 2}`;
const usos = `http://127.0.0.1:${port + 3}`;

test.use({ baseURL: gateway });

const badge = (page: Page) => page.locator("[data-test=order] [data-test=status] .mlg-badge");


test("through the gateway: sign in with USOS → order → live status → QR → sign out", async ({ page, request, context }) => {
  test.setTimeout(90_000);
  const reset = await request.post(`${usos}/_sim/reset`, {
    data: { profile: "eligible", pending_ms: 3_000, processing_ms: 6_000 },
  });
  expect(reset.status()).toBe(200);
  const before = await (await request.get(`${usos}/_sim/oauth`)).json();

  // Signed out: an invitation to sign in, not an error.
  await page.goto("/");
  const signIn = page.locator("[data-test=sign-in]");
  await expect(signIn).toContainText("Zaloguj się przez USOS swojej uczelni");
  await expect(page.locator("[data-test=problem]")).toHaveCount(0);
  await snap(page, "gateway-01-signed-out");
  await signIn.getByRole("link", { name: "Zaloguj się przez USOS" }).click();

  // USOS's own page: the student approves.
  await expect(page).toHaveURL(new RegExp(`^${usos}/services/oauth/authorize\\?oauth_token=`));
  await expect(page.getByRole("heading")).toContainText("Zaloguj się jako student 123456");
  await snap(page, "gateway-02-usos-sign-in");
  await page.getByRole("button", { name: /Zaloguj się i zezwól/ }).click();

  // Back where the student was, signed in.
  await expect(page).toHaveURL(`${gateway}/`);
  await expect(page.locator("[data-test=can-order]")).toBeVisible();
  const cookies = await context.cookies(gateway);
  const session = cookies.find((c) => c.name === "mlg_session");
  expect(session?.httpOnly).toBe(true);
  expect(await page.evaluate(() => document.cookie)).toBe("");

  await page.getByRole("button", { name: "Zamów mLegitymację" }).click();
  await expect(badge(page)).toHaveText(/Oczekuje/);
  await expect(badge(page)).toHaveText(/W trakcie/, { timeout: 15_000 });
  await expect(badge(page)).toHaveText(/Do odbioru/, { timeout: 15_000 });
  const state = await (await request.get(`${usos}/_sim/state`)).json();
  expect(state.orders_placed).toBe(1);
  await page.getByRole("button", { name: "Dodaj mLegitymację do mObywatela" }).click();
  await expect(page.locator("[data-test=token]")).toHaveText(state.orders[0].token);
  expect(await decodeQr(page.locator("[data-test=qr]"))).toBe(state.orders[0].token);
  await expect(page.getByText(state.orders[0].distribution_pass)).toBeVisible();
  await snap(page, "gateway-03-ready");

  // Nothing secret in the browser's storage.
  const stored = await page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }]));
  expect(stored).not.toContain(state.orders[0].token);
  expect(stored).not.toContain(state.orders[0].distribution_pass);

  await page.getByRole("button", { name: "Wyloguj" }).click();
  await expect(page.locator("[data-test=notice]")).toHaveText("Wylogowano.");
  await expect(signIn).toBeVisible();
  await expect(page.locator("[data-test=qr]")).toHaveCount(0);
  await snap(page, "gateway-04-signed-out-again");
  expect((await context.cookies(gateway)).find((c) => c.name === "mlg_session")).toBeUndefined();

  const after = await (await request.get(`${usos}/_sim/oauth`)).json();
  expect(after.refused_calls).toBe(before.refused_calls);
  expect(after.verified_calls).toBeGreaterThan(before.verified_calls + 5);
  expect(after.live_sessions).toBe(0);
});

test("through the gateway in English: the invitation and the sign-out button", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("button", { name: "EN", exact: true }).click();
  await expect(page.locator("[data-test=sign-in]")).toContainText("Sign in through your university's USOS");
  await expect(page.getByRole("link", { name: "Sign in through USOS" })).toHaveAttribute(
    "href",
    `/auth/login?return=${encodeURIComponent(`${gateway}/`)}`,
  );
});

test("through the gateway: the first load comes in brotli, and the second asks USOS nothing for the installation", async ({ page, request }) => {
  const encodings = new Map<string, string>();
  page.on("response", async (response) => {
    const path = new URL(response.url()).pathname;
    encodings.set(path, (await response.allHeaders())["content-encoding"] ?? "none");
  });
  const hits = async () =>
    Number((await (await request.get("/metrics")).text()).match(/usos_gateway_installation_cache_hits_total\{installation="default"\} (\d+)/)![1]);
  await page.goto("/");
  await expect(page.locator("[data-test=sign-in], [data-test=can-order], [data-test=order]").first()).toBeVisible();
  for (const [path, encoding] of encodings) {
    if (/\.(wasm|js|css|svg)$/.test(path) || path === "/") expect(encoding, path).toBe("br");
  }
  expect([...encodings.keys()].some((p) => p.endsWith(".wasm"))).toBe(true);
  const before = await hits();
  await page.reload();
  await expect(page.locator("[data-test=sign-in], [data-test=can-order], [data-test=order]").first()).toBeVisible();
  expect(await hits()).toBeGreaterThan(before);
});

