// The honest wait: under Oczekuje and W trakcie the widget says how long
// orders take at this university now (the gateway's GET /wait over the last
// hour), the generic words with fewer than 10 orders, and that the
// ministry's service has problems when over a fifth end in Błąd.
//
// The wait is the gateway's memory of every order it saw, so this file runs
// a gateway and usos-sim of its own (scripts/serve-gateway on two more
// ports), where no other test's orders count.
import { ChildProcess, spawn } from "child_process";
import fs from "node:fs";
import { APIRequestContext, Browser, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { snap } from "./shots";
import { port, runDir } from "./runs";

const gateway = `http://127.0.0.1:${port + 8}`;
const usos = `http://127.0.0.1:${port + 9}`;

let servers: ChildProcess | undefined;

test.beforeAll(async () => {
  servers = spawn(
    "../scripts/serve-gateway",
    [`127.0.0.1:${port + 8}`, `127.0.0.1:${port + 9}`, "--pending-ms", "100", "--processing-ms", "100"],
    { env: { ...process.env, GATEWAY_RUN_DIR: `${process.cwd()}/${runDir("gateway-wait")}` }, stdio: "ignore", detached: true },
  );
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${gateway}/healthz`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the wait test's gateway did not start");
});

test.afterAll(async () => {
  // This gateway's log, its stand-in's, and its database of watches hold
  // none of the secrets its stand-in issued (secrets-in-logs.spec.ts does
  // the same for the suite's shared servers, which outlive this file).
  try {
    const { issued } = (await (await fetch(`${usos}/_sim/issued`)).json()) as { issued: { kind: string; value: string }[] };
    expect(issued.filter((i) => i.kind === "access token").length).toBeGreaterThanOrEqual(4);
    const dir = `${process.cwd()}/${runDir("gateway-wait")}`;
    const consumerSecret = fs.readFileSync(`${dir}/consumer-secret`, "utf8").trim();
    const files = ["gateway.log", "usos-sim.log", ...fs.readdirSync(dir).filter((f) => f.startsWith("watches.db"))];
    for (const name of files) {
      const bytes = fs.readFileSync(`${dir}/${name}`);
      for (const { kind, value } of [...issued, { kind: "consumer secret", value: consumerSecret }]) {
        expect(bytes.includes(value), `${name} holds a ${kind}`).toBe(false);
      }
    }
  } finally {
    if (servers?.pid) process.kill(-servers.pid, "SIGTERM");
  }
});

/** A fresh student at the university; their orders are dated `minutesAgo`
 * before they are placed, and end in Błąd when `failing`. */
async function reset(request: APIRequestContext, minutesAgo: number, failing = false): Promise<void> {
  const answer = await request.post(`${usos}/_sim/reset`, {
    data: {
      profile: "eligible",
      pending_ms: 1000,
      processing_ms: 500,
      ordered_minutes_ago: minutesAgo,
      ...(failing ? { ministry_per_minute: 600, ministry_error_percent: 100 } : {}),
    },
  });
  expect(answer.status()).toBe(200);
}

/** A page signed in through the gateway, in a context of its own (no
 * cached /wait), of a student with no order yet (so that the page asks
 * for the wait only once one is placed). */
async function signedIn(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: gateway, locale: "pl-PL", viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await reset(page.request, 0);
  await page.goto("/");
  await page.locator("[data-test=sign-in]").getByRole("link").click();
  await page.getByRole("button", { name: /Zaloguj się i zezwól/ }).click();
  await expect(page).toHaveURL(`${gateway}/`);
  return page;
}

/** `count` orders placed and followed through the gateway (as a widget
 * checks them) until each has ended; returns their last statuses. */
async function ordersThrough(page: Page, count: number, minutesAgo: number, failing = false): Promise<string[]> {
  const statuses: string[] = [];
  for (let i = 0; i < count; i++) {
    await reset(page.request, minutesAgo, failing);
    const placed = await page.request.post(`${gateway}/services/cards/make_mcard_order`, {
      headers: { origin: gateway },
    });
    expect(placed.status()).toBe(200);
    await expect
      .poll(async () => {
        const answer = await page.request.get(`${gateway}/services/cards/mcard?fields=orders`);
        const body = await answer.json();
        expect(body.orders, JSON.stringify(body)).toBeDefined();
        const status: string = body.orders[0].status;
        if (status === "ready" || status === "error") statuses.push(status);
        return status;
      }, { intervals: [600] })
      .toMatch(/^(ready|error)$/);
  }
  return statuses;
}

/** The student presses the button and waits for the ministry. */
async function orderAndWait(page: Page, minutesAgo: number): Promise<void> {
  await page.request.post(`${usos}/_sim/reset`, {
    data: { profile: "eligible", pending_ms: 600_000, processing_ms: 600_000, ordered_minutes_ago: minutesAgo },
  });
  await page.reload();
  await page.getByRole("button", { name: "Zamów mLegitymację" }).click();
  await expect(page.locator("[data-test=order] [data-test=status] .mlg-badge")).toHaveText(/Oczekuje/);
}

const usual = (page: Page) => page.locator("[data-test=usual-wait]");

test("the wait: the generic words with few orders, then how long orders take now, then the ministry's problems", async ({ browser }) => {
  test.setTimeout(180_000);
  // Fewer than 10 orders ended in the last hour: "kilka minut".
  const first = await signedIn(browser);
  await ordersThrough(first, 9, 42);
  await orderAndWait(first, 0);
  await expect(usual(first)).toHaveText("Zazwyczaj trwa to kilka minut.");
  await first.context().close();

  // The tenth (each placed 42 minutes before it was ready): the wait now.
  const second = await signedIn(browser);
  await ordersThrough(second, 1, 42);
  await expect.poll(async () => (await (await second.request.get(`${gateway}/wait`)).json())).toMatchObject({ orders: 10, errors: 0 });
  await orderAndWait(second, 0);
  await expect(usual(second)).toHaveText("Teraz zwykle trwa to około 42\u00a0min.");
  // The badge and the student's own wait stay as they were.
  await expect(second.locator("[data-test=waiting]")).toContainText("Czekasz od:");
  await snap(second, "wait-measured-pl");
  await second.getByRole("button", { name: "EN", exact: true }).click();
  await expect(usual(second)).toHaveText("Right now this usually takes about 42\u00a0min.");
  await snap(second, "wait-measured-en");
  await second.getByRole("button", { name: "УКР", exact: true }).click();
  await expect(usual(second)).toHaveText("Зараз це зазвичай займає близько 42\u00a0хв.");
  await snap(second, "wait-measured-uk");
  // Nothing in the answer is of any one student.
  const wait = await (await second.request.get(`${gateway}/wait`)).json();
  expect(Object.keys(wait).sort()).toEqual(["error_share", "errors", "installation", "median_s", "orders", "p90_s"]);
  expect(wait.orders).toBe(10);
  await second.context().close();

  // Then the ministry fails: 2 of 12 in Błąd is not over a fifth; 3 of 13 is.
  const third = await signedIn(browser);
  expect(await ordersThrough(third, 2, 5, true)).toEqual(["error", "error"]);
  await orderAndWait(third, 0);
  await expect(usual(third)).toHaveText("Teraz zwykle trwa to około 42\u00a0min.");
  await third.context().close();
  const fourth = await signedIn(browser);
  await ordersThrough(fourth, 1, 5, true);
  await orderAndWait(fourth, 0);
  await expect(usual(fourth)).toHaveText(
    "Usługa ministerstwa, która wydaje mLegitymacje, ma teraz problemy: część zamówień kończy się statusem „Błąd”. Jeśli tak stanie się z Twoim, zamów mLegitymację ponownie za jakiś czas.",
  );
  await snap(fourth, "wait-ministry-problems-pl");
  await fourth.getByRole("button", { name: "EN", exact: true }).click();
  await expect(usual(fourth)).toContainText("The ministry's service that issues mLegitymacja has problems right now");
  await snap(fourth, "wait-ministry-problems-en");
  await fourth.getByRole("button", { name: "УКР", exact: true }).click();
  await expect(usual(fourth)).toContainText("Служба міністерства, яка видає mLegitymacja, зараз має проблеми");
  await snap(fourth, "wait-ministry-problems-uk");
  await fourth.context().close();
});
