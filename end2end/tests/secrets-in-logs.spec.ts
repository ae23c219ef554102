// Run after every other test (a project of its own, see playwright.config.ts):
// the logs of the gateway and of the stand-in behind it, over the whole suite,
// hold none of the secrets the stand-in handed out — tokens, token secrets,
// verifiers, QR tokens, activation codes — nor the consumer secret, nor the
// student's number. And the database of watches holds no token in plain text.
import fs from "node:fs";
import { expect, test } from "./fixtures";
import { port, runDir } from "./runs";

const usos = `http://127.0.0.1:${port + 3}`;

test("no secret the stand-in issued, nor the consumer secret, is in the gateway's or the stand-in's log", async ({ request }) => {
  const response = await request.get(`${usos}/_sim/issued`);
  expect(response.status()).toBe(200);
  const { issued } = (await response.json()) as { issued: { kind: string; value: string }[] };
  const kinds = new Set(issued.map((i) => i.kind));
  // The suite went through every kind of secret at least once.
  for (const kind of ["request token", "request token secret", "verifier", "access token", "access token secret", "QR token", "activation code"]) {
    expect(kinds, kind).toContain(kind);
  }
  const consumerSecret = fs.readFileSync(`${runDir("gateway")}/consumer-secret`, "utf8").trim();
  for (const name of ["gateway.log", "usos-sim.log"]) {
    const log = fs.readFileSync(`${runDir("gateway")}/${name}`, "utf8");
    if (name === "gateway.log") expect(log).toContain("path=/services/cards/make_mcard_order status=200");
    for (const { kind, value } of [...issued, { kind: "consumer secret", value: consumerSecret }]) {
      expect(log.includes(value), `${name} holds a ${kind}`).toBe(false);
    }
    // The student's number, not counting digits inside durations.
    expect(log, name).not.toMatch(/(^|[^0-9.])123456([^0-9]|$)/m);
  }
  console.log(`searched both logs for ${issued.length + 1} secrets`);
});

test("the deployment behind nginx (two copies, PostgreSQL): none of its logs holds a secret its stand-in issued", async ({ request }) => {
  const tlsUsos = `http://127.0.0.1:${port + 5}`;
  const { issued } = (await (await request.get(`${tlsUsos}/_sim/issued`)).json()) as { issued: { kind: string; value: string }[] };
  // tls.spec.ts signed in and collected: a verifier and a QR token at least.
  const kinds = new Set(issued.map((i) => i.kind));
  for (const kind of ["verifier", "access token", "access token secret", "QR token", "activation code"]) {
    expect(kinds, kind).toContain(kind);
  }
  const consumerSecret = fs.readFileSync(`${runDir("tls")}/consumer-secret`, "utf8").trim();
  const logs = ["gateway-a.log", "gateway-b.log", "usos-sim.log", "nginx-access.log", "nginx-error.log", "nginx-mlegitymacja-access.log", "pg/postgres.log"];
  for (const name of logs) {
    const log = fs.readFileSync(`${runDir("tls")}/${name}`, "utf8");
    for (const { kind, value } of [...issued, { kind: "consumer secret", value: consumerSecret }]) {
      expect(log.includes(value), `${name} holds a ${kind}`).toBe(false);
    }
  }
  // nginx's own access log of the site saw the sign-in's return, without its query.
  expect(fs.readFileSync(`${runDir("tls")}/nginx-mlegitymacja-access.log`, "utf8")).toContain("GET /auth/callback ");
  console.log(`searched ${logs.length} logs of the deployment for ${issued.length + 1} secrets`);
});

test("one gateway for three universities: no secret any of its three providers issued is in its logs or its database", async ({ request }) => {
  const manyUsos = `http://127.0.0.1:${port + 7}`;
  const issued: { kind: string; value: string }[] = [];
  for (const id of ["uw", "ul", "pg"]) {
    issued.push(...(await (await request.get(`${manyUsos}/${id}/_sim/issued`)).json()).issued);
  }
  // universities.spec.ts signed in at two of them and ordered.
  expect(issued.filter((i) => i.kind === "access token").length).toBeGreaterThanOrEqual(2);
  const secrets = fs
    .readdirSync(runDir("gateway-many"))
    .filter((f) => f.endsWith(".secret") || f === "consumer-secret")
    .map((f) => ({ kind: `consumer secret (${f})`, value: fs.readFileSync(`${runDir("gateway-many")}/${f}`, "utf8").trim() }));
  expect(secrets.length).toBe(4);
  // This gateway writes its log as JSON (--log-format json), as a log
  // system reads it: one object a line, and no secret in any field.
  const jsonLines = fs.readFileSync(`${runDir("gateway-many")}/gateway.log`, "utf8").split("\n").filter((l) => l.trim() !== "");
  expect(jsonLines.length).toBeGreaterThan(10);
  for (const line of jsonLines) expect(() => JSON.parse(line), line).not.toThrow();
  const files = ["gateway.log", "usos-sim.log", ...fs.readdirSync(runDir("gateway-many")).filter((f) => f.startsWith("watches.db"))];
  for (const name of files) {
    const bytes = fs.readFileSync(`${runDir("gateway-many")}/${name}`);
    for (const { kind, value } of [...issued, ...secrets]) {
      expect(bytes.includes(value), `${name} holds a ${kind}`).toBe(false);
    }
  }
  console.log(`searched ${files.length} files of the many-university gateway for ${issued.length + secrets.length} secrets`);
});

test("the gateway's database of watches holds no token or token secret in plain text", async ({ request }) => {
  const { issued } = (await (await request.get(`${usos}/_sim/issued`)).json()) as { issued: { kind: string; value: string }[] };
  const files = fs.readdirSync(runDir("gateway")).filter((f) => f.startsWith("watches.db"));
  expect(files).toContain("watches.db");
  const bytes = Buffer.concat(files.map((f) => fs.readFileSync(`${runDir("gateway")}/${f}`)));
  // push.spec.ts left watches in it (the ones whose order was never ready).
  expect(bytes.length).toBeGreaterThan(0);
  for (const { kind, value } of issued) {
    expect(bytes.includes(value), `the database holds a ${kind}`).toBe(false);
  }
  // The push log lines name the push service's host, never an endpoint's path.
  const log = fs.readFileSync(`${runDir("gateway")}/gateway.log`, "utf8");
  expect(log).toContain("push accepted");
  expect(log).not.toMatch(/\/push\/[0-9a-f]{32}/);
});
