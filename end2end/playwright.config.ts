import { defineConfig } from "@playwright/test";
import { chromiumArgs, chromiumPath } from "./tests/chromium";

// The suite drives Debian's Chromium (never a downloaded browser) against the
// usos-sim stand-in serving the release build in ../dist. The stand-in holds
// one student, so tests run one at a time.
const port = Number(process.env.E2E_PORT ?? 8091);
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

export default defineConfig({
  testDir: "./tests",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  outputDir: "test-results",
  // The logs are searched for secrets after every other test has run.
  projects: [
    { name: "suite", testIgnore: /secrets-in-logs\.spec\.ts/ },
    { name: "secrets in the logs", testMatch: /secrets-in-logs\.spec\.ts/, dependencies: ["suite"] },
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
  }, {
    // The gateway's log and secrets stay in .gateway-run/ for gateway.spec.ts
    // to check that the log holds none of them.
    command:
      `GATEWAY_RUN_DIR=${process.cwd()}/.gateway-run ../scripts/serve-gateway 127.0.0.1:${gatewayPort} 127.0.0.1:${oauthSimPort}` +
      " --pending-ms 1000 --processing-ms 1500",
    url: `http://127.0.0.1:${gatewayPort}/healthz`,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    timeout: 30_000,
  }, {
    command:
      // Its log as JSON, which secrets-in-logs.spec.ts searches too.
      `USOS_GATEWAY_LOG_FORMAT=json GATEWAY_INSTALLATIONS=3 GATEWAY_RUN_DIR=${process.cwd()}/.gateway-many-run ` +
      `../scripts/serve-gateway 127.0.0.1:${manyPort} 127.0.0.1:${manySimPort}`,
    url: `http://127.0.0.1:${manyPort}/healthz`,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    timeout: 30_000,
  }, {
    command: `TLS_RUN_DIR=${process.cwd()}/.tls-run ../scripts/serve-tls ${tlsPort} ${tlsSimPort}`,
    url: `https://localhost:${tlsPort}/healthz`,
    ignoreHTTPSErrors: true,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    timeout: 60_000,
  }],
});
