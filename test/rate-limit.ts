import { inject } from "vitest";

/**
 * The rate limiter (@upstash/ratelimit's sliding window) keys its windows by
 * floor(now / window): every window starts at a wall-clock multiple of its length. A burst that
 * straddles an edge counts only part of the previous window's requests, so more than the limit
 * gets through, by the luck of the scheduler. Two things rule that out:
 * - the test stack stretches every window (RATE_LIMIT_WINDOW_SCALE), so a one-second window lasts
 *   an hour and an edge comes once an hour instead of once a second;
 * - a test about to fire a burst first makes sure the next edge is further away than any burst can
 *   take (EDGE_MARGIN_MS), waiting for the edge to pass when it is not; that wait happens in
 *   EDGE_MARGIN_MS / window of the runs (under 1% for an hour) and lasts at most EDGE_MARGIN_MS.
 * workerd and this process read the same system clock.
 */
export const EDGE_MARGIN_MS = 20_000;

/** A rate-limit window of the Worker under test, as the test stack stretches it. */
export function workerWindowMs(windowSeconds: number): number {
  return windowSeconds * Number(inject("workerEnv").RATE_LIMIT_WINDOW_SCALE ?? "1") * 1000;
}

/** Returns when at least EDGE_MARGIN_MS remain before the next edge of a window of windowMs. */
export async function clearOfWindowEdge(windowMs: number): Promise<void> {
  const untilEdge = windowMs - (Date.now() % windowMs);
  if (untilEdge < EDGE_MARGIN_MS) await new Promise((resolve) => setTimeout(resolve, untilEdge + 100));
}
