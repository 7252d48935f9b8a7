import type { FeeSchedule } from "./types";

/** Percentage rounded up to the minor unit, plus the fixed part; exact integer arithmetic. */
export function estimateFee(schedule: FeeSchedule, method: string, currency: string, amount: number): number {
  const bps = BigInt(schedule.methodBps?.[method] ?? schedule.percentBps);
  const percent = (BigInt(amount) * bps + 9999n) / 10000n;
  const fixed = BigInt(schedule.fixed[currency] ?? schedule.defaultFixed);
  const fee = percent + fixed;
  return Number(fee > BigInt(amount) ? BigInt(amount) : fee);
}
