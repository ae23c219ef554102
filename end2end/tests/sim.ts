// Talks to the stand-in's /_sim/ controls: who the student is, what the
// ministry does. The widget itself never uses these.
import { APIRequestContext, expect } from "@playwright/test";

export type Profile =
  | "eligible"
  | "no-photo"
  | "no-pesel"
  | "not-active"
  | "no-album-number"
  | "before-oath"
  | "mc-error"
  | "revoked"
  | "expiring";

export interface SimOrder {
  id: string;
  order_date: string;
  status: string;
  expiration_date: string;
  token: string;
  distribution_pass: string;
}

export interface SimState {
  profile: Profile;
  orders_placed: number;
  mcards_support: boolean;
  orders: SimOrder[];
}

export interface Reset {
  profile: Profile;
  pending_ms?: number;
  processing_ms?: number;
  /** The student's orders are dated this many minutes before they are placed. */
  ordered_minutes_ago?: number;
  /** The ministry as a queue: answers a minute, and the percent that are Błąd. */
  ministry_per_minute?: number;
  ministry_error_percent?: number;
  mcards_support?: boolean;
  /** Fault specs such as "cards/mcard:status=503" (see docs/usos-sim.md, "Fault injection"). */
  faults?: string[];
  why_cannot_order?: { pl: string; en: string };
  /** How the installation differs from the contract (see docs/usos-sim.md). */
  no_fields?: string[];
  user_messages?: boolean;
  status_codes?: Record<string, string>;
}

/** Starts over with a new student; the previous student's orders are gone. */
export async function resetStudent(request: APIRequestContext, reset: Reset): Promise<SimState> {
  const response = await request.post("/_sim/reset", {
    data: { mcards_support: true, pending_ms: 60_000, processing_ms: 60_000, ...reset },
  });
  expect(response.status()).toBe(200);
  return response.json();
}

export async function simState(request: APIRequestContext): Promise<SimState> {
  const response = await request.get("/_sim/state");
  expect(response.status()).toBe(200);
  return response.json();
}

/** Places an order through the API itself (as another device would) and
 * waits until the stand-in has moved it to `status`. */
export async function orderUntil(request: APIRequestContext, status: string): Promise<void> {
  expect((await request.post("/services/cards/make_mcard_order")).status()).toBe(200);
  await expect.poll(async () => (await simState(request)).orders[0]?.status).toBe(status);
}

/** What the widget reads: `services/cards/mcard` with every field. */
export async function mcard(request: APIRequestContext) {
  const response = await request.get("/services/cards/mcard", {
    params: { fields: "why_cannot_order|planned_expiration_date|why_cannot_revoke|orders" },
  });
  expect(response.status()).toBe(200);
  return response.json();
}

/** "2025-10-31" as the instruction writes it: "31.10.2025". */
export function plDate(isoDate: string): string {
  const [y, m, d] = isoDate.split("-");
  return `${Number(d)}.${m}.${y}`;
}

/** "2025-09-03 22:18:00" as the instruction writes it: "3.09.2025, 22:18". */
export function plDateTime(usos: string): string {
  const [date, time] = usos.split(" ");
  const [h, min] = time.split(":");
  return `${plDate(date)}, ${Number(h)}:${min}`;
}

/** Replaces the faults in force; `[]` clears them. */
export async function setFaults(request: APIRequestContext, faults: string[]): Promise<void> {
  const response = await request.post("/_sim/faults", { data: { faults } });
  expect(response.status()).toBe(200);
}
