import { inject } from "vitest";
import type { ApiResponse } from "./harness";

export interface Counted {
  db_http: number;
  db_ws: number;
  redis: number;
}

/** Round trips the request made before it answered, counted by the local adapters under its id. */
export async function roundTripsOf(response: ApiResponse): Promise<Counted> {
  const trace = response.headers.get("x-request-id");
  if (!trace) throw new Error(`no X-Request-Id: ${response.text}`);
  return roundTripsUnder(trace);
}

/** Round trips the local adapters counted under `trace` (a request id, or services' own requestId). */
export async function roundTripsUnder(trace: string): Promise<Counted> {
  const stats = await fetch(`${inject("workerEnv").LOCAL_STACK_STATS_URL}/roundtrips?trace=${trace}`);
  const counted = (await stats.json()) as Counted;
  return { db_http: counted.db_http, db_ws: counted.db_ws, redis: counted.redis };
}

export const cardPayment = (amount = 1_000) => ({
  amount,
  currency: "USD",
  payment_method_data: {
    type: "card",
    card: { number: "4242424242424242", exp_month: 12, exp_year: 2040, cvc: "123" },
  },
  confirm: true,
});
