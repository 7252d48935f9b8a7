import { and, eq, type SQL, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { ServiceContext } from "./context";

/** A table whose rows belong to one merchant in one environment. */
export interface TenantTable {
  merchantId: PgColumn;
  environment: PgColumn;
}

export type Tenant = Pick<ServiceContext, "merchantId" | "environment">;

/** The conditions every query on a tenant table carries: this merchant, this environment. */
export function tenantScope(table: TenantTable, tenant: Tenant): SQL[] {
  return [eq(table.merchantId, tenant.merchantId), eq(table.environment, tenant.environment)];
}

/** One object by id (none for null: idIs), within the tenant's scope. */
export function tenantRow(table: TenantTable & { id: PgColumn }, tenant: Tenant, id: string | null): SQL {
  return and(idIs(table.id, id), ...tenantScope(table, tenant)) as SQL;
}

/**
 * `column = id`, or, for an optional reference the request left out (null), a condition PostgreSQL folds
 * to false when planning, so a read batch keeps its shape and that lookup reads nothing. An id no row has
 * (such as "") would still be looked up, and while a table's statistics lag its growth the planner may
 * walk the tenant's whole index for it.
 */
export function idIs(column: PgColumn, id: string | null): SQL {
  return id === null ? sql`false` : eq(column, id);
}

/**
 * A background run's optional merchant filter (`{"merchant": …}` in its payload): that merchant's
 * rows, or no condition at all (drizzle's `and` drops undefined) when the run is for everyone.
 */
export function onlyMerchant(
  table: Pick<TenantTable, "merchantId">,
  merchantId: string | undefined,
): SQL | undefined {
  return merchantId === undefined ? undefined : eq(table.merchantId, merchantId);
}

/**
 * The one row an insert or an update by primary key returned. None means a bug (the row was just
 * read or written in the same transaction), so this is an internal error, not an API error.
 */
export function exactlyOne<Row>(rows: readonly Row[]): Row {
  const [row] = rows;
  if (row === undefined || rows.length > 1) throw new Error(`expected exactly one row, got ${rows.length}`);
  return row;
}
