import { and, asc, eq, gte, inArray, lte, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/neon-serverless";
import type { ServiceContext } from "../../core/context";
import type { Executor } from "../../core/db";
import { notFound } from "../../core/errors";
import type { LedgerTransactionStatus, LedgerTransactionType } from "../../core/ledger";
import {
  type LedgerEntryRow,
  type LedgerTransactionRow,
  ledgerAccounts,
  ledgerEntries,
  ledgerTransactions,
} from "../../core/ledger/tables";
import { formatAmount } from "../../core/money";
import { type ListPage, paginateTable } from "../../core/pagination";
import type { StatusDocument } from "../../core/status";
import { tenantRow, tenantScope } from "../../core/tenancy";
import type { ExportTransactionsQuery, ListTransactionsQuery, Transaction } from "./schemas";

type Filters = Omit<ExportTransactionsQuery, "format">;

const merchantAccountNames: Record<string, string> = {
  merchant_available: "available",
  merchant_pending: "pending",
  merchant_reserved: "reserved",
};

/** The merchant's own accounts by their balance name; the platform's by their kind. */
function accountName(kind: string): string {
  return merchantAccountNames[kind] ?? kind;
}

interface EntryView {
  transactionId: string;
  account: string;
  amount: number;
  currency: string;
}

function toTransaction(row: LedgerTransactionRow, entries: EntryView[]): Transaction {
  return {
    id: row.id,
    object: "transaction",
    environment: row.environment,
    type: row.type as LedgerTransactionType,
    status: row.status as LedgerTransactionStatus,
    amount: row.amount,
    currency: row.currency,
    source_object_id: row.sourceObjectId,
    description: row.description,
    entries: entries.map((entry) => ({
      account: entry.account,
      amount: entry.amount,
      currency: entry.currency,
    })),
    created_at: row.createdAt.toISOString(),
  };
}

function filtered(ctx: ServiceContext, filters: Filters): SQL[] {
  const conditions = tenantScope(ledgerTransactions, ctx);
  if (filters.type) conditions.push(eq(ledgerTransactions.type, filters.type));
  if (filters.status) conditions.push(eq(ledgerTransactions.status, filters.status));
  if (filters.source_object_id)
    conditions.push(eq(ledgerTransactions.sourceObjectId, filters.source_object_id));
  if (filters.currency) {
    conditions.push(
      sql`exists (select 1 from ${ledgerEntries} where ${ledgerEntries.transactionId} = ${ledgerTransactions.id} and ${ledgerEntries.currency} = ${filters.currency})`,
    );
  }
  return conditions;
}

/** The entries of these transactions, in order, with their account's API name. */
async function entriesOf(
  { ids, currency }: { ids: string[]; currency?: string },
  db: Executor,
): Promise<Map<string, EntryView[]>> {
  const byTransaction = new Map<string, EntryView[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return byTransaction;
  const rows = await db
    .select({ entry: ledgerEntries, kind: ledgerAccounts.kind })
    .from(ledgerEntries)
    .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
    .where(
      and(
        inArray(ledgerEntries.transactionId, ids),
        currency === undefined ? undefined : eq(ledgerEntries.currency, currency),
      ),
    )
    .orderBy(asc(ledgerEntries.transactionId), asc(ledgerEntries.position));
  for (const { entry, kind } of rows) byTransaction.get(entry.transactionId)?.push(view(entry, kind));
  return byTransaction;
}

function view(entry: LedgerEntryRow, kind: string): EntryView {
  return {
    transactionId: entry.transactionId,
    account: accountName(kind),
    amount: entry.amount,
    currency: entry.currency,
  };
}

export async function listTransactions({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListTransactionsQuery;
}): Promise<ListPage<Transaction>> {
  const { db } = ctx.services;
  const page = await paginateTable({
    db,
    table: ledgerTransactions,
    scope: filtered(ctx, query),
    tenantScope: tenantScope(ledgerTransactions, ctx),
    query,
  });
  const entries = await entriesOf({ ids: page.data.map((row) => row.id) }, db);
  return {
    data: page.data.map((row) => toTransaction(row, entries.get(row.id) ?? [])),
    hasMore: page.hasMore,
  };
}

async function findTransaction(ctx: ServiceContext, id: string): Promise<LedgerTransactionRow | undefined> {
  const [row] = await ctx.services.db
    .select()
    .from(ledgerTransactions)
    .where(tenantRow(ledgerTransactions, ctx, id))
    .limit(1);
  return row;
}

export async function retrieveTransaction({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<Transaction> {
  const row = await findTransaction(ctx, id);
  if (!row) throw notFound("transaction", id);
  const entries = await entriesOf({ ids: [row.id] }, ctx.services.db);
  return toTransaction(row, entries.get(row.id) ?? []);
}

/** A ledger transaction never changes, so its polling document has a single step. */
export async function transactionStatus({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<StatusDocument | undefined> {
  const row = await findTransaction(ctx, id);
  if (!row) return undefined;
  const at = row.createdAt.toISOString();
  return {
    id: row.id,
    object: "transaction",
    status: row.status,
    amount: row.amount,
    currency: row.currency,
    updated_at: at,
    timeline: [{ status: row.status, at }],
  };
}

const CSV_COLUMNS = [
  "transaction_id",
  "created_at",
  "type",
  "status",
  "source_object_id",
  "description",
  "account",
  "amount",
  "currency",
  "amount_decimal",
];

/** Transactions per database round trip while exporting. */
const EXPORT_CHUNK = 500;

/** RFC 4180 quoting; text that a spreadsheet would run as a formula is defused with a quote mark. */
export function csvField(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvRows(rows: LedgerTransactionRow[], entries: Map<string, EntryView[]>): string {
  let out = "";
  for (const row of rows) {
    for (const entry of entries.get(row.id) ?? []) {
      out += `${[
        csvField(row.id),
        csvField(row.createdAt.toISOString()),
        csvField(row.type),
        csvField(row.status),
        csvField(row.sourceObjectId),
        csvField(row.description),
        csvField(entry.account),
        csvField(entry.amount),
        csvField(entry.currency),
        formatAmount(entry.amount, entry.currency),
      ].join(",")}\r\n`;
    }
  }
  return out;
}

/**
 * Streams the filtered transactions as CSV, one row per entry, oldest first. It pages through
 * the database in keyset chunks on its own connection, inside one read-only repeatable-read
 * transaction so the file is a consistent snapshot, and only fetches the next chunk when the
 * client has taken the previous one: memory stays at one chunk whatever the file's size.
 */
export async function exportTransactionsCsv({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: Filters;
}): Promise<ReadableStream<Uint8Array>> {
  const conditions = filtered(ctx, query);
  if (query.created_gte) conditions.push(gte(ledgerTransactions.createdAt, new Date(query.created_gte)));
  if (query.created_lte) conditions.push(lte(ledgerTransactions.createdAt, new Date(query.created_lte)));
  // A connection of its own: the request's pool is closed as soon as the handler returns.
  const client = await ctx.services.connect();
  const db = drizzle({ client });
  let released = false;
  const release = (destroy: boolean) => {
    if (released) return;
    released = true;
    client.release(destroy);
  };
  const encoder = new TextEncoder();
  let cursor: string | undefined;
  let begun = false;

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!begun) {
          begun = true;
          await db.execute(sql`begin isolation level repeatable read read only`);
          controller.enqueue(encoder.encode(`${CSV_COLUMNS.join(",")}\r\n`));
          return;
        }
        // Compared with the stored row, not a JS Date: timestamps may carry microseconds.
        const after = cursor
          ? sql`(${ledgerTransactions.createdAt}, ${ledgerTransactions.id}) > (select t.created_at, t.id from ${ledgerTransactions} t where t.id = ${cursor})`
          : undefined;
        const rows = await db
          .select()
          .from(ledgerTransactions)
          .where(and(...conditions, after))
          .orderBy(asc(ledgerTransactions.createdAt), asc(ledgerTransactions.id))
          .limit(EXPORT_CHUNK);
        const last = rows.at(-1);
        if (!last) {
          await db.execute(sql`commit`);
          release(false);
          controller.close();
          return;
        }
        cursor = last.id;
        const entries = await entriesOf({ ids: rows.map((row) => row.id), currency: query.currency }, db);
        controller.enqueue(encoder.encode(csvRows(rows, entries)));
      } catch (error) {
        release(true);
        controller.error(error);
      }
    },
    cancel() {
      // The client went away mid-file: drop the connection with its open transaction.
      release(true);
    },
  });
}
