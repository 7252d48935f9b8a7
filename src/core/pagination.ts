import { z } from "@hono/zod-openapi";
import { and, asc, desc, eq, gt, gte, lt, lte, or, type SQL } from "drizzle-orm";
import type { AnyPgColumn, PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Executor } from "./db";
import { ApiError } from "./errors";

export const listQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .openapi({ description: "1 to 100, default 20." }),
  starting_after: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({ description: "An object id: the page after it." }),
  ending_before: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({ description: "An object id: the page before it." }),
  created_gte: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: "ISO 8601; created at or after." }),
  created_lte: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: "ISO 8601; created at or before." }),
});

export type ListQuery = z.infer<typeof listQuerySchema>;

export function listSchema<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({ object: z.literal("list"), data: z.array(item), has_more: z.boolean(), url: z.string() })
    .openapi(name);
}

export interface ListPage<Row> {
  data: Row[];
  hasMore: boolean;
}

interface PageColumns {
  id: PgColumn;
  createdAt: PgColumn;
}

/**
 * Newest-first cursor pagination on (created_at, id), for any select (joins included). The cursor
 * object must match the caller's scope, so a cursor from another merchant or environment is
 * refused rather than revealing anything.
 */
export async function paginate<Row>(options: {
  columns: PageColumns;
  scope: SQL[];
  query: ListQuery;
  select: (where: SQL | undefined, orderBy: SQL[], limit: number) => Promise<Row[]>;
  findCursor: (id: string) => Promise<{ createdAt: Date } | undefined>;
}): Promise<ListPage<Row>> {
  const { columns, query } = options;
  const conditions = [...options.scope];
  if (query.created_gte) conditions.push(gte(columns.createdAt, new Date(query.created_gte)));
  if (query.created_lte) conditions.push(lte(columns.createdAt, new Date(query.created_lte)));
  const cursorId = query.starting_after ?? query.ending_before;
  const backwards = query.starting_after === undefined && query.ending_before !== undefined;
  if (cursorId !== undefined) {
    const cursor = await options.findCursor(cursorId);
    if (!cursor)
      throw new ApiError("cursor_invalid", { param: backwards ? "ending_before" : "starting_after" });
    const compare = backwards ? gt : lt;
    const tieBreak = or(
      compare(columns.createdAt, cursor.createdAt),
      and(eq(columns.createdAt, cursor.createdAt), compare(columns.id, cursorId)),
    );
    if (tieBreak) conditions.push(tieBreak);
  }
  const orderBy = backwards
    ? [asc(columns.createdAt), asc(columns.id)]
    : [desc(columns.createdAt), desc(columns.id)];
  const rows = await options.select(and(...conditions), orderBy, query.limit + 1);
  const hasMore = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  return { data: backwards ? page.reverse() : page, hasMore };
}

/** A tenant table that pages by its text `id` and `created_at` timestamp. */
type PageTable = PgTable & {
  id: AnyPgColumn<{ data: string }>;
  createdAt: AnyPgColumn<{ data: Date; notNull: true }>;
};

/**
 * `paginate` over whole rows of one table. `scope` is merchant + environment plus any filters;
 * the cursor is looked up under `tenantScope` alone, so a cursor outside the current filters still
 * works, but one from another tenant is `cursor_invalid`.
 */
export function paginateTable<Table extends PageTable>(options: {
  db: Executor;
  table: Table;
  scope: SQL[];
  tenantScope: SQL[];
  query: ListQuery;
}): Promise<ListPage<Table["$inferSelect"]>> {
  const { db, table, tenantScope } = options;
  // drizzle's `from()` can't check a still-generic table; any concrete PgTable is fine here.
  const source: PgTable = table;
  return paginate({
    columns: table,
    scope: options.scope,
    query: options.query,
    // The one cast: select() of a whole table yields exactly its $inferSelect rows, which drizzle
    // only resolves for a concrete table.
    select: (where, orderBy, limit) =>
      db
        .select()
        .from(source)
        .where(where)
        .orderBy(...orderBy)
        .limit(limit) as Promise<Table["$inferSelect"][]>,
    findCursor: async (cursorId) => {
      const [cursor] = await db
        .select({ createdAt: table.createdAt })
        .from(source)
        .where(and(eq(table.id, cursorId), ...tenantScope))
        .limit(1);
      return cursor;
    },
  });
}
