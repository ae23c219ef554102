// scripts/bench's start-up on a phone's network: through usos-gateway (brotli
// and gzip on, the installation cache on) in front of usos-sim in OAuth mode,
// with Chromium's network emulation (DevTools Network.emulateNetworkConditions),
// against the plain-HTML floor served the same way. Also the bytes on the wire
// of the first load, and whether the second page load asks USOS for the
// installation. Then the widget in parts (src/parts.rs): what is fetched
// before the first badge and after, and how long a press on "Pomoc" or
// "Dodaj do mObywatela" waits for its part, fetched ahead or not. Writes
// target/bench/network.md.
import { chromium } from "@playwright/test";
import { floorProbe, widgetProbe } from "./probes.mjs";
import { spawn, execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const bin = path.join(root, "target", process.env.BENCH_PROFILE ?? "server");
const LOADS = Number(process.env.BENCH_LOADS ?? 20);
const gwPort = 18190;
const simPort = 18191;
const gateway = `http://127.0.0.1:${gwPort}`;
const usos = `http://127.0.0.1:${simPort}`;
const launchArgs = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
// The figures; throughput in bytes per second.
const networks = [
  { name: "Fast 4G", latency: 150, down: 9e6 / 8, up: 1.5e6 / 8, target: 1.3 },
  { name: "Slow 4G", latency: 400, down: 1.6e6 / 8, up: 0.75e6 / 8, target: 1.5 },
];
const median = (xs) => percentile(xs, 0.5);
function percentile(xs, p) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.round((sorted.length - 1) * p)];
}
const kb = (bytes) => (bytes / 1024).toFixed(1);

// ---------- the files, as the gateway serves them: dist and the floor

// BENCH_DIST: another build of the widget (e.g. an earlier commit's dist/)
// to measure the same way, beside the same floor; BENCH_REPORT: where to write.
const dist = path.join(root, "target", "bench", "gateway-dist");
fs.rmSync(dist, { recursive: true, force: true });
fs.cpSync(process.env.BENCH_DIST ?? path.join(root, "dist"), dist, { recursive: true });
fs.mkdirSync(path.join(dist, "demo"), { recursive: true });
for (const name of ["floor.html", "floor.js"]) {
  fs.copyFileSync(path.join(root, "usos-sim", "demo", name), path.join(dist, "demo", name));
}
fs.copyFileSync(path.join(root, "end2end", "bench", "embedded.html"), path.join(dist, "demo", "embedded.html"));
execFileSync("node", [path.join(root, "scripts", "precompress.mjs"), path.join(dist, "demo")]);

// ---------- the servers

const work = fs.mkdtempSync(path.join(os.tmpdir(), "mlg-network-"));
const secret = crypto.randomBytes(24).toString("hex");
fs.writeFileSync(path.join(work, "secret"), secret);
fs.writeFileSync(path.join(work, "key"), crypto.randomBytes(64));
const children = [
  spawn(path.join(bin, "usos-sim"), ["--addr", `127.0.0.1:${simPort}`, "--control", "--oauth", `bench:${secret}`,
    "--pending-ms", "3600000", "--processing-ms", "3600000"], { stdio: "ignore" }),
  spawn(path.join(bin, "usos-gateway"), ["--listen", `127.0.0.1:${gwPort}`, "--usos-api", `${usos}/`,
    "--consumer-key", "bench", "--consumer-secret-file", path.join(work, "secret"),
    "--session-key-file", path.join(work, "key"), "--public-url", `${gateway}/`, "--dist", dist],
  { stdio: "ignore", env: { ...process.env, USOS_GATEWAY_LOG: "warn" } }),
];
const stop = () => { for (const c of children) c.kill(); fs.rmSync(work, { recursive: true, force: true }); };
process.on("exit", stop);
for (const url of [`${usos}/_sim/state`, `${gateway}/healthz`]) {
  for (let i = 0; ; i++) {
    try { await fetch(url); break; } catch { if (i > 200) throw new Error(`${url} did not answer`); }
    await new Promise((r) => setTimeout(r, 50));
  }
}

