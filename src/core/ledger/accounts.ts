import { and, asc, eq, inArray, or } from "drizzle-orm";
import type { Executor } from "../db";
import { newId } from "../ids";
import type { Environment } from "../tables";
import { tenantScope } from "../tenancy";
import { LedgerError } from "./errors";
import { type LedgerAccountRow, ledgerAccounts } from "./tables";

/** The merchant's own funds. */
export const merchantAccountKinds = ["merchant_available", "merchant_pending", "merchant_reserved"] as const;
export type MerchantAccountKind = (typeof merchantAccountKinds)[number];

/** The platform's side of every movement: contra accounts that may go negative. */
export type SystemAccountKind =
  | "fees"
  | "funding_in_transit"
  | "payouts_in_transit"
  | "bank_transfers_in_transit"
  | "card_funding"
  | "crypto_custody"
  | "fx"
  | "fx_revenue"
  | `provider_clearing:${string}`;

/** An issued card's own balance (`card:ic_…`), funded from and unloaded to the merchant's available. */
export type CardAccountKind = `card:${string}`;

export type AccountKind = MerchantAccountKind | SystemAccountKind | CardAccountKind;

const SYSTEM_KINDS = new Set([
  "fees",
  "funding_in_transit",
  "payouts_in_transit",
  "bank_transfers_in_transit",
  "card_funding",
  "crypto_custody",
  "fx",
  "fx_revenue",
]);
const PROVIDER_CLEARING = /^provider_clearing:[a-z0-9_]{1,40}$/;
const CARD_ACCOUNT = /^card:ic_[0-9A-Za-z]{24}$/;

export function cardAccountKind(cardId: string): CardAccountKind {
  return `card:${cardId}`;
}

export function isAccountKind(kind: string): kind is AccountKind {
  return (
    (merchantAccountKinds as readonly string[]).includes(kind) ||
    SYSTEM_KINDS.has(kind) ||
    PROVIDER_CLEARING.test(kind) ||
    CARD_ACCOUNT.test(kind)
  );
}

/** The merchant's available and reserved funds and a card's balance never go below zero; the rest may. */
export function allowsNegative(kind: AccountKind): boolean {
  return kind !== "merchant_available" && kind !== "merchant_reserved" && !CARD_ACCOUNT.test(kind);
}

/** How an entry names its account: the posting's merchant and environment, plus these. */
export interface AccountRef {
  kind: AccountKind;
  currency: string;
}

export interface AccountOwner {
  merchantId: string;
  environment: Environment;
}

/** The key lockAccounts' map uses for an account. */
export function accountKey(ref: AccountRef): string {
  return `${ref.currency}|${ref.kind}`;
}

/**
 * Gets or creates the accounts, then locks them in id order so that any two transactions take
 * their locks in the same order and never deadlock. Creation is race-free: INSERT ... ON CONFLICT
 * DO NOTHING, then SELECT. A database transaction that posts several times should call this
 * first with the union of every posting's accounts, so that it never waits holding some of them.
 */
export async function lockAccounts(
  owner: AccountOwner,
  refs: AccountRef[],
  at: Date,
  tx: Executor,
): Promise<Map<string, LedgerAccountRow>> {
  const unique = new Map(refs.map((ref) => [accountKey(ref), ref]));
  for (const ref of unique.values()) {
    if (!isAccountKind(ref.kind))
      throw new LedgerError("invalid_posting", `Unknown account kind ${ref.kind}`);
  }
  const wanted = [...unique.values()];
  if (wanted.length === 0) return new Map();
  // Sorted so that concurrent creators insert the same keys in the same order.
  wanted.sort((a, b) => (accountKey(a) < accountKey(b) ? -1 : 1));
  await tx
    .insert(ledgerAccounts)
    .values(
      wanted.map((ref) => ({
        id: newId("ledgerAccount"),
        merchantId: owner.merchantId,
        environment: owner.environment,
        currency: ref.currency,
        kind: ref.kind,
        allowNegative: allowsNegative(ref.kind),
        balance: 0,
        createdAt: at,
      })),
    )
    .onConflictDoNothing();
  const rows = await tx
    .select()
    .from(ledgerAccounts)
    .where(
      and(
        ...tenantScope(ledgerAccounts, owner),
        or(
          ...wanted.map((ref) =>
            and(eq(ledgerAccounts.currency, ref.currency), eq(ledgerAccounts.kind, ref.kind)),
          ),
        ),
      ),
    )
    .orderBy(asc(ledgerAccounts.id))
    .for("update");
  const byKey = new Map(
    rows.map((row) => [accountKey({ kind: row.kind as AccountKind, currency: row.currency }), row]),
  );
  if (byKey.size !== wanted.length) throw new Error("ledger account lookup returned too few rows");
  return byKey;
}

/** Balances of the merchant's own accounts, without locking (reads only). */
export async function merchantAccounts(
  { owner, currencies }: { owner: AccountOwner; currencies?: string[] },
  db: Executor,
): Promise<LedgerAccountRow[]> {
  return db
    .select()
    .from(ledgerAccounts)
    .where(
      and(
        ...tenantScope(ledgerAccounts, owner),
        inArray(ledgerAccounts.kind, [...merchantAccountKinds]),
        currencies ? inArray(ledgerAccounts.currency, currencies) : undefined,
      ),
    )
    .orderBy(asc(ledgerAccounts.currency));
}
