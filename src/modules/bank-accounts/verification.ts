import { type SQL, sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { gatedChangeMembers } from "../../core/events";
import { instantVerificationProvider } from "./instant";
import type { BankAccount, VerifyBankAccountInput } from "./schemas";
import { loadBankAccount, MAX_VERIFICATION_ATTEMPTS, openAccountNumber, toBankAccount } from "./service";
import { type BankAccountRow, bankAccounts, type MicroDepositType } from "./tables";

const MICRO_DEPOSITS_VALID_DAYS = 10;
const DAY_MS = 86_400_000;

function randomInt(min: number, max: number): number {
  const [value = 0] = crypto.getRandomValues(new Uint32Array(1));
  return min + (value % (max - min + 1));
}

const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/** "SM" and four characters without look-alikes (0/O, 1/I), as it appears on the statement. */
function descriptorCode(): string {
  let code = "SM";
  for (let i = 0; i < 4; i++) code += CODE_ALPHABET[randomInt(0, CODE_ALPHABET.length - 1)];
  return code;
}

const jsonOrNull = (value: unknown) => (value === null ? null : JSON.stringify(value));
const isoOrNull = (value: Date | null) => value?.toISOString() ?? null;

/**
 * One statement: update the account's verification if it is still as `before` left it
 * (status, attempts, updated_at: a compare-and-set), and only then its event. Returns the statement.
 */
function verificationChange(
  ctx: ServiceContext,
  before: BankAccountRow,
  after: BankAccountRow,
  type: string,
): SQL {
  const updated = sql`updated as (
    update ${bankAccounts} set status = ${after.status}, verification_method = ${after.verificationMethod},
      micro_deposit_type = ${after.microDepositType},
      micro_deposit_amounts = ${jsonOrNull(after.microDepositAmounts)}::jsonb,
      descriptor_code = ${after.descriptorCode}, verification_attempts = ${after.verificationAttempts},
      verification_expires_at = ${isoOrNull(after.verificationExpiresAt)}::timestamptz,
      verification_failure_reason = ${after.verificationFailureReason},
      verified_at = ${isoOrNull(after.verifiedAt)}::timestamptz, updated_at = ${after.updatedAt.toISOString()}::timestamptz
    where id = ${before.id} and merchant_id = ${ctx.merchantId} and environment = ${ctx.environment}
      and deleted_at is null and status = ${before.status}
      and verification_attempts = ${before.verificationAttempts}
      and updated_at = ${before.updatedAt.toISOString()}::timestamptz
    returning id)`;
  const previous =
    before.status === after.status
      ? { verification: toBankAccount(before).verification }
      : { status: before.status };
  const change = gatedChangeMembers(
    ctx,
    { type, object: toBankAccount(after), previousAttributes: previous },
    "updated",
    "change",
  );
  return sql`with ${updated}, ${change} select count(*)::int as applied from updated`;
}

/** Writes the change in one batch; a lost compare-and-set (a concurrent change) is a 409. */
async function applyVerification(
  ctx: ServiceContext,
  before: BankAccountRow,
  after: BankAccountRow,
  type: string,
  respond: boolean,
): Promise<BankAccount> {
  const account = toBankAccount(after);
  const [result] = await runBatch(
    ctx.services,
    [ctx.services.db.execute(verificationChange(ctx, before, after, type))],
    respond ? { response: account } : {},
  );
  const applied = Number((result as { rows?: Array<{ applied?: unknown }> }).rows?.[0]?.applied ?? 0);
  if (applied !== 1) {
    throw new ApiError("resource_conflict", {
      message: "The bank account changed during this request; retrieve it and retry.",
    });
  }
  return account;
}

function assertCanStart(row: BankAccountRow): void {
  if (row.status === "verified" || row.status === "pending_verification") {
    throw new ApiError("verification_not_pending", {
      message: `The bank account is ${row.status}; verification starts on a new or failed account.`,
    });
  }
}

export async function startMicroDeposits({
  ctx,
  id,
  type,
}: {
  ctx: ServiceContext;
  id: string;
  type: MicroDepositType;
}): Promise<BankAccount> {
  const before = await loadBankAccount(ctx, id);
  if (ctx.environment !== "sandbox") {
    throw new ApiError("verification_method_unavailable", {
      message: "Production micro-deposits go through the bank-transfer rail, which is not connected yet.",
    });
  }
  assertCanStart(before);
  const now = ctx.services.clock.now();
  const after: BankAccountRow = {
    ...before,
    status: "pending_verification",
    verificationMethod: "micro_deposits",
    microDepositType: type,
    microDepositAmounts: type === "amounts" ? [randomInt(1, 99), randomInt(1, 99)] : [randomInt(1, 99)],
    descriptorCode: type === "descriptor_code" ? descriptorCode() : null,
    verificationAttempts: 0,
    verificationExpiresAt: new Date(now.getTime() + MICRO_DEPOSITS_VALID_DAYS * DAY_MS),
    verificationFailureReason: null,
    verifiedAt: null,
    updatedAt: now,
  };
  return applyVerification(ctx, before, after, "bank_account.verification_pending", true);
}

function sameAmounts(expected: number[], sent: number[]): boolean {
  const sort = (values: number[]) => [...values].sort((a, b) => a - b).join(",");
  return sort(expected) === sort(sent);
}

/** Checks the amounts or descriptor code; the third wrong answer, or an answer after 10 days, fails it. */
export async function verifyMicroDeposits({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: VerifyBankAccountInput;
}): Promise<BankAccount> {
  const before = await loadBankAccount(ctx, id);
  if (before.status !== "pending_verification" || before.verificationMethod !== "micro_deposits") {
    throw new ApiError("verification_not_pending");
  }
  const byCode = before.microDepositType === "descriptor_code";
  const sent = byCode ? input.descriptor_code : input.amounts;
  if (sent === undefined) {
    throw new ApiError("parameter_missing", {
      param: byCode ? "descriptor_code" : "amounts",
      message: byCode
        ? "Send the 6-character code from the deposit's descriptor."
        : "Send the two deposited amounts.",
    });
  }
  const now = ctx.services.clock.now();
  const failed = (reason: string): BankAccountRow => ({
    ...before,
    status: "verification_failed",
    verificationAttempts: before.verificationAttempts + 1,
    verificationFailureReason: reason,
    updatedAt: now,
  });
  if (before.verificationExpiresAt && now >= before.verificationExpiresAt) {
    await applyVerification(ctx, before, failed("expired"), "bank_account.verification_failed", false);
    throw new ApiError("verification_failed", {
      message: "The micro-deposits expired after 10 days; start again.",
    });
  }
  const matches = byCode
    ? typeof sent === "string" && sent.toUpperCase() === before.descriptorCode
    : Array.isArray(sent) && sameAmounts(before.microDepositAmounts ?? [], sent);
  if (matches) {
    const verified: BankAccountRow = { ...before, status: "verified", verifiedAt: now, updatedAt: now };
    return applyVerification(ctx, before, verified, "bank_account.verified", true);
  }
  const attempts = before.verificationAttempts + 1;
  if (attempts >= MAX_VERIFICATION_ATTEMPTS) {
    await applyVerification(
      ctx,
      before,
      failed("too_many_attempts"),
      "bank_account.verification_failed",
      false,
    );
    throw new ApiError("verification_failed", {
      message: "Three wrong attempts: the verification failed; start again.",
    });
  }
  await applyVerification(
    ctx,
    before,
    { ...before, verificationAttempts: attempts, updatedAt: now },
    "bank_account.updated",
    false,
  );
  throw new ApiError("verification_mismatch", {
    param: byCode ? "descriptor_code" : "amounts",
    message: `That does not match; ${MAX_VERIFICATION_ATTEMPTS - attempts} attempt(s) left.`,
  });
}

/** Asks the environment's provider, outside any transaction, then records the outcome in one batch. */
export async function verifyInstantly({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<BankAccount> {
  const before = await loadBankAccount(ctx, id);
  const provider = instantVerificationProvider(ctx.environment);
  if (!provider) {
    throw new ApiError("verification_method_unavailable", {
      message: "No instant-verification provider is connected in production yet.",
    });
  }
  assertCanStart(before);
  const outcome = await provider.verify({
    country: before.country,
    routing: before.routing,
    accountNumber: await openAccountNumber(ctx.services, before),
    holderName: before.holderName,
  });
  const now = ctx.services.clock.now();
  const base = {
    ...before,
    verificationMethod: "instant" as const,
    microDepositType: null,
    microDepositAmounts: null,
    descriptorCode: null,
    verificationAttempts: 0,
    verificationExpiresAt: null,
    updatedAt: now,
  };
  if (outcome.verified) {
    const verified: BankAccountRow = {
      ...base,
      status: "verified",
      verificationFailureReason: null,
      verifiedAt: now,
    };
    return applyVerification(ctx, before, verified, "bank_account.verified", true);
  }
  const failed: BankAccountRow = {
    ...base,
    status: "verification_failed",
    verificationFailureReason: outcome.reason,
  };
  return applyVerification(ctx, before, failed, "bank_account.verification_failed", true);
}