// ---------- one student, signed in through "USOS", with an order on its way

// A student whose browser speaks Polish, as the tests' (playwright.config.ts):
// the widget's first download then holds every text it shows. A browser in
// English or Ukrainian also fetches that language's part before the first
// render.
const STUDENT = { locale: "pl-PL" };
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: launchArgs });
const cookies = await (async () => {
  const context = await browser.newContext(STUDENT);
  const page = await context.newPage();
  await page.goto(`${gateway}/auth/login?return=/`);
  await page.locator("[data-test=approve]").click();
  await page.waitForURL(`${gateway}/`);
  await page.locator("[data-test=order-button]").click();
  await page.locator(".mlg-badge").first().waitFor();
  const all = await context.cookies();
  await context.close();
  return all;
})();


async function emulated(context, page, network) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  if (network) {
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false, latency: network.latency, downloadThroughput: network.down, uploadThroughput: network.up,
    });
  }
  return cdp;
}

/** A signed-in student's first visit: a fresh context, the cache off, the
 * network emulated (or not, with null). */
async function coldVisit(network) {
  const context = await browser.newContext(STUDENT);
  await context.addCookies(cookies);
  const page = await context.newPage();
  const cdp = await emulated(context, page, network);
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  return { context, page, cdp };
}

/** Time to the first status, cold (nothing cached) or on a second visit.
 * The probe is waited for from the moment the page is committed, not from
 * its load event: Playwright's own script, injected into the page at the
 * first wait, then runs while the page waits on the network, and not
 * across the widget's start (which comes right after the load event). */
async function load(url, probe, network, warm) {
  const context = await browser.newContext(STUDENT);
  await context.addCookies(cookies);
  const page = await context.newPage();
  const cdp = await emulated(context, page, network);
  await page.addInitScript(probe);
  if (warm) {
    await page.goto(url);
    await page.waitForFunction(() => window.__firstStatus !== undefined, null, { timeout: 120_000 });
  } else {
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  }
  await page.goto(url, { waitUntil: "commit" });
  await page.waitForFunction(() => window.__firstStatus !== undefined, null, { timeout: 120_000 });
  const ms = await page.evaluate(() => window.__firstStatus);
  await context.close();
  return ms;
}

// The pages take turns (widget, embedded, floor, widget, …), so that
// whatever else the machine does at a moment weighs on each alike.
const PAGES = [["widget", `${gateway}/`, widgetProbe],
  ["embedded", `${gateway}/demo/embedded.html`, widgetProbe], ["floor", `${gateway}/demo/floor.html`, floorProbe]];
let startup = "| network | visit | page | median ms | p95 ms | ÷ floor (median) | target | met? |\n| --- | --- | --- | ---: | ---: | ---: | ---: | --- |\n";
const summary = [];
for (const network of networks) {
  for (const warm of [false, true]) {
    const times = Object.fromEntries(PAGES.map(([name]) => [name, []]));
    for (let i = 0; i < LOADS; i++) {
      for (const [name, url, probe] of PAGES) times[name].push(await load(url, probe, network, warm));
    }
    const result = Object.fromEntries(PAGES.map(([name]) => [name, { median: median(times[name]), p95: percentile(times[name], 0.95) }]));
    const ratio = result.widget.median / result.floor.median;
    const embeddedRatio = result.embedded.median / result.floor.median;
    const visit = warm ? "second (warm cache)" : "first (cold)";
    const target = warm ? "—" : `≤ ${network.target}×`;
    const met = warm ? "—" : ratio <= network.target ? "yes" : "no";
    startup += `| ${network.name} | ${visit} | widget | ${result.widget.median.toFixed(0)} | ${result.widget.p95.toFixed(0)} | ${ratio.toFixed(2)}× | ${target} | ${met} |\n`;
    startup += `| ${network.name} | ${visit} | embedded | ${result.embedded.median.toFixed(0)} | ${result.embedded.p95.toFixed(0)} | ${embeddedRatio.toFixed(2)}× | | |\n`;
    startup += `| ${network.name} | ${visit} | floor | ${result.floor.median.toFixed(0)} | ${result.floor.p95.toFixed(0)} | | | |\n`;
    summary.push({ network: network.name, warm, ratio, widget: result.widget, floor: result.floor });
  }
}

