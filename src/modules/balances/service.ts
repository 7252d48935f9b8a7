import { and, eq, inArray, type SQL } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import { type MerchantAccountKind, merchantAccounts } from "../../core/ledger";
import { ledgerAccounts, ledgerEntries, ledgerTransactions } from "../../core/ledger/tables";
import { type ListPage, paginate } from "../../core/pagination";
import { tenantScope } from "../../core/tenancy";
import type { Balance, BalanceChange, BalanceHistoryQuery, BalanceKind } from "./schemas";

const kindOf: Record<BalanceKind, MerchantAccountKind> = {
  available: "merchant_available",
  pending: "merchant_pending",
  reserved: "merchant_reserved",
};
function balanceKind(accountKind: string): BalanceKind {
  const kind = (Object.keys(kindOf) as BalanceKind[]).find((key) => kindOf[key] === accountKind);
  if (!kind) throw new Error(`Not a merchant balance account: ${accountKind}`);
  return kind;
}

function emptyBalance(ctx: ServiceContext, currency: string): Balance {
  return { object: "balance", environment: ctx.environment, currency, available: 0, pending: 0, reserved: 0 };
}

/** Read straight from the ledger accounts' running balances, so it is exact as of now. */
export async function listBalances({ ctx }: { ctx: ServiceContext }): Promise<Balance[]> {
  const accounts = await merchantAccounts({ owner: ctx }, ctx.services.db);
  const byCurrency = new Map<string, Balance>();
  for (const account of accounts) {
    const balance = byCurrency.get(account.currency) ?? emptyBalance(ctx, account.currency);
    balance[balanceKind(account.kind)] = account.balance;
    byCurrency.set(account.currency, balance);
  }
  return [...byCurrency.values()];
}

export async function retrieveBalance({ ctx, currency }: { ctx: ServiceContext; currency: string }) {
  const accounts = await merchantAccounts({ owner: ctx, currencies: [currency] }, ctx.services.db);
  const balance = emptyBalance(ctx, currency);
  for (const account of accounts) balance[balanceKind(account.kind)] = account.balance;
  return balance;
}

/** The entries on the merchant's own accounts in one currency: every posting that moved a balance. */
export async function listBalanceHistory({
  ctx,
  currency,
  query,
}: {
  ctx: ServiceContext;
  currency: string;
  query: BalanceHistoryQuery;
}): Promise<ListPage<BalanceChange>> {
  const { db } = ctx.services;
  const scope: SQL[] = [
    ...tenantScope(ledgerEntries, ctx),
    eq(ledgerEntries.currency, currency),
    inArray(ledgerAccounts.kind, query.balance ? [kindOf[query.balance]] : Object.values(kindOf)),
  ];
  const page = await paginate({
    columns: ledgerEntries,
    scope,
    query,
    select: (where, orderBy, limit) =>
      db
        .select({
          entry: ledgerEntries,
          kind: ledgerAccounts.kind,
          type: ledgerTransactions.type,
          sourceObjectId: ledgerTransactions.sourceObjectId,
          description: ledgerTransactions.description,
        })
        .from(ledgerEntries)
        .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
        .innerJoin(ledgerTransactions, eq(ledgerTransactions.id, ledgerEntries.transactionId))
        .where(where)
        .orderBy(...orderBy)
        .limit(limit),
    findCursor: async (cursorId) => {
      const [cursor] = await db
        .select({ createdAt: ledgerEntries.createdAt })
        .from(ledgerEntries)
        .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
        .where(and(eq(ledgerEntries.id, cursorId), ...scope))
        .limit(1);
      return cursor;
    },
  });
  return {
    data: page.data.map((row) => ({
      id: row.entry.id,
      object: "balance_change",
      environment: row.entry.environment,
      currency: row.entry.currency,
      balance: balanceKind(row.kind),
      amount: row.entry.amount,
      balance_after: row.entry.balanceAfter,
      transaction: row.entry.transactionId,
      type: row.type,
      source_object_id: row.sourceObjectId,
      description: row.description,
      created_at: row.entry.createdAt.toISOString(),
    })),
    hasMore: page.hasMore,
  };
}
