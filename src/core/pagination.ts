import { z } from "@hono/zod-openapi";
import { and, asc, desc, eq, gt, gte, lt, lte, or, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
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
 * Newest-first cursor pagination on (created_at, id). The cursor object must match the same
 * scope, so a cursor from another merchant or environment is refused rather than revealing anything.
 */
export async function paginate<Row>(options: {
  db: Executor;
  columns: PageColumns;
  scope: SQL[];
  query: ListQuery;
  select: (where: SQL | undefined, orderBy: SQL[], limit: number) => Promise<Row[]>;
  findCursor: (id: string, scope: SQL | undefined) => Promise<{ createdAt: Date } | undefined>;
}): Promise<ListPage<Row>> {
  const { columns, query } = options;
  const conditions = [...options.scope];
  if (query.created_gte) conditions.push(gte(columns.createdAt, new Date(query.created_gte)));
  if (query.created_lte) conditions.push(lte(columns.createdAt, new Date(query.created_lte)));
  const scope = and(...options.scope);
  const cursorId = query.starting_after ?? query.ending_before;
  const backwards = query.starting_after === undefined && query.ending_before !== undefined;
  if (cursorId !== undefined) {
    const cursor = await options.findCursor(cursorId, scope);
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