// ---------- what the first status waits for: request timings

/** One cold load's timeline, in ms from navigation (Resource Timing):
 * when each request the first status needs was asked and answered. */
async function timeline(url, network) {
  const { context, page } = await coldVisit(network);
  await page.addInitScript(widgetProbe);
  await page.goto(url, { waitUntil: "commit" });
  await page.waitForFunction(() => window.__firstStatus !== undefined, null, { timeout: 120_000 });
  const t = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const all = performance.getEntriesByType("resource");
    const find = (re) => all.find((e) => re.test(new URL(e.name).pathname));
    const span = (e) => (e ? [e.startTime, e.responseEnd] : [NaN, NaN]);
    const mark = (name) => {
      const at = performance.getEntriesByName(`mlegitymacja:${name}`)[0]?.startTime ?? NaN;
      return [at, at];
    };
    return {
      page: [0, nav.responseEnd],
      "widget.js": span(find(/^\/widget\.js$/)),
      installation: span(find(/\/services\/apisrv\/installation$/)),
      glue: span(find(/\/mlegitymacja-[0-9a-f]{16}\.js$/)),
      wasm: span(find(/\/mlegitymacja-[0-9a-f]{16}_bg\.wasm$/)),
      mcard: span(find(/\/services\/cards\/mcard$/)),
      // The widget's own marks (src/browser.rs, mark): its main function
      // runs, its shell is mounted, the first answers are in hand.
      "wasm started": mark("start"),
      "widget mounted": mark("mounted"),
      "first answers taken": mark("first-answers"),
      badge: [window.__firstStatus, window.__firstStatus],
    };
  });
  await context.close();
  return t;
}
const TIMELINES = Number(process.env.BENCH_TIMELINES ?? 7);
let timings = "";
for (const network of networks) {
  for (const [name, url] of [["standalone", `${gateway}/`], ["embedded in a portal page", `${gateway}/demo/embedded.html`]]) {
    const runs = [];
    for (let i = 0; i < TIMELINES; i++) runs.push(await timeline(url, network));
    const rows = Object.keys(runs[0]).map((what) => {
      const asked = median(runs.map((r) => r[what][0]));
      const done = median(runs.map((r) => r[what][1]));
      return `| ${what} | ${Number.isNaN(asked) ? "—" : asked.toFixed(0)} | ${Number.isNaN(done) ? "—" : done.toFixed(0)} |`;
    });
    const gap = median(runs.map((r) => r.badge[0] - r.wasm[1]));
    timings += `**${network.name}, ${name}** (median of ${TIMELINES} cold loads; "page" is the HTML document):\n\n` +
      "| request | asked at ms | answered at ms |\n| --- | ---: | ---: |\n" + rows.join("\n") +
      `\n\nFrom the wasm's arrival to the badge: ${gap.toFixed(0)} ms.\n\n`;
  }
}

// ---------- bytes on the wire of a first load, and the installation cache

/** A file of the built widget (or the page itself), not an API answer. */
const isWidgetFile = (urlPath) => urlPath === "/" || fs.existsSync(path.join(dist, urlPath.slice(1)));

