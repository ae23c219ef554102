import { defineConfig } from "@playwright/test";
import { chromiumArgs, chromiumPath } from "./tests/chromium";
import { port, runDir } from "./tests/runs";

// The suite drives Debian's Chromium (never a downloaded browser) against the
// usos-sim stand-in serving the release build in ../dist. The stand-in holds
// one student, so tests run one at a time.
// The real topology, for gateway.spec.ts (same ports there): usos-gateway serving the widget in
// front of a second stand-in in OAuth mode.
const gatewayPort = port + 2;
const oauthSimPort = port + 3;
// The deployment run for real, for tls.spec.ts: nginx with TLS in front of
// two gateway copies on one PostgreSQL, and a third stand-in.
const tlsPort = port + 4;
const tlsSimPort = port + 5;
// One gateway for three universities, for universities.spec.ts: the shared
// address on 127.0.0.1, two universities on uw.localhost and ul.localhost.
const manyPort = port + 6;
const manySimPort = port + 7;
// wait.spec.ts starts a gateway and a stand-in of its own on port + 8 and
// port + 9 (the wait is the gateway's memory of every order it saw).

// scripts/test runs the suite as two groups side by side, each on its own
// ports (E2E_PORT) and with its own servers, so that both cores work:
// E2E_GROUP=1 runs these files, which need only the first stand-in;
// E2E_GROUP=2 every other file (new ones too) and, after them, the search of
// the gateways' logs. Without E2E_GROUP, one run does everything.
const group = process.env.E2E_GROUP;
const firstGroup = /[/\\](accessibility|callback|resilience)\.spec\.ts$/;
const secrets = /secrets-in-logs\.spec\.ts$/;
const suite =
  group === "1" ? { testMatch: firstGroup } : group === "2" ? { testIgnore: [secrets, firstGroup] } : { testIgnore: secrets };
const gatewaysRun = group !== "1";

export default defineConfig({
  testDir: "./tests",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  outputDir: `test-results/${port}`,
  // The logs are searched for secrets after every other test has run.
  projects: [
    { name: "suite", ...suite },
    ...(gatewaysRun ? [{ name: "secrets in the logs", testMatch: secrets, dependencies: ["suite"] }] : []),
  ],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: "chromium",
    locale: "pl-PL",
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
  },
  webServer: [{
    command:
      `../target/debug/usos-sim --addr 127.0.0.1:${port} --dist ../dist --control` +
      " --pending-ms 1000 --processing-ms 1500",
    url: `http://127.0.0.1:${port}/services/apisrv/installation?fields=mcards_support`,
    reuseExistingServer: false,
    stdout: "pipe",
    timeout: 30_000,
  }, ...(gatewaysRun ? [{
    // The gateway's log and secrets stay in runDir("gateway") for gateway.spec.ts
    // to check that the log holds none of them.
    command:
      `GATEWAY_RUN_DIR=${process.cwd()}/${runDir("gateway")} ../scripts/serve-gateway 127.0.0.1:${gatewayPort} 127.0.0.1:${oauthSimPort}` +
      " --pending-ms 1000 --processing-ms 1500",
    url: `http://127.0.0.1:${gatewayPort}/healthz`,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    timeout: 30_000,
  }, {
    command:
      // Its log as JSON, which secrets-in-logs.spec.ts searches too.
      `USOS_GATEWAY_LOG_FORMAT=json GATEWAY_INSTALLATIONS=3 GATEWAY_RUN_DIR=${process.cwd()}/${runDir("gateway-many")} ` +
      `../scripts/serve-gateway 127.0.0.1:${manyPort} 127.0.0.1:${manySimPort}`,
    url: `http://127.0.0.1:${manyPort}/healthz`,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    timeout: 30_000,
  }, {
    command: `TLS_RUN_DIR=${process.cwd()}/${runDir("tls")} ../scripts/serve-tls ${tlsPort} ${tlsSimPort}`,
    url: `https://localhost:${tlsPort}/healthz`,
    ignoreHTTPSErrors: true,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    timeout: 60_000,
  }] : [])],
});
