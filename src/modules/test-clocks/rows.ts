import type { ServiceContext } from "../../core/context";
import { ApiError, notFound } from "../../core/errors";
import { tenantRow } from "../../core/tenancy";
import type { TestClock } from "./schemas";
import { type TestClockRow, testClocks } from "./tables";

/** Clocks (with their objects' attachment) are deleted this long after their creation. */
export const TEST_CLOCK_LIFETIME_MS = 7 * 86_400_000;

export function toTestClock(row: TestClockRow): TestClock {
  return {
    id: row.id,
    object: "test_clock",
    environment: row.environment,
    name: row.name,
    frozen_time: row.frozenTime.toISOString(),
    status: row.status,
    deletes_after: new Date(row.createdAt.getTime() + TEST_CLOCK_LIFETIME_MS).toISOString(),
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** Test clocks exist in sandbox only; production answers 403 sandbox_only. */
export function requireSandbox(ctx: ServiceContext): void {
  if (ctx.environment !== "sandbox") {
    throw new ApiError("sandbox_only", { message: "Test clocks exist in sandbox only." });
  }
}

export function testClockQuery(ctx: ServiceContext, id: string) {
  return ctx.services.db
    .select()
    .from(testClocks)
    .where(tenantRow(testClocks, ctx, id))
    .limit(1);
}

/** A clock of this account; in production none exists, so any id is a 404 as for another account's. */
export async function readTestClock(ctx: ServiceContext, id: string, param = "id"): Promise<TestClockRow> {
  const [row] = await testClockQuery(ctx, id);
  if (!row) throw notFound("test clock", id, param);
  return row;
}
