import { and, asc, lt, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { runBatch } from "../../core/batch";
import type { ServiceContext, Services } from "../../core/context";
import { notFound } from "../../core/errors";
import { changeStatement } from "../../core/events";
import { newId } from "../../core/ids";
import { type ListPage, paginateTable } from "../../core/pagination";
import { onlyMerchant, tenantRow, tenantScope } from "../../core/tenancy";
import { readTestClock, requireSandbox, TEST_CLOCK_LIFETIME_MS, testClockQuery, toTestClock } from "./rows";
import type { CreateTestClockInput, ListTestClocksQuery, TestClock } from "./schemas";
import { type TestClockRow, testClocks } from "./tables";

/**
 * The test clocks module's door. A clock is the one time abstraction of sandbox objects: other
 * areas read an attached object's time with `testClockQuery`/`testClockTime`, and run their
 * background work for a clock through a `TestClockHook` (see advance.ts and functions/test-clock-hooks.ts).
 */
export {
  advanceTestClock,
  claimTestClockForDeletion,
  type TestClockHook,
  type TestClockRef,
} from "./advance";
export { readTestClock, requireSandbox, TEST_CLOCK_LIFETIME_MS, testClockQuery, toTestClock } from "./rows";

/** The time of an object attached to `clockId`, or the services clock's when it has none. */
export async function testClockTime(ctx: ServiceContext, clockId: string | null): Promise<Date> {
  if (clockId === null) return ctx.services.clock.now();
  const [row] = await testClockQuery(ctx, clockId);
  if (!row) throw notFound("test clock", clockId, "test_clock");
  return row.frozenTime;
}

/**
 * The frozen time of the clock a column names (null for none), as a scalar subquery for another
 * module's select: its objects' times are read in the same query as the objects.
 */
export function frozenTimeOf(clockId: AnyPgColumn) {
  return sql<Date | null>`(select ${testClocks.frozenTime} from ${testClocks} where ${testClocks.id} = ${clockId})`.mapWith(
    testClocks.frozenTime,
  );
}

export async function createTestClock({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateTestClockInput;
}): Promise<TestClock> {
  requireSandbox(ctx);
  const now = ctx.services.clock.now();
  const row: TestClockRow = {
    id: newId("testClock"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    name: input.name ?? null,
    frozenTime: new Date(input.frozen_time),
    status: "ready",
    metadata: input.metadata ?? {},
    createdAt: now,
    updatedAt: now,
  };
  const clock = toTestClock(row);
  const { db } = ctx.services;
  await runBatch(
    ctx.services,
    [
      db.insert(testClocks).values(row),
      db.execute(changeStatement(ctx, { type: "test_clock.created", object: clock })),
    ],
    { response: clock },
  );
  return clock;
}

export async function retrieveTestClock({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<TestClock> {
  return toTestClock(await readTestClock(ctx, id));
}

export async function listTestClocks({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListTestClocksQuery;
}): Promise<ListPage<TestClock>> {
  requireSandbox(ctx);
  const page = await paginateTable({
    db: ctx.services.db,
    table: testClocks,
    scope: tenantScope(testClocks, ctx),
    tenantScope: tenantScope(testClocks, ctx),
    query,
  });
  return { data: page.data.map(toTestClock), hasMore: page.hasMore };
}

/**
 * Deletes the clock itself (test_clock.deleted). Its objects go first, through the areas that own
 * them (subscriptions' deleteClockObjects), while they can still read the clock's time.
 */
export async function deleteTestClock({ ctx, id }: { ctx: ServiceContext; id: string }) {
  const row = await readTestClock(ctx, id);
  const { db } = ctx.services;
  await runBatch(ctx.services, [
    db.delete(testClocks).where(tenantRow(testClocks, ctx, id)),
    db.execute(changeStatement(ctx, { type: "test_clock.deleted", object: toTestClock(row) })),
  ]);
  return { id, object: "test_clock" as const, deleted: true as const };
}

/** Clocks created more than seven days ago (the test-clocks-prune function deletes them with their objects). */
export async function expiredTestClocks(
  services: Services,
  { limit, merchantId }: { limit: number; merchantId?: string | undefined },
): Promise<TestClockRow[]> {
  const cutoff = new Date(services.clock.now().getTime() - TEST_CLOCK_LIFETIME_MS);
  return services.db
    .select()
    .from(testClocks)
    .where(and(lt(testClocks.createdAt, cutoff), onlyMerchant(testClocks, merchantId)))
    .orderBy(asc(testClocks.createdAt))
    .limit(limit);
}