const wire = await (async () => {
  const { context, page, cdp } = await coldVisit(null);
  const responses = new Map();
  cdp.on("Network.responseReceived", (e) => responses.set(e.requestId, e.response));
  const files = [];
  cdp.on("Network.loadingFinished", (e) => {
    const response = responses.get(e.requestId);
    // The widget's files only: not the API's answers, nor the gateway's own
    // (/push/key, …).
    if (!response || !isWidgetFile(new URL(response.url).pathname)) return;
    const encoding = Object.entries(response.headers).find(([k]) => k.toLowerCase() === "content-encoding")?.[1] ?? "none";
    files.push({ url: new URL(response.url).pathname, bytes: e.encodedDataLength, encoding });
  });
  const metric = async () => Number((await (await fetch(`${gateway}/metrics`)).text())
    .match(/usos_gateway_installation_cache_hits_total\{installation="default"\} (\d+)/)?.[1] ?? 0);
  const hitsBefore = await metric();
  await page.addInitScript(widgetProbe);
  await page.goto(`${gateway}/`);
  await page.waitForFunction(() => window.__firstStatus !== undefined);
  await page.waitForTimeout(500);
  const hitsAfter = await metric();
  await context.close();
  return { files, cacheHits: hitsAfter - hitsBefore };
})();
// ---------- the parts: before the first badge, after, and a press's wait

const PART = /\/split_[a-z_]+-[0-9a-f]{16}\.wasm$/;
const PART_COUNT = fs.readdirSync(dist).filter((f) => PART.test(`/${f}`)).length;
const fileSize = (urlPath, suffix) => {
  const local = path.join(dist, urlPath === "/" ? "index.html" : urlPath.slice(1));
  return fs.existsSync(local + suffix) ? fs.statSync(local + suffix).size : fs.statSync(local).size;
};

/** One cold load, unthrottled: the files fetched before the first badge, and
 * the ones fetched after it, once every part has come. */
const split = await (async () => {
  const { context, page } = await coldVisit(null);
  await page.addInitScript(widgetProbe);
  await page.goto(`${gateway}/`);
  await page.waitForFunction(() => window.__firstStatus !== undefined);
  // Every part this page fetches: not the picker (only on the shared address
  // of many universities), so wait until no new part has come for 3 s.
  await page.evaluate(async () => {
    const parts = () => performance.getEntriesByType("resource")
      .filter((e) => /\/split_[a-z_]+-[0-9a-f]{16}\.wasm$/.test(new URL(e.name).pathname)).length;
    let seen = -1;
    while (parts() !== seen) {
      seen = parts();
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    }
  });
  const { badge, files } = await page.evaluate(() => ({
    badge: window.__firstStatus,
    files: [performance.getEntriesByType("navigation")[0], ...performance.getEntriesByType("resource")]
      .map((e) => ({ path: new URL(e.name).pathname, start: e.startTime }))
      .filter((f) => !f.path.startsWith("/services/")),
  }));
  await context.close();
  const sized = files.filter((f) => isWidgetFile(f.path))
    .map((f) => ({ ...f, gzip: fileSize(f.path, ".gz"), brotli: fileSize(f.path, ".br"), before: f.start < badge }));
  return { before: sized.filter((f) => f.before), after: sized.filter((f) => !f.before) };
})();

/** Time from a press to its content, in the page, on Fast 4G: pressed as
 * soon as the first status shows (the part not yet fetched ahead), or 2 s
 * later (fetched ahead). */
