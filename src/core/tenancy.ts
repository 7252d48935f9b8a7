import { and, eq, type SQL } from "drizzle-orm";
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

/** One object by id, within the tenant's scope. */
export function tenantRow(table: TenantTable & { id: PgColumn }, tenant: Tenant, id: string): SQL {
  return and(eq(table.id, id), ...tenantScope(table, tenant)) as SQL;
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
