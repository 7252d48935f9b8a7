import { and, eq } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import type { Executor } from "../../core/db";
import { ApiError, notFound } from "../../core/errors";
import { previousAttributes, recordChange } from "../../core/events";
import { newId } from "../../core/ids";
import { type AccountRef, lockAccounts, post } from "../../core/ledger";
import { type ListPage, paginateTable } from "../../core/pagination";
import type { StatusDocument } from "../../core/status";
import { exactlyOne, tenantRow, tenantScope } from "../../core/tenancy";
import { formatIban, fundingReference } from "./bank-details";
import {
  collectionAccounts,
  type FundingCurrency,
  fundingMethods,
  isFundingCurrency,
} from "./collection-accounts";
import type {
  CreateFundingDepositInput,
  FundingDeposit,
  FundingInstructions,
  ListFundingDepositsQuery,
} from "./schemas";
import {
  type FundingDepositRow,
  type FundingDepositStatus,
  fundingDeposits,
  fundingReferences,
} from "./tables";

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toFundingDeposit(row: FundingDepositRow): FundingDeposit {
  return {
    id: row.id,
    object: "funding_deposit",
    environment: row.environment,
    amount: row.amount,
    amount_received: row.amountReceived,
    currency: row.currency,
    method: row.method,
    status: row.status,
    reference: row.reference,
    description: row.description,
    expected_at: iso(row.expectedAt),
    failure_reason: row.failureReason,
    transaction: row.creditTransactionId,
    metadata: row.metadata,
    received_at: iso(row.receivedAt),
    credited_at: iso(row.creditedAt),
    failed_at: iso(row.failedAt),
    canceled_at: iso(row.canceledAt),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

const missing = (id: string) => notFound("funding deposit", id);

function supportedCurrency(currency: string): FundingCurrency {
  if (!isFundingCurrency(currency)) {
    throw new ApiError("currency_unsupported", {
      param: "currency",
      message: `Funding is offered in ${Object.keys(fundingMethods).join(", ")}; not in ${currency}.`,
    });
  }
  return currency;
}

/** The merchant's reference, recorded so that an incoming transfer carrying it can be matched. */
async function ensureReference(ctx: ServiceContext, tx: Executor): Promise<string> {
  const reference = await fundingReference(ctx.merchantId, ctx.environment);
  await tx
    .insert(fundingReferences)
    .values({
      reference,
      merchantId: ctx.merchantId,
      environment: ctx.environment,
      createdAt: ctx.services.clock.now(),
    })
    .onConflictDoNothing();
  return reference;
}

export async function getFundingInstructions({
  ctx,
  currency,
}: {
  ctx: ServiceContext;
  currency: string;
}): Promise<FundingInstructions> {
  const funding = supportedCurrency(currency);
  const reference = await ensureReference(ctx, ctx.services.db);
  const account = collectionAccounts[ctx.environment][funding];
  return {
    object: "funding_instructions",
    environment: ctx.environment,
    currency: funding,
    reference,
    methods: fundingMethods[funding],
    bank_account: {
      beneficiary_name: account.beneficiaryName,
      beneficiary_address: account.beneficiaryAddress,
      bank_name: account.bankName,
      bank_address: account.bankAddress,
      bic: account.bic,
      iban: account.iban ? formatIban(account.iban) : null,
      account_number: account.accountNumber,
      routing_number: account.routingNumber,
      sort_code: account.sortCode,
    },
  };
}

export async function createFundingDeposit({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateFundingDepositInput;
}): Promise<FundingDeposit> {
  const currency = supportedCurrency(input.currency);
  if (!fundingMethods[currency].includes(input.method)) {
    throw new ApiError("funding_method_invalid", {
      param: "method",
      message: `${input.method} does not take ${currency}; use one of ${fundingMethods[currency].join(", ")}.`,
    });
  }
  const now = ctx.services.clock.now();
  return ctx.services.transaction(async (tx) => {
    const reference = input.reference ?? (await ensureReference(ctx, tx));
    const row = exactlyOne(
      await tx
        .insert(fundingDeposits)
        .values({
          id: newId("fundingDeposit"),
          merchantId: ctx.merchantId,
          environment: ctx.environment,
          amount: input.amount,
          currency,
          method: input.method,
          status: "pending",
          reference,
          description: input.description ?? null,
          metadata: input.metadata ?? {},
          expectedAt: input.expected_at ? new Date(input.expected_at) : null,
          createdAt: now,
          updatedAt: now,
        })
        .returning(),
    );
    const deposit = toFundingDeposit(row);
    await recordChange(ctx, { type: "funding.deposit.created", object: deposit }, tx);
    return deposit;
  });
}

async function findDeposit(ctx: ServiceContext, id: string, lock: boolean, tx: Executor) {
  const select = tx
    .select()
    .from(fundingDeposits)
    .where(tenantRow(fundingDeposits, ctx, id))
    .limit(1);
  const [row] = lock ? await select.for("update") : await select;
  if (!row) throw missing(id);
  return row;
}

export async function retrieveFundingDeposit({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<FundingDeposit> {
  return toFundingDeposit(await findDeposit(ctx, id, false, ctx.services.db));
}

export async function listFundingDeposits({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListFundingDepositsQuery;
}): Promise<ListPage<FundingDeposit>> {
  const { db } = ctx.services;
  const filters = tenantScope(fundingDeposits, ctx);
  if (query.status) filters.push(eq(fundingDeposits.status, query.status));
  if (query.currency) filters.push(eq(fundingDeposits.currency, query.currency));
  const page = await paginateTable({
    db,
    table: fundingDeposits,
    scope: filters,
    tenantScope: tenantScope(fundingDeposits, ctx),
    query,
  });
  return { data: page.data.map(toFundingDeposit), hasMore: page.hasMore };
}

type Change = Partial<typeof fundingDeposits.$inferInsert>;

/** Applies one status change to a locked row and records its event, in the caller's transaction. */
async function transition(
  ctx: ServiceContext,
  before: FundingDepositRow,
  status: FundingDepositStatus,
  change: Change,
  tx: Executor,
): Promise<FundingDepositRow> {
  const row = exactlyOne(
    await tx
      .update(fundingDeposits)
      .set({ ...change, status, updatedAt: ctx.services.clock.now() })
      .where(and(eq(fundingDeposits.id, before.id), ...tenantScope(fundingDeposits, ctx)))
      .returning(),
  );
  const { updated_at: _ignored, ...changed } = previousAttributes(
    toFundingDeposit(before),
    toFundingDeposit(row),
  );
  await recordChange(
    ctx,
    {
      type: `funding.deposit.${status}`,
      object: toFundingDeposit(row),
      previousAttributes: changed,
    },
    tx,
  );
  return row;
}

function requirePending(row: FundingDepositRow): void {
  if (row.status === "received" || row.status === "credited") {
    throw new ApiError("deposit_already_received", {
      message: `Funding deposit ${row.id} is already ${row.status}.`,
    });
  }
  if (row.status !== "pending") {
    throw new ApiError("resource_conflict", { message: `Funding deposit ${row.id} is ${row.status}.` });
  }
}

/** Runs a change of one deposit and drops its cached status document once it committed. */
async function changeDeposit(
  ctx: ServiceContext,
  id: string,
  apply: (row: FundingDepositRow, tx: Executor) => Promise<FundingDepositRow>,
): Promise<FundingDeposit> {
  const row = await ctx.services.transaction(async (tx) => apply(await findDeposit(ctx, id, true, tx), tx));
  return toFundingDeposit(row);
}

export async function cancelFundingDeposit({ ctx, id }: { ctx: ServiceContext; id: string }) {
  return changeDeposit(ctx, id, async (row, tx) => {
    requirePending(row);
    return transition(ctx, row, "canceled", { canceledAt: ctx.services.clock.now() }, tx);
  });
}

/** Sandbox: the bank returned the transfer before it reached us. */
export async function failFundingDeposit({
  ctx,
  id,
  failureReason,
}: {
  ctx: ServiceContext;
  id: string;
  failureReason: string | undefined;
}) {
  return changeDeposit(ctx, id, async (row, tx) => {
    requirePending(row);
    return transition(
      ctx,
      row,
      "failed",
      {
        failedAt: ctx.services.clock.now(),
        failureReason: failureReason ?? "Returned by the sending bank.",
      },
      tx,
    );
  });
}

/**
 * Sandbox: the transfer arrives. Two ledger transactions in one database transaction: the
 * arrival moves the amount from funding in transit to pending (`received`), then it is
 * released to available (`credited`). The row lock on the deposit and its status make a
 * second arrival a refusal; the ledger sources would make it a no-op anyway.
 */
export async function receiveFundingDeposit({
  ctx,
  id,
  amount,
}: {
  ctx: ServiceContext;
  id: string;
  amount: number | undefined;
}) {
  return changeDeposit(ctx, id, async (row, tx) => {
    requirePending(row);
    const received = amount ?? row.amount;
    const now = ctx.services.clock.now();
    const owner = { merchantId: ctx.merchantId, environment: ctx.environment };
    const inTransit: AccountRef = { kind: "funding_in_transit", currency: row.currency };
    const pending: AccountRef = { kind: "merchant_pending", currency: row.currency };
    const available: AccountRef = { kind: "merchant_available", currency: row.currency };
    // Both postings' accounts are locked up front, in one go, so this never waits holding some.
    await lockAccounts(owner, [inTransit, pending, available], now, tx);
    await post(
      {
        ...owner,
        source: `funding_deposit:${row.id}:received`,
        type: "funding",
        status: "pending",
        sourceObjectId: row.id,
        description: `Funding deposit ${row.id} received (${row.method})`,
        entries: [
          { account: inTransit, amount: -received },
          { account: pending, amount: received },
        ],
        at: now,
      },
      tx,
    );
    const receivedRow = await transition(
      ctx,
      row,
      "received",
      {
        receivedAt: now,
        amountReceived: received,
      },
      tx,
    );
    const credit = await post(
      {
        ...owner,
        source: `funding_deposit:${row.id}:credited`,
        type: "funding",
        status: "posted",
        sourceObjectId: row.id,
        description: `Funding deposit ${row.id} credited`,
        entries: [
          { account: pending, amount: -received },
          { account: available, amount: received },
        ],
        at: now,
      },
      tx,
    );
    return transition(
      ctx,
      receivedRow,
      "credited",
      {
        creditedAt: now,
        creditTransactionId: credit.transaction.id,
      },
      tx,
    );
  });
}

/** The deposit's polling document, for the status registry. */
export async function fundingDepositStatus({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<StatusDocument | undefined> {
  const [row] = await ctx.services.db
    .select()
    .from(fundingDeposits)
    .where(tenantRow(fundingDeposits, ctx, id))
    .limit(1);
  if (!row) return undefined;
  const steps: Array<[FundingDepositStatus, Date | null]> = [
    ["pending", row.createdAt],
    ["received", row.receivedAt],
    ["credited", row.creditedAt],
    ["failed", row.failedAt],
    ["canceled", row.canceledAt],
  ];
  return {
    id: row.id,
    object: "funding_deposit",
    status: row.status,
    amount: row.amountReceived ?? row.amount,
    currency: row.currency,
    updated_at: row.updatedAt.toISOString(),
    timeline: steps.flatMap(([status, at]) => (at ? [{ status, at: at.toISOString() }] : [])),
  };
}