async function pressWait(button, content, ahead) {
  const { context, page } = await coldVisit(networks[0]);
  await page.addInitScript(widgetProbe);
  await page.goto(`${gateway}/`);
  await page.waitForFunction(() => window.__firstStatus !== undefined, null, { timeout: 60_000 });
  if (ahead) await page.waitForTimeout(2000);
  const ms = await page.evaluate(async ([button, content]) => {
    const root = document.querySelector("[data-mlegitymacja]").shadowRoot;
    const pressed = performance.now();
    root.querySelector(button).click();
    return new Promise((resolve) => {
      const look = () => {
        const shown = root.querySelector(content);
        if (shown && shown.getBoundingClientRect().height > 0) resolve(performance.now() - pressed);
        else requestAnimationFrame(look);
      };
      look();
    });
  }, [button, content]);
  await context.close();
  return ms;
}
const PRESSES = Number(process.env.BENCH_PRESSES ?? 10);
const presses = [];
for (const [what, button, content, setUp] of [
  ["Pomoc → the help panel's sections", "[data-test=help-button]", ".mlg-dialog--help h3", null],
  ["Dodaj do mObywatela → the QR code", "[data-test=add-to-mobywatel]", "[data-test=qr]", "ready"],
]) {
  if (setUp === "ready") {
    // The same student, now with an order ready to collect.
    await fetch(`${usos}/_sim/reset`, { method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ profile: "eligible", mcards_support: true, pending_ms: 100, processing_ms: 100 }) });
    const context = await browser.newContext(STUDENT);
    await context.addCookies(cookies);
    const page = await context.newPage();
    await page.goto(`${gateway}/`);
    await page.locator("[data-test=order-button]").click();
    await page.locator("[data-test=add-to-mobywatel]").waitFor({ timeout: 30_000 });
    await context.close();
  }
  for (const ahead of [false, true]) {
    const times = [];
    for (let i = 0; i < PRESSES; i++) times.push(await pressWait(button, content, ahead));
    presses.push({ what, ahead, median: median(times), max: Math.max(...times) });
  }
}
await browser.close();

const partName = (p) => p.replace(/-[0-9a-f]{8,16}(?=[._])/, "-‹hash›");
const partsTable = (files) => {
  let table = "| file | gzip -9 KB | brotli KB |\n| --- | ---: | ---: |\n";
  for (const f of files) table += `| ${partName(f.path)} | ${kb(f.gzip)} | ${kb(f.brotli)} |\n`;
  const gzip = files.reduce((sum, f) => sum + f.gzip, 0);
  const brotli = files.reduce((sum, f) => sum + f.brotli, 0);
  return { table: table + `| **total** | **${kb(gzip)}** | **${kb(brotli)}** |\n`, gzip, brotli };
};
const beforeBadge = partsTable(split.before);
const afterBadge = partsTable(split.after);
let pressTable = "| press → content | part fetched ahead | median ms | max ms |\n| --- | --- | ---: | ---: |\n";
for (const p of presses) {
  pressTable += `| ${p.what} | ${p.ahead ? "yes (pressed 2 s after the first status)" : "not yet (pressed at the first status, the fetch ahead just begun)"} | ${p.median.toFixed(0)} | ${p.max.toFixed(0)} |\n`;
}
const aheadMax = Math.max(...presses.filter((p) => p.ahead).map((p) => p.max));

let wireTable = "| file | encoding sent | bytes on the wire (with headers) | brotli file KB | gzip -9 file KB |\n| --- | --- | ---: | ---: | ---: |\n";
let onWire = 0;
let brotliTotal = 0;
let gzipTotal = 0;
for (const f of wire.files) {
  const local = path.join(dist, f.url === "/" ? "index.html" : f.url.slice(1));
  const size = (suffix) => (fs.existsSync(local + suffix) ? fs.statSync(local + suffix).size : fs.statSync(local).size);
  const br = size(".br");
  const gz = size(".gz");
  onWire += f.bytes;
  brotliTotal += br;
  gzipTotal += gz;
  wireTable += `| ${f.url.replace(/-[0-9a-f]{8,16}(?=[._])/, "-‹hash›")} | ${f.encoding} | ${f.bytes} | ${kb(br)} | ${kb(gz)} |\n`;
}
wireTable += `| **first load** | | **${onWire}** (${kb(onWire)} KB) | **${kb(brotliTotal)}** | **${kb(gzipTotal)}** |\n`;
const overBrotli = (onWire / brotliTotal - 1) * 100;

