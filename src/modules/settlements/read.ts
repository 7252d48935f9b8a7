import { and, asc, eq } from "drizzle-orm";
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

/**
 * The settlement's items as CSV, oldest first, for reconciliation tools: RFC 4180 quoting and
 * formula-injection guard from the transactions export. One read: a settlement holds the items of
 * one period of one merchant and currency.
 */
export async function exportSettlementCsv({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<string> {
  await loadSettlement(ctx, id);
  const rows = await ctx.services.db
    .select()
    .from(settlementItems)
    .where(and(...tenantScope(settlementItems, ctx), eq(settlementItems.settlementId, id)))
    .orderBy(asc(settlementItems.createdAt), asc(settlementItems.id));
  const lines = rows.map((row) =>
    [
      csvField(row.id),
      csvField(row.gross),
      csvField(row.fee),
      csvField(row.net),
      csvField(row.reportingCategory),
      csvField(row.sourceId),
      csvField(row.availableOn.toISOString()),
      csvField(row.currency),
      csvField(row.createdAt.toISOString()),
    ].join(","),
  );
  return `${[settlementCsvColumns.join(","), ...lines].join("\r\n")}\r\n`;
}
