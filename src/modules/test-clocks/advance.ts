import { and, eq, lt, or, sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext, Services } from "../../core/context";
import { ApiError } from "../../core/errors";
import { gatedChangeMembers } from "../../core/events";
import type { Environment } from "../../core/tables";
import { tenantRow } from "../../core/tenancy";
import { readTestClock, toTestClock } from "./rows";
import type { AdvanceTestClockInput, TestClock } from "./schemas";
import { type TestClockRow, testClocks } from "./tables";

export interface TestClockRef {
  id: string;
  merchantId: string;
  environment: Environment;
}

/**
 * One area's background work for the objects of one clock. `run` does what is due at `at` (its
 * services' clock says `at`) and answers when that area next has work for the clock, or null.
 * Hooks run in the order of the list, at every time one of them asked for, so that a renewal at
 * 10:00 happens before a dunning retry at 11:00 even when the clock jumps over both.
 */
export interface TestClockHook {
  name: string;
  run(services: Services, clock: TestClockRef, at: Date): Promise<Date | null>;
  /**
   * The hook's services keep the real clock (`at` is still the clock's time): for work that leaves
   * MagnetPay, such as a signed webhook whose timestamp a receiver checks against its own clock.
   */
  realTime?: boolean;
  /** The furthest one advance may move the clock from `from` for this area's objects; null: no limit. */
  furthestAdvance?(services: Services, clock: TestClockRef, from: Date): Promise<Date | null>;
}

/** An advance that died (the Worker was killed) stops blocking the clock after this long. */
const ADVANCING_STALE_MS = 5 * 60 * 1000;
/** A clock's advance runs the hooks at most this many times (one per due time it passes). */
const MAX_STEPS = 400;

function clockServices(services: Services, at: Date): Services {
  return { ...services, clock: { now: () => at }, idempotency: undefined };
}

async function setStatus(
  ctx: ServiceContext,
  before: TestClockRow,
  after: TestClockRow,
  condition: ReturnType<typeof and>,
): Promise<void> {
  const { db } = ctx.services;
  const update = db
    .update(testClocks)
    .set({ status: after.status, frozenTime: after.frozenTime, updatedAt: after.updatedAt })
    .where(and(tenantRow(testClocks, ctx, before.id), condition))
    .returning({ id: testClocks.id });
  const change = {
    type: after.status === "ready" ? "test_clock.ready" : "test_clock.advancing",
    object: toTestClock(after),
    previousAttributes: { status: before.status, frozen_time: before.frozenTime.toISOString() },
  };
  await runBatch(ctx.services, [
    db.execute(
      sql`with moved as ${update}, ${gatedChangeMembers(ctx, change, "moved", "change")}
        select billing_require(exists(select 1 from moved), ${"test_clock_advancing"})`,
    ),
  ]);
}

/**
 * ready (or an advance gone stale) → advancing, by compare-and-set on the clock as read: what holds
 * the clock (an advance, or a deletion taking its objects) refuses every other with 409
 * test_clock_advancing.
 */
async function claimTestClock(ctx: ServiceContext, before: TestClockRow): Promise<TestClockRow> {
  const realNow = ctx.services.clock.now();
  const stale = new Date(realNow.getTime() - ADVANCING_STALE_MS);
  const advancing: TestClockRow = { ...before, status: "advancing", updatedAt: realNow };
  try {
    await setStatus(
      ctx,
      before,
      advancing,
      and(
        eq(testClocks.frozenTime, before.frozenTime),
        or(eq(testClocks.status, "ready"), lt(testClocks.updatedAt, stale)),
      ),
    );
  } catch (error) {
    if (error instanceof Error && error.message.includes("test_clock_advancing")) {
      throw new ApiError("test_clock_advancing");
    }
    throw error;
  }
  return advancing;
}

/**
 * A deletion holds the clock as an advance does, before it deletes the clock's objects: an advance
 * under way refuses the deletion, and one that comes later is refused until the clock is gone.
 */
export async function claimTestClockForDeletion({ ctx, id }: { ctx: ServiceContext; id: string }) {
  await claimTestClock(ctx, await readTestClock(ctx, id));
}

/**
 * Moves the clock forward to `frozen_time`: the status is `advancing` while every hook runs at
 * each time it has work up to the target, in time order, then `ready` at the target. A failing
 * hook leaves the clock `ready` at the last time it fully reached, and the error is answered.
 */
export async function advanceTestClock({
  ctx,
  id,
  input,
  hooks,
}: {
  ctx: ServiceContext;
  id: string;
  input: AdvanceTestClockInput;
  hooks: readonly TestClockHook[];
}): Promise<TestClock> {
  const before = await readTestClock(ctx, id);
  const target = new Date(input.frozen_time);
  if (target.getTime() <= before.frozenTime.getTime()) {
    throw new ApiError("test_clock_time_invalid", {
      param: "frozen_time",
      message: `A test clock only moves forward: frozen_time must be after ${before.frozenTime.toISOString()}.`,
    });
  }
  const ref: TestClockRef = { id, merchantId: ctx.merchantId, environment: ctx.environment };
  for (const hook of hooks) {
    const furthest = await hook.furthestAdvance?.(ctx.services, ref, before.frozenTime);
    if (furthest && target.getTime() > furthest.getTime()) {
      throw new ApiError("test_clock_time_invalid", {
        param: "frozen_time",
        message: `One advance may move this clock to ${furthest.toISOString()} at most: two intervals of the shortest subscription on it (${hook.name}). Advance in steps.`,
      });
    }
  }
  const advancing = await claimTestClock(ctx, before);
  let reached = before.frozenTime;
  let failure: unknown = null;
  try {
    let at = before.frozenTime;
    for (let step = 0; ; step += 1) {
      if (step >= MAX_STEPS) throw new Error(`test clock ${id}: more than ${MAX_STEPS} steps`);
      let next: Date | null = null;
      for (const hook of hooks) {
        const services = hook.realTime
          ? { ...ctx.services, idempotency: undefined }
          : clockServices(ctx.services, at);
        const due = await hook.run(services, ref, at);
        if (due !== null && (next === null || due < next)) next = due;
      }
      reached = at;
      if (at.getTime() >= target.getTime()) break;
      at = next !== null && next < target ? new Date(Math.max(next.getTime(), at.getTime())) : target;
    }
  } catch (error) {
    failure = error;
  }
  const ready: TestClockRow = {
    ...before,
    status: "ready",
    frozenTime: reached,
    updatedAt: ctx.services.clock.now(),
  };
  await setStatus(ctx, advancing, ready, eq(testClocks.status, "advancing"));
  if (failure !== null) throw failure;
  return toTestClock(ready);
}