const report = `## Start-up on a phone's network, through the gateway

\`end2end/bench/network.mjs\` (run by \`scripts/bench\`): headless Chromium with
DevTools network emulation — Fast 4G (RTT 150 ms, 9 Mbit/s down, 1.5 Mbit/s
up) and Slow 4G (RTT 400 ms, 1.6 Mbit/s, 0.75 Mbit/s) — loads the standalone
widget from usos-gateway (\`server\` profile, precompressed brotli/gzip, the
installation cache on) in front of usos-sim in OAuth mode, signed in, with an
order on its way; and the plain-HTML floor (\`demo/floor.html\`: HTML and a few
lines of JS that fetch \`mcard\` and write the status) from the same gateway.
Time from navigation to the first status on screen, ${LOADS} loads each, the
three pages taking turns; first visit with the cache disabled (a fresh
browser context each time), second visit in the same context right after a
first. The probe (\`end2end/bench/probes.mjs\`) is waited for from the
page's commit, so that Playwright's own script runs in the page while it
waits on the network rather than across the widget's start.

${startup}
"embedded" is the widget in a plain portal page (\`end2end/bench/embedded.html\`:
the element and \`widget.js\`, no preload), from the same gateway.

### What the first status waits for

The same loads' requests, from Chromium's Resource Timing: when each was
asked and answered, in ms from navigation, the median of each column. The
first \`installation\` and \`mcard\` are asked by the standalone page's
preloads, or by \`widget.js\` in the portal page, before the wasm arrives
(a build before that asked \`mcard\` only once the wasm had started).

${timings}
### Bytes on the wire, first load

One cold load through the gateway, unthrottled, Chromium accepting
\`gzip, deflate, br\`; \`encodedDataLength\` per file from DevTools (body as
sent plus response headers), beside the sizes of the files' \`.br\` and \`.gz\`
written at build time (\`scripts/precompress.mjs\`, brotli quality 11, gzip -9).

${wireTable}
On the wire: ${kb(onWire)} KB, ${overBrotli >= 0 ? "+" : ""}${overBrotli.toFixed(1)} % over the brotli files'
sum (the difference is the HTTP headers); target: within 5 % — ${Math.abs(overBrotli) <= 5 ? "met" : "not met"}.

### The widget in parts: before the first badge, and after

One cold load through the gateway, unthrottled, a pending order, a browser
in Polish (in English or Ukrainian, that language's part, 3–4 KB, comes
before the first badge too, since its texts are on it): the files
whose fetch started before the first status badge was laid out (from the
page's Resource Timing), and the ones fetched after it until no part had
come for 3 s (${split.after.filter((f) => PART.test(f.path)).length} of the build's ${PART_COUNT} parts: the picker is only for
the shared address of many universities); sizes of the files' \`.gz\` (gzip -9) and \`.br\`
(brotli 11) written at build time. The API's answers are not counted.

Before the first badge:

${beforeBadge.table}
Target ≤ 100 KB gzip before the first badge: ${beforeBadge.gzip / 1024 <= 100 ? "met" : "**missed**"} (${kb(beforeBadge.gzip)} KB).

After it (fetched ahead once the status is on screen, or on the first press):

${afterBadge.table}
The whole transfer once every part has come: ${kb(beforeBadge.gzip + afterBadge.gzip)} KB gzip, ${kb(beforeBadge.brotli + afterBadge.brotli)} KB brotli.

A press's wait for its part on Fast 4G, ${PRESSES} cold loads each (time from
the press to its content laid out, measured in the page):

${pressTable}
Target: no press waits more than 100 ms once the first status has been on
screen for 2 s: ${aheadMax <= 100 ? "met" : "**missed**"} (${aheadMax.toFixed(0)} ms at most).

The installation: on a page load after the first, the gateway answered
\`services/apisrv/installation\` from its cache ${wire.cacheHits} time(s) and did not ask
USOS for it (\`usos_gateway_installation_cache_hits_total\`).
`;
fs.mkdirSync(path.join(root, "target", "bench"), { recursive: true });
fs.writeFileSync(process.env.BENCH_REPORT ?? path.join(root, "target", "bench", "network.md"), report);
console.log(report);
stop();
process.exit(0);
