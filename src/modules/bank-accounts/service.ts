import { and, eq, isNull, or, type SQL } from "drizzle-orm";
import { bankAccountFingerprint, countryCurrencies, parseBankDetails } from "../../core/bank-details";
import { runBatch } from "../../core/batch";
import type { ServiceContext, Services } from "../../core/context";
import { databaseErrorFacts } from "../../core/db-errors";
import { ApiError, notFound } from "../../core/errors";
import { changeStatement } from "../../core/events";
import { newId } from "../../core/ids";
import { type ListPage, type ListQuery, paginateTable } from "../../core/pagination";
import type { SingleCentreRailId } from "../../core/rails";
import { seal, unseal } from "../../core/sealed";
import type { Environment } from "../../core/tables";
import { tenantRow, tenantScope } from "../../core/tenancy";
import { countryOf, customerAddressQuery } from "../customers/service";
import type { BankAccount, CreateBankAccountInput } from "./schemas";
import { type BankAccountRow, bankAccounts, type MandateRow, type MandateType, mandates } from "./tables";

export const MAX_VERIFICATION_ATTEMPTS = 3;

export function toBankAccount(row: BankAccountRow): BankAccount {
  const sandboxDeposits =
    row.environment === "sandbox" && row.verificationMethod === "micro_deposits"
      ? { amounts: row.microDepositAmounts, descriptor_code: row.descriptorCode }
      : null;
  return {
    id: row.id,
    object: "bank_account",
    environment: row.environment,
    customer: row.customerId,
    account_holder_name: row.holderName,
    account_holder_type: row.holderType,
    country: row.country,
    currency: row.currency,
    scheme: row.scheme,
    routing: row.routing,
    bic: row.bic,
    last4: row.last4,
    fingerprint: row.fingerprint,
    status: row.status,
    verification: row.verificationMethod
      ? {
          method: row.verificationMethod,
          micro_deposit_type: row.microDepositType,
          attempts_remaining: Math.max(0, MAX_VERIFICATION_ATTEMPTS - row.verificationAttempts),
          expires_at: row.verificationExpiresAt?.toISOString() ?? null,
          failure_reason: row.verificationFailureReason,
        }
      : null,
    verified_at: row.verifiedAt?.toISOString() ?? null,
    sandbox_micro_deposits: sandboxDeposits,
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** Every bank account query goes through this: merchant, environment, not deleted. */
export function bankAccountScope(ctx: ServiceContext): SQL[] {
  return [...tenantScope(bankAccounts, ctx), isNull(bankAccounts.deletedAt)];
}

function missing(id: string, param = "id"): ApiError {
  return notFound("bank account", id, param);
}

export async function loadBankAccount(
  ctx: ServiceContext,
  id: string,
  param = "id",
): Promise<BankAccountRow> {
  const [row] = await ctx.services.db
    .select()
    .from(bankAccounts)
    .where(and(eq(bankAccounts.id, id), ...bankAccountScope(ctx)))
    .limit(1);
  if (!row) throw missing(id, param);
  return row;
}

/**
 * The accounts payouts are sent to, with their numbers opened, for a rail provider: each looked up
 * under its own merchant and environment (payout-batch runs for many), deleted ones included, since
 * a payout already reserved still goes where it was created for.
 */
export async function payoutDestinations(
  services: Services,
  refs: ReadonlyArray<{ merchantId: string; environment: Environment; id: string }>,
): Promise<Map<string, BankAccountRow & { accountNumber: string }>> {
  if (refs.length === 0) return new Map();
  const rows = await services.db
    .select()
    .from(bankAccounts)
    .where(
      or(
        ...refs.map((ref) =>
          and(
            eq(bankAccounts.id, ref.id),
            eq(bankAccounts.merchantId, ref.merchantId),
            eq(bankAccounts.environment, ref.environment),
          ),
        ),
      ),
    );
  const opened = await Promise.all(
    rows.map(async (row) => ({ ...row, accountNumber: await openAccountNumber(services, row) })),
  );
  return new Map(opened.map((row) => [row.id, row]));
}

/** The debit rails a mandate authorizes: ACH debits standard or same-day, SEPA Direct Debit. */
export const mandateRails: Record<MandateType, readonly SingleCentreRailId[]> = {
  ach_debit: ["ach_standard", "ach_same_day"],
  sepa_debit: ["sepa_debit"],
};

/** `expired` is derived from `expires_at` on the services clock, so test clocks move it. */
export function mandateStatus(row: MandateRow, now: Date): "active" | "revoked" | "expired" {
  if (row.revokedAt) return "revoked";
  return row.expiresAt && row.expiresAt <= now ? "expired" : "active";
}

export async function loadMandate(ctx: ServiceContext, id: string, param = "id"): Promise<MandateRow> {
  const [row] = await ctx.services.db
    .select()
    .from(mandates)
    .where(tenantRow(mandates, ctx, id))
    .limit(1);
  if (!row) throw notFound("mandate", id, param);
  return row;
}

/** The account number sealed to its row: a copy pasted into another row does not open. */
const sealedData = (id: string) => `bank_account:${id}:account_number`;

export async function openAccountNumber(services: Services, row: BankAccountRow): Promise<string> {
  return unseal(services.config.BANK_ACCOUNT_NUMBERS_KEY, sealedData(row.id), row.accountNumberSealed);
}

async function existingAccountId(ctx: ServiceContext, fingerprint: string): Promise<string | undefined> {
  const [existing] = await ctx.services.db
    .select({ id: bankAccounts.id })
    .from(bankAccounts)
    .where(and(eq(bankAccounts.fingerprint, fingerprint), ...bankAccountScope(ctx)))
    .limit(1);
  return existing?.id;
}

function duplicate(existingId: string | undefined): ApiError {
  return new ApiError("bank_account_exists", {
    param: "account_number",
    message: existingId
      ? `This bank account is already saved as ${existingId}.`
      : "This bank account is already saved for this merchant.",
  });
}

export async function createBankAccount({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateBankAccountInput;
}): Promise<BankAccount> {
  const details = parseBankDetails(input.country, input);
  if (!countryCurrencies(input.country).includes(input.currency)) {
    throw new ApiError("currency_unsupported", {
      param: "currency",
      message: `Bank accounts in ${input.country} hold ${countryCurrencies(input.country).join(" or ")}.`,
    });
  }
  const { config, db } = ctx.services;
  const fingerprint = await bankAccountFingerprint(details, config.BANK_ACCOUNT_FINGERPRINT_KEY);
  if (input.customer)
    countryOf(await customerAddressQuery({ ctx, id: input.customer }), input.customer, "customer");
  const id = newId("bankAccount");
  const now = ctx.services.clock.now();
  const row: BankAccountRow = {
    id,
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    customerId: input.customer ?? null,
    holderName: input.account_holder_name,
    holderType: input.account_holder_type,
    country: input.country,
    currency: input.currency,
    scheme: details.scheme,
    routing: details.routing,
    bic: details.bic,
    last4: details.accountNumber.slice(-4),
    fingerprint,
    accountNumberSealed: await seal(
      config.BANK_ACCOUNT_NUMBERS_KEY,
      sealedData(id),
      details.iban ?? details.accountNumber,
    ),
    status: "new",
    verificationMethod: null,
    microDepositType: null,
    microDepositAmounts: null,
    descriptorCode: null,
    verificationAttempts: 0,
    verificationExpiresAt: null,
    verificationFailureReason: null,
    verifiedAt: null,
    metadata: input.metadata ?? {},
    deletedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const account = toBankAccount(row);
  try {
    await runBatch(
      ctx.services,
      [
        db.insert(bankAccounts).values(row),
        db.execute(changeStatement(ctx, { type: "bank_account.created", object: account })),
      ],
      { response: account },
    );
  } catch (error) {
    // The unique index decides, not a read before the batch: a retried request must reach its
    // Idempotency-Key claim (first in the batch) to be replayed, and concurrent saves race here.
    if (databaseErrorFacts(error)?.constraint === "bank_accounts_fingerprint_idx") {
      throw duplicate(await existingAccountId(ctx, fingerprint));
    }
    throw error;
  }
  return account;
}

export async function retrieveBankAccount({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<BankAccount> {
  return toBankAccount(await loadBankAccount(ctx, id));
}

export async function listBankAccounts({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListQuery & { customer?: string | undefined };
}): Promise<ListPage<BankAccount>> {
  const filters = bankAccountScope(ctx);
  if (query.customer) filters.push(eq(bankAccounts.customerId, query.customer));
  const page = await paginateTable({
    db: ctx.services.db,
    table: bankAccounts,
    scope: filters,
    tenantScope: bankAccountScope(ctx),
    query,
  });
  return { data: page.data.map(toBankAccount), hasMore: page.hasMore };
}
