import { and, asc, eq, sql } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import { notFound } from "../../core/errors";
import { type ListPage, paginateTable } from "../../core/pagination";
import { tenantRow, tenantScope } from "../../core/tenancy";
import { csvField } from "../transactions/service";
import { toSettlement, toSettlementItem } from "./rows";
import type { ListSettlementItemsQuery, ListSettlementsQuery, Settlement, SettlementItem } from "./schemas";
import { type SettlementRow, settlementItems, settlements } from "./tables";

async function loadSettlement(ctx: ServiceContext, id: string): Promise<SettlementRow> {
  const [row] = await ctx.services.db
    .select()
    .from(settlements)
    .where(tenantRow(settlements, ctx, id))
    .limit(1);
  if (!row) throw notFound("settlement", id);
  return row;
}

export async function retrieveSettlement({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<Settlement> {
  return toSettlement(await loadSettlement(ctx, id));
}

export async function listSettlements({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListSettlementsQuery;
}): Promise<ListPage<Settlement>> {
  const scope = tenantScope(settlements, ctx);
  const filters = query.currency ? [eq(settlements.currency, query.currency)] : [];
  const page = await paginateTable({
    db: ctx.services.db,
    table: settlements,
    scope: [...scope, ...filters],
    tenantScope: scope,
    query,
  });
  return { data: page.data.map(toSettlement), hasMore: page.hasMore };
}

/** The balance transactions a settlement released, newest first like every list. */
export async function listSettlementItems({
  ctx,
  id,
  query,
}: {
  ctx: ServiceContext;
  id: string;
  query: ListSettlementItemsQuery;
}): Promise<ListPage<SettlementItem>> {
  await loadSettlement(ctx, id);
  const scope = [...tenantScope(settlementItems, ctx), eq(settlementItems.settlementId, id)];
  const page = await paginateTable({
    db: ctx.services.db,
    table: settlementItems,
    scope,
    tenantScope: scope,
    query,
  });
  return { data: page.data.map(toSettlementItem), hasMore: page.hasMore };
}

export const settlementCsvColumns = [
  "balance_transaction_id",
  "gross",
  "fee",
  "net",
  "reporting_category",
  "source_id",
  "available_on",
  "currency",
  "created",
];

/** Items per database round trip while exporting: memory stays at one page whatever the file's size. */
const EXPORT_PAGE = 2_000;

function csvLines(rows: (typeof settlementItems.$inferSelect)[]): string {
  let out = "";
  for (const row of rows) {
    out += `${[
      csvField(row.id),
      csvField(row.gross),
      csvField(row.fee),
      csvField(row.net),
      csvField(row.reportingCategory),
      csvField(row.sourceId),
      csvField(row.availableOn.toISOString()),
      csvField(row.currency),
      csvField(row.createdAt.toISOString()),
    ].join(",")}\r\n`;
  }
  return out;
}

/**
 * The settlement's items as CSV, oldest first, for reconciliation tools: RFC 4180 quoting and
 * formula-injection guard from the transactions export. Streamed in keyset pages, each read only
 * when the client has taken the previous one: a large merchant's settlement (100,000 items, 14 MB)
 * never sits whole in the Worker's memory. No snapshot transaction is needed, unlike the
 * transactions export: a settlement's items are written once, with the settlement, and never change.
 */
export async function exportSettlementCsv({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<ReadableStream<Uint8Array>> {
  await loadSettlement(ctx, id);
  const { db } = ctx.services;
  const scope = [...tenantScope(settlementItems, ctx), eq(settlementItems.settlementId, id)];
  const encoder = new TextEncoder();
  let cursor: string | undefined;
  let begun = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!begun) {
        begun = true;
        controller.enqueue(encoder.encode(`${settlementCsvColumns.join(",")}\r\n`));
        return;
      }
      // Compared with the stored row, not a JS Date: timestamps may carry microseconds.
      const after = cursor
        ? sql`(${settlementItems.createdAt}, ${settlementItems.id}) > (select i.created_at, i.id from ${settlementItems} i where i.id = ${cursor})`
        : undefined;
      const rows = await db
        .select()
        .from(settlementItems)
        .where(and(...scope, after))
        .orderBy(asc(settlementItems.createdAt), asc(settlementItems.id))
        .limit(EXPORT_PAGE);
      const last = rows.at(-1);
      if (last) {
        cursor = last.id;
        controller.enqueue(encoder.encode(csvLines(rows)));
      }
      if (rows.length < EXPORT_PAGE) controller.close();
    },
  });
}
