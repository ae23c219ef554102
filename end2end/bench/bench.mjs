// scripts/bench's measurements: transfer sizes, start-up time in headless
// Chromium, polling cost end to end, and memory after 1 000 polling cycles.
// Writes BENCHMARKS.md and prints the same tables. Run through scripts/bench.
import { chromium } from "@playwright/test";
import { floorProbe, widgetProbe } from "./probes.mjs";
import { spawn, execSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const port = Number(process.env.BENCH_PORT ?? 8093);
const base = `http://127.0.0.1:${port}`;
const LOADS = Number(process.env.BENCH_LOADS ?? 20);
const CYCLES = Number(process.env.BENCH_CYCLES ?? 1000);
const launchArgs = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

// ---------- helpers

const kb = (bytes) => (bytes / 1024).toFixed(1);
const median = (xs) => percentile(xs, 0.5);
function percentile(xs, p) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.round((sorted.length - 1) * p)];
}
function compressed(file) {
  const data = fs.readFileSync(file);
  return {
    raw: data.length,
    gzip: zlib.gzipSync(data, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}
async function sim(pathname, body) {
  const response = await fetch(base + pathname, {
    method: body === undefined ? "GET" : "POST",
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${pathname}: ${response.status}`);
  return response.json();
}
async function studentWithPendingOrder(extra = {}) {
  await sim("/_sim/reset", { profile: "eligible", pending_ms: 3_600_000, processing_ms: 3_600_000, ...extra });
  await sim("/services/cards/make_mcard_order", "");
}

// ---------- the stand-in

const server = spawn(path.join(root, "target/debug/usos-sim"), [
  "--addr", `127.0.0.1:${port}`, "--dist", path.join(root, "dist"), "--control",
], { stdio: "ignore" });
process.on("exit", () => server.kill());
for (let i = 0; ; i++) {
  try { await fetch(`${base}/_sim/state`); break; } catch { if (i > 100) throw new Error("usos-sim did not start"); }
  await new Promise((r) => setTimeout(r, 100));
}

// ---------- transfer

function firstLoadFiles(dist, entry) {
  const index = fs.readFileSync(path.join(dist, "index.html"), "utf8");
  const names = new Set(["index.html"]);
  for (const m of index.matchAll(/(?:src|href)="\/([^"]+\.(?:js|css|wasm))"/g)) names.add(m[1]);
  if (entry) {
    const loader = fs.readFileSync(path.join(dist, entry), "utf8");
    // The push service worker is named there too, but fetched only when a
    // student turns push on.
    for (const m of loader.matchAll(/"\.\/([^"]+\.(?:js|wasm))"/g)) if (!m[1].startsWith("push-worker")) names.add(m[1]);
  }
  return [...names].map((name) => ({ name, ...compressed(path.join(dist, name)) }));
}
const widgetFiles = firstLoadFiles(path.join(root, "dist"), "widget.js");
const counterFiles = firstLoadFiles(path.join(root, "target/bench/counter-dist"));
const total = (files) => files.reduce((t, f) => ({ raw: t.raw + f.raw, gzip: t.gzip + f.gzip, brotli: t.brotli + f.brotli }), { raw: 0, gzip: 0, brotli: 0 });
const widgetTotal = total(widgetFiles);
const counterTotal = total(counterFiles);
const kind = (name) => name.replace(/-[0-9a-f]{8,16}(?=[._])/, "-‹hash›");

let transfer = "| file | raw KB | gzip KB | brotli KB |\n| --- | ---: | ---: | ---: |\n";
for (const f of widgetFiles) transfer += `| widget: ${kind(f.name)} | ${kb(f.raw)} | ${kb(f.gzip)} | ${kb(f.brotli)} |\n`;
transfer += `| **widget total** | **${kb(widgetTotal.raw)}** | **${kb(widgetTotal.gzip)}** | **${kb(widgetTotal.brotli)}** |\n`;
for (const f of counterFiles) transfer += `| counter: ${kind(f.name)} | ${kb(f.raw)} | ${kb(f.gzip)} | ${kb(f.brotli)} |\n`;
transfer += `| **counter total** | **${kb(counterTotal.raw)}** | **${kb(counterTotal.gzip)}** | **${kb(counterTotal.brotli)}** |\n`;
transfer += `| widget ÷ counter | ${(widgetTotal.raw / counterTotal.raw).toFixed(2)}× | ${(widgetTotal.gzip / counterTotal.gzip).toFixed(2)}× | ${(widgetTotal.brotli / counterTotal.brotli).toFixed(2)}× |\n`;

// ---------- start-up

// A student whose browser speaks Polish, as the tests' (playwright.config.ts):
// the widget's first download then holds every text it shows. A browser in
// English or Ukrainian also fetches that language's part before the first
// render.
const STUDENT = { locale: "pl-PL" };
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: launchArgs });


async function coldLoad(url, probe, throttle) {
  const context = await browser.newContext(STUDENT);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  if (throttle) await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  await page.addInitScript(probe);
  await page.goto(url);
  await page.waitForFunction(() => window.__firstStatus !== undefined, null, { timeout: 60_000 });
  const ms = await page.evaluate(() => window.__firstStatus);
  await context.close();
  return ms;
}

await studentWithPendingOrder();
let startup = "| page | CPU | median ms | p95 ms |\n| --- | --- | ---: | ---: |\n";
const startupResults = {};
for (const throttle of [false, true]) {
  for (const [name, url, probe] of [["widget", `${base}/`, widgetProbe], ["floor (plain HTML + JS)", `${base}/demo/floor.html`, floorProbe]]) {
    const times = [];
    for (let i = 0; i < LOADS; i++) times.push(await coldLoad(url, probe, throttle));
    startupResults[`${name}|${throttle}`] = { median: median(times), p95: percentile(times, 0.95) };
    startup += `| ${name} | ${throttle ? "4× slower" : "as is"} | ${median(times).toFixed(0)} | ${percentile(times, 0.95).toFixed(0)} |\n`;
  }
  const w = startupResults[`widget|${throttle}`];
  const f = startupResults[`floor (plain HTML + JS)|${throttle}`];
  startup += `| widget ÷ floor | ${throttle ? "4× slower" : "as is"} | ${(w.median / f.median).toFixed(2)}× | ${(w.p95 / f.p95).toFixed(2)}× |\n`;
}

// ---------- polling, end to end: one order through the stand-in

const PENDING_MS = 2_000;
const PROCESSING_MS = 20_000;
await sim("/_sim/reset", { profile: "eligible", pending_ms: PENDING_MS, processing_ms: PROCESSING_MS });
const e2e = await (async () => {
  const context = await browser.newContext(STUDENT);
  const page = await context.newPage();
  let requests = 0;
  page.on("request", (r) => { if (r.url().includes("/services/")) requests++; });
  await page.goto(`${base}/`);
  const placed = page.waitForResponse((r) => r.url().includes("make_mcard_order"));
  await page.locator("[data-test=order-button]").click();
  await placed;
  const placedAt = Date.now();
  const requestsBefore = requests;
  const readyAt = placedAt + PENDING_MS + PROCESSING_MS;
  let seenAt;
  while (!seenAt) {
    // By the status code, whatever language the browser gave the page.
    const ready = await page.locator("[data-test=order] [data-test=status] .mlg-badge[data-status=ready]").count();
    if (ready > 0) seenAt = Date.now();
    else await new Promise((r) => setTimeout(r, 25));
  }
  await context.close();
  return { delayS: Math.max(0, (seenAt - readyAt) / 1000), requests: requests - requestsBefore };
})();

// ---------- memory after polling cycles

await studentWithPendingOrder();
const memory = await (async () => {
  const context = await browser.newContext(STUDENT);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  let reads = 0;
  page.on("request", (r) => { if (r.url().includes("/services/cards/mcard?")) reads++; });
  await page.goto(`${base}/demo/usosweb.html?poll-interval-ms=20`);
  const measure = async () => {
    await cdp.send("HeapProfiler.collectGarbage");
    const heap = await cdp.send("Runtime.getHeapUsage");
    const wasm = await page.evaluate(() => globalThis.mlegitymacjaWasmMemoryBytes?.() ?? 0);
    return { heap: heap.usedSize, wasm };
  };
  const waitFor = async (n) => { while (reads < n) await new Promise((r) => setTimeout(r, 50)); };
  // Several points, so that a leak (steady growth) can be told from a
  // warm-up (growth that stops).
  const points = [];
  for (const n of [100, CYCLES / 4, CYCLES / 2, (3 * CYCLES) / 4, CYCLES]) {
    await waitFor(n);
    points.push({ cycles: reads, ...(await measure()) });
  }
  await context.close();
  return { points, early: points[0], late: points[points.length - 1] };
})();
await browser.close();

// ---------- polling cost of the schedule (computed by the example)

const pollingTable = fs.readFileSync(path.join(root, "target/bench/polling.md"), "utf8").trim();
const widgetRow = pollingTable.split("\n").find((l) => l.startsWith("| widget schedule"));
const [, perOrder, fiveMin, , p95] = widgetRow.split("|").map((c) => c.trim()).filter(Boolean);
const perOrderN = Number(perOrder);

// ---------- the report

const machine = `${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}`;
const chromiumVersion = execSync("/usr/bin/chromium --version 2>/dev/null").toString().trim();
const date = new Date().toISOString().replace("T", " ").slice(0, 16) + " UTC";
const gzipKb = widgetTotal.gzip / 1024;
const startupRatio = startupResults["widget|false"].median / startupResults["floor (plain HTML + JS)|false"].median;
const verdict = (ok) => (ok ? "met" : "**missed**");
const load = [1_000, 10_000, 50_000].map((n) => {
  const perHour = n * (perOrderN + 3);
  return `| ${n.toLocaleString("en")} | ${(perHour / 3600).toFixed(1)} | ${((n * 2) / 3600).toFixed(1)} |`;
}).join("\n");

const report = `# Benchmarks

Written by \`scripts/bench\` on ${date}, on ${machine}; ${chromiumVersion}.
Every figure below is from this run, except "What the first screen costs, part by part", measured by hand (\`bench/first-screen.md\`, copied as it is); rerun \`scripts/bench\` to refresh the rest.

## Transfer: first load

The files a browser fetches to show the standalone page (\`index.html\`, the
\`widget.js\` loader, the wasm-bindgen JS, the loader of the widget's parts,
the main wasm module, the page's CSS; the widget's own CSS is inside the
wasm; the parts, fetched after the first status, are not counted here). Baseline: a bare Leptos 0.8 counter
(\`bench/counter\`) built in the same run with the same release profile and
wasm-opt. gzip level 9 and brotli quality 11 from Node's zlib.

${transfer}
Target ≤ 120 KB gzip in total: ${verdict(gzipKb <= 120)} (${gzipKb.toFixed(1)} KB).

## Start-up: navigation to the first status badge

${LOADS} cold loads of each page (a fresh browser context each, cache off) in
headless Chromium against the stand-in on localhost, a student with a pending
order. Time from navigation start to the badge being laid out (checked every
animation frame). Floor: \`/demo/floor.html\`, plain HTML and four lines of JS
that fetch the same \`mcard\` answer and write the status as text. Then again
with the CPU throttled 4× (DevTools \`Emulation.setCPUThrottlingRate\`).

${startup}
Target ≤ 2× the floor: ${verdict(startupRatio <= 2)} (${startupRatio.toFixed(2)}× at the median, unthrottled).

## Polling cost

The schedule is a pure function (\`src/domain/polling.rs\`), evaluated by
\`cargo run --example polling_cost\` over 10 000 simulated orders: the
university passes an order on after 5–60 s (uniform); the ministry then takes
1–5 minutes (uniform) for 85 % of orders and 5–30 minutes for the other 15 %.
Requests count every \`mcard\` read from placing the order until the student
sees "Do odbioru"; the delay is from each status change on the server to the
badge showing it (both changes counted).

${pollingTable}

End to end, one order through the stand-in (${PENDING_MS / 1000} s pending, ${PROCESSING_MS / 1000} s processing): the badge
showed "Do odbioru" ${e2e.delayS.toFixed(1)} s after the server's change, after ${e2e.requests} API requests.

Targets: status-change delay p95 ≤ 5 s: ${verdict(Number(p95) <= 5)} (${p95} s); at most 40
requests for a 5-minute processing time: ${verdict(Number(fiveMin) <= 40)} (${fiveMin}).
No requests once the order is final: enforced by the schedule and tested in
the Playwright suite ("polling stops in a final state"). A hidden tab is no
longer silent: so that the widget can call the student back when the card is
ready (issue 7: the tab's title, a notification), a hidden tab checks once
every 30 s while the order is pending or in progress, and not at all once it
is ready or final, nor to retry a failure (tested: "a hidden tab checks seldom
(every 30 s)…"). That is at most 10 requests for 5 hidden minutes, instead of
60 while visible.

## Memory after ${CYCLES} polling cycles

The widget in the demo host page with \`data-poll-interval-ms="20"\` and a
pending order, measured after a forced garbage collection (DevTools
\`Runtime.getHeapUsage\`; the wasm memory's size from the loader).

| after | JS heap KB | wasm memory KB |
| --- | ---: | ---: |
${memory.points.map((p) => `| ${p.cycles} cycles | ${kb(p.heap)} | ${kb(p.wasm)} |`).join("\n")}
| growth, first to last | ${kb(memory.late.heap - memory.early.heap)} | ${kb(memory.late.wasm - memory.early.wasm)} |

JS heap growth in the first half of the run: ${kb(memory.points[2].heap - memory.points[0].heap)} KB; in the second half: ${kb(memory.points[4].heap - memory.points[2].heap)} KB.

## Where a target is missed, and why

- **Transfer.** ${gzipKb <= 120 ? "Met." : `${(gzipKb - 120).toFixed(1)} KB over the 120 KB gzip target, almost all of it the wasm (${kb(widgetFiles.find((f) => f.name.endsWith(".wasm")).gzip)} KB gzip, against ${kb(counterFiles.find((f) => f.name.endsWith(".wasm")).gzip)} KB for the bare counter).`}
  What the wasm is made of (\`twiggy top\` on a names-kept build after
  wasm-opt, by hand on 2026-11-24, ≈ 480 KB raw, before the Ukrainian texts,
  the call-back and the accessibility work added ≈ 14 KB gzip): Leptos's view and reactive
  code monomorphised for this widget's views (tachys ≈ 107 KB, reactive_graph
  ≈ 60 KB), the widget's own functions ≈ 70 KB (the biggest: the mount and
  first render, 26 KB, and reading USOS, 12 KB), core/alloc (formatting,
  allocator, panics) ≈ 70 KB, constant data ≈ 75 KB (the texts of three
  languages, the widget's CSS, class names: ≈ 33 KB), serde_json ≈ 21 KB, the
  QR encoder ≈ 14 KB with its tables. Taken out so far: leptos_router (the
  help panel's address is now a \`pushState\`/\`popstate\` pair; −20 KB gzip),
  serde_path_to_error and \`serde_json::Value\` (decoding straight into the
  types; −6 KB), Leptos's \`erase_components\` for the wasm target (−5 KB),
  one closure type for every changing text, Debug-quoting in setting errors.
  What is left is spread thin: no crate or function is large enough that
  removing it reaches the target. Reaching 120 KB would take a different way
  of rendering (far fewer generic view types, e.g. building the DOM by hand
  with web-sys) — a rewrite of every component for the ${(gzipKb - 120).toFixed(0)} KB left, which was
  not judged worth the loss of clarity. The wasm is cached after the first visit
  (hashed, immutable). Since 2026-11-30 the widget is built in parts: what
  the first screen does not show (the help panel, the activation steps with
  the QR encoder, English, Ukrainian, push) comes after the first status, and
  is not in this table; "What the first screen costs, part by part" below
  says what each weighed and what is left.
- **Start-up.** ${startupRatio <= 2 ? "Met unthrottled" : `${startupRatio.toFixed(2)}× the floor at the median unthrottled`}, ${(startupResults["widget|true"].median / startupResults["floor (plain HTML + JS)|true"].median).toFixed(2)}× with the CPU throttled. The floor needs its HTML and one \`mcard\` request; the widget also fetches, compiles and instantiates its wasm before it can ask USOS anything, and then must ask \`installation\` before \`mcard\` (the contract: where mLegitymacja is not offered, nothing else is called). The gap is the wasm's download and compilation, so it shrinks with the wasm (above).

- **Requests for a 5-minute processing time.** Plain polling cannot meet both
  polling targets at once: a p95 delay of 5 s needs an interval of at most
  ≈5.3 s, and 300 s ÷ 5.3 s ≈ 57 requests, more than 40. The schedule keeps
  the student-facing target (the delay) and polls every 5 s while the order is
  on its way; the contract offers no push or long-poll that would let it do
  both. An \`mcard\` answer is small (a few hundred bytes) and cheap to serve.

## Load model: the first hour of a semester

From the schedule's mean of ${perOrder} \`mcard\` reads per order (including the
read-back after ordering), plus two requests when the page opens
(\`installation\`, \`mcard\`) and one \`mcard_order\` when the order is ready,
spread evenly over an hour:

| students ordering in the hour | requests per second to USOS | of which opening the page |
| ---: | ---: | ---: |
${load}

Bursts are sharper than this average (announcements make students arrive
together), but each student costs at most one request every 5 s while their
order is on its way (one every 30 s while the tab is hidden), and nothing at
all once the order is final. When USOS is overloaded the widget stops adding to it: on 429 and 503
(and any failure) it waits 2 s, then doubles the wait up to 60 s, each wait
spread by random jitter over its upper half so that students do not retry in
step, and it waits at least what \`Retry-After\` asks. It never retries an
order by itself. After the first success it returns to the normal 5 s at once.
`;

fs.writeFileSync(path.join(root, "BENCHMARKS.md"), report);
console.log(report);
server.kill();
process.exit(0);
