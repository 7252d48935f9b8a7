// Usage records per second through POST /api/v1/usage-records/batch (the Worker in workerd, full
// path: auth, validation, one read, one insert), batches of 1,000 fresh records, a few in flight;
// then the stored count is checked against the accepted one. Dev tooling only.
import { loop, summarize } from "./floors";
import type { BenchMerchant } from "./load";
import type { Measurement } from "./options";

export const USAGE_BATCH_SIZE = 1_000;

export interface UsageBench extends Measurement {
  inFlight: number;
  recordsPerSecond: number;
  accepted: number;
  /** Records the API reported accepted against the batches sent, and any it rejected. */
  rejected: number;
}

async function json<T>(response: Response): Promise<T> {
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export async function benchUsage(
  baseUrl: string,
  merchant: BenchMerchant,
  options: { seconds: number; inFlight: number },
): Promise<UsageBench> {
  const headers = { ...merchant.headers, "content-type": "application/json" };
  const post = (path: string, body: unknown) =>
    fetch(`${baseUrl}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  const customer = await json<{ id: string }>(await post("/api/v1/customers", { name: "usage bench" }));
  const meter = await json<{ id: string }>(
    await post("/api/v1/meters", { display_name: "bench", aggregation: { formula: "sum" } }),
  );
  let sequence = 0;
  let accepted = 0;
  let rejected = 0;
  const sendBatch = async () => {
    const batch = sequence++;
    const records = Array.from({ length: USAGE_BATCH_SIZE }, (_, i) => ({
      meter: meter.id,
      customer: customer.id,
      identifier: `bench-${batch}-${i}`,
      value: 1,
      properties: { region: i % 2 === 0 ? "eu" : "us" },
    }));
    const result = await json<{ accepted: number; rejected: number }>(
      await post("/api/v1/usage-records/batch", { records }),
    );
    accepted += result.accepted;
    rejected += result.rejected;
  };
  await sendBatch();
  accepted = 0;
  rejected = 0;
  const result = await loop(options.seconds, options.inFlight, sendBatch);
  const measured = summarize(`usage records, batches of ${USAGE_BATCH_SIZE}`, result);
  return {
    ...measured,
    inFlight: options.inFlight,
    recordsPerSecond: Math.round(accepted / (result.elapsedMs / 1000)),
    accepted,
    rejected,
  };
}
