import { and, eq, type SQL } from "drizzle-orm";
import { electronicFormatIBAN, isValidIBAN } from "ibantools";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { changeStatement } from "../../core/events";
import { newId } from "../../core/ids";
import { postingStatement } from "../../core/ledger";
import { type ListPage, type ListQuery, paginateTable } from "../../core/pagination";
import { tenantScope } from "../../core/tenancy";
import { createConversion, createQuote } from "../fx/service";
import type { GlobalAccountTransfer, SimulateIncomingTransferInput } from "./schemas";
import { loadGlobalAccount } from "./service";
import { type GlobalAccountRow, type GlobalAccountTransferRow, globalAccountTransfers } from "./tables";

export function toTransfer(row: GlobalAccountTransferRow): GlobalAccountTransfer {
  return {
    id: row.id,
    object: "global_account_transfer",
    environment: row.environment,
    global_account: row.globalAccountId,
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    return_reason: row.returnReason,
    payer: {
      name: row.payerName,
      iban: row.payerIban,
      account_number: row.payerAccountNumber,
      reference: row.reference,
    },
    conversion: row.convertedCurrency
      ? {
          id: row.conversionId,
          currency: row.convertedCurrency,
          amount: row.convertedAmount,
          failure: row.conversionFailure,
        }
      : null,
    created_at: row.createdAt.toISOString(),
  };
}

function creditStatement(ctx: ServiceContext, row: GlobalAccountTransferRow, source: string): SQL {
  return postingStatement({
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    source,
    type: "funding",
    status: "posted",
    sourceObjectId: row.id,
    description: `Incoming transfer from ${row.payerName} to ${row.globalAccountId}`,
    at: row.createdAt,
    entries: [
      { account: { kind: "funding_in_transit", currency: row.currency }, amount: -row.amount },
      { account: { kind: "merchant_available", currency: row.currency }, amount: row.amount },
    ],
  });
}

/**
 * Converts a received transfer into the account's auto_convert_to currency through FX (a quote at
 * the platform markup, then the conversion, as the FX API does). The credit stands either way: a
 * refused conversion (stale rates, an amount below one minor unit) is recorded on the transfer.
 */
async function convertOnReceipt(
  ctx: ServiceContext,
  row: GlobalAccountTransferRow,
  target: string,
): Promise<GlobalAccountTransferRow> {
  try {
    const quote = await createQuote({
      ctx,
      input: { sell_currency: row.currency, buy_currency: target, sell_amount: row.amount },
    });
    const conversion = await createConversion({ ctx, quoteId: quote.id });
    return {
      ...row,
      conversionId: conversion.id,
      convertedAmount: conversion.buy_amount,
      convertedCurrency: target,
    };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { ...row, convertedCurrency: target, conversionFailure: error.code };
  }
}

/**
 * Sandbox: a payer's bank transfer arrives at the global account. It credits the merchant's
 * available balance (one batch: the transfer, the posting, the event), then converts it when the
 * account says so. A closed account returns the transfer: recorded, nothing credited.
 */
export async function simulateIncomingTransfer({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: SimulateIncomingTransferInput;
}): Promise<GlobalAccountTransfer> {
  const account = await loadGlobalAccount(ctx, id);
  if (ctx.environment !== "sandbox") throw new ApiError("sandbox_only");
  if (input.currency !== account.currency) {
    throw new ApiError("currency_unsupported", {
      param: "currency",
      message: `This global account receives ${account.currency} only.`,
    });
  }
  if (input.payer_iban !== undefined && !isValidIBAN(electronicFormatIBAN(input.payer_iban) ?? "")) {
    throw new ApiError("iban_invalid", { param: "payer_iban" });
  }
  const row = newTransfer(ctx, account, input);
  const { db } = ctx.services;
  if (account.status === "closed") {
    const returned: GlobalAccountTransferRow = { ...row, status: "returned", returnReason: "account_closed" };
    const transfer = toTransfer(returned);
    await runBatch(
      ctx.services,
      [
        db.insert(globalAccountTransfers).values(returned),
        db.execute(changeStatement(ctx, { type: "global_account.transfer.returned", object: transfer })),
      ],
      { response: transfer },
    );
    return transfer;
  }
  const source = `global_account_transfer:${row.id}:received`;
  const received: GlobalAccountTransferRow = { ...row, ledgerSource: source };
  const target = account.autoConvertTo;
  await runBatch(
    ctx.services,
    [
      db.insert(globalAccountTransfers).values(received),
      db.execute(creditStatement(ctx, received, source)),
      db.execute(
        changeStatement(ctx, { type: "global_account.transfer.received", object: toTransfer(received) }),
      ),
    ],
    target ? {} : { response: toTransfer(received) },
  );
  if (!target) return toTransfer(received);
  const converted = await convertOnReceipt(ctx, received, target);
  const transfer = toTransfer(converted);
  await runBatch(
    ctx.services,
    [
      db
        .update(globalAccountTransfers)
        .set({
          conversionId: converted.conversionId,
          convertedAmount: converted.convertedAmount,
          convertedCurrency: converted.convertedCurrency,
          conversionFailure: converted.conversionFailure,
          updatedAt: ctx.services.clock.now(),
        })
        .where(and(eq(globalAccountTransfers.id, row.id), ...tenantScope(globalAccountTransfers, ctx))),
    ],
    { response: transfer },
  );
  return transfer;
}

function newTransfer(
  ctx: ServiceContext,
  account: GlobalAccountRow,
  input: SimulateIncomingTransferInput,
): GlobalAccountTransferRow {
  const now = ctx.services.clock.now();
  return {
    id: newId("globalAccountTransfer"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    globalAccountId: account.id,
    amount: input.amount,
    currency: input.currency,
    payerName: input.payer_name,
    payerIban: input.payer_iban === undefined ? null : electronicFormatIBAN(input.payer_iban),
    payerAccountNumber: input.payer_account_number ?? null,
    reference: input.reference ?? null,
    status: "received",
    returnReason: null,
    ledgerSource: null,
    conversionId: null,
    convertedAmount: null,
    convertedCurrency: null,
    conversionFailure: null,
    createdAt: now,
    updatedAt: now,
  };
}

export async function listTransfers({
  ctx,
  id,
  query,
}: {
  ctx: ServiceContext;
  id: string;
  query: ListQuery;
}): Promise<ListPage<GlobalAccountTransfer>> {
  await loadGlobalAccount(ctx, id);
  const page = await paginateTable({
    db: ctx.services.db,
    table: globalAccountTransfers,
    scope: [...tenantScope(globalAccountTransfers, ctx), eq(globalAccountTransfers.globalAccountId, id)],
    tenantScope: tenantScope(globalAccountTransfers, ctx),
    query,
  });
  return { data: page.data.map(toTransfer), hasMore: page.hasMore };
}
