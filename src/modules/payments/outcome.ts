import { eq, sql } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import { ApiError, type ErrorCode } from "../../core/errors";
import { estimateFee } from "../providers/service";
import type {
  AuthorizeInput,
  LookupOutcome,
  PaymentProvider,
  ProviderFailure,
  ProviderOutcome,
} from "../providers/types";
import { applyStatusChange } from "./apply";
import { availableOn, findPayment, type PaymentValues } from "./rows";
import { type PaymentRow, type PaymentStatus, type ProviderAttemptColumn, payments } from "./tables";
import { canTransition } from "./transitions";

/** How an authorization attempt ended, as this module applies it. */
export interface AuthorizationResult {
  row: PaymentRow;
  /** A committed decline is still an error for the caller: 402 with the decline code. */
  error: ApiError | null;
}

export function failureError(failure: ProviderFailure, paymentId: string, methodType: string): ApiError {
  let code: ErrorCode = "payment_declined";
  if (failure.code === "card_declined") code = "card_declined";
  else if (failure.retryable) code = "processing_error";
  // The provider refused our request itself (not the issuer): there is no decline to report.
  else if (failure.code === "provider_error") {
    return new ApiError("provider_rejected", { message: failure.message, extra: { payment_id: paymentId } });
  } else if (methodType === "card") code = "card_declined";
  return new ApiError(code, {
    message: failure.message,
    param: "payment_method",
    extra: { decline_code: failure.declineCode ?? failure.code, payment_id: paymentId },
  });
}

/** What the payment's row becomes for a provider's answer; `succeeded` captures at once. */
export function paymentChangesForOutcome(
  row: PaymentRow,
  outcome: ProviderOutcome,
  provider: PaymentProvider,
  now: Date,
): { status: PaymentStatus; values: PaymentValues; error: ApiError | null } {
  const fee = estimateFee(provider.fees, row.paymentMethodType ?? "card", row.currency, row.amount);
  const base: PaymentValues = {
    provider: provider.id,
    providerReference: outcome.reference ?? row.providerReference,
    fee,
    nextAction: null,
    providerAttempt: null,
    processingReason: null,
  };
  switch (outcome.status) {
    case "succeeded":
      return {
        status: "succeeded",
        values: {
          ...base,
          amountReceived: row.amount,
          amountCapturable: 0,
          availableOn: availableOn(now, provider),
        },
        error: null,
      };
    case "requires_capture":
      return { status: "requires_capture", values: { ...base, amountCapturable: row.amount }, error: null };
    case "processing":
      return {
        status: "processing",
        values: { ...base, processingReason: "awaiting_provider" },
        error: null,
      };
    case "requires_action":
      return { status: "requires_action", values: { ...base, nextAction: outcome.nextAction }, error: null };
    case "failed":
      return {
        status: "failed",
        values: {
          ...base,
          failureCode: outcome.failure.code,
          failureMessage: outcome.failure.message,
          declineCode: outcome.failure.declineCode ?? null,
        },
        error: failureError(outcome.failure, row.id, row.paymentMethodType ?? "card"),
      };
    case "unknown":
      // Charged or not, we cannot tell yet: processing until the same attempt is resolved.
      return {
        status: "processing",
        values: {
          ...base,
          providerAttempt: row.providerAttempt ? { ...row.providerAttempt, state: "unknown" } : null,
          processingReason: "provider_outcome_unknown",
        },
        error: null,
      };
  }
}

/** The authorize call an attempt made, rebuilt from the row (without the card, which is never kept). */
export function attemptInput(
  row: PaymentRow,
  attempt: ProviderAttemptColumn,
  actionBaseUrl: string,
  card: AuthorizeInput["card"] = null,
): AuthorizeInput {
  return {
    idempotencyKey: attempt.key,
    paymentId: row.id,
    attempt: attempt.index,
    amount: row.amount,
    currency: row.currency,
    method: row.paymentMethodType ?? "card",
    capture: row.captureMethod,
    card,
    sandboxBehavior: row.sandboxBehavior,
    returnUrl: row.returnUrl,
    actionBaseUrl,
    description: row.description,
  };
}

/**
 * Resolves an attempt whose outcome is unknown without ever charging elsewhere: the same call
 * with the same idempotency key (only when the request still holds what the call needs), then
 * the provider's own object. Still unknown: the caller records it and the reconciler tries later.
 */
export async function resolveUnknownAttempt(
  provider: PaymentProvider,
  input: AuthorizeInput,
  reference: string | null,
  resend: boolean,
): Promise<ProviderOutcome | { status: "not_found" }> {
  if (resend) {
    const again = await provider.authorize(input);
    if (again.status !== "unknown") return again;
    reference = again.reference ?? reference;
  }
  const found: LookupOutcome = await provider.lookup({ ...input, reference });
  return found;
}

/**
 * Applies an authorization attempt's outcome once, in one HTTP batch: a compare-and-set on the
 * attempt's key in SQL (apply.ts), so the request, a retried confirm, the provider's webhook and
 * the reconciler racing each other apply it exactly once (the losers read the winner's row), and
 * the posting and events happen only with the update. With `respond`, the batch also stores the
 * request's idempotency response (when the outcome is not a decline, which answers 402).
 */
export async function applyAuthorizationOutcome(
  ctx: ServiceContext,
  before: PaymentRow,
  outcome: ProviderOutcome,
  provider: PaymentProvider,
  extra: PaymentValues = {},
  options: { respond?: boolean } = {},
): Promise<AuthorizationResult> {
  const attempt = before.providerAttempt;
  const now = ctx.services.clock.now();
  const applied = paymentChangesForOutcome(before, outcome, provider, now);
  const status = canTransition(before.status, applied.status) ? applied.status : before.status;
  const guard = attempt
    ? [sql`${payments.providerAttempt}->>'key' = ${attempt.key}`]
    : [eq(payments.status, before.status)];
  const row = await applyStatusChange(
    ctx,
    before,
    status,
    { ...extra, ...applied.values },
    { guard, respond: options.respond === true && applied.error === null },
  );
  if (!row) return { row: await findPayment(ctx, before.id, ctx.services.db), error: null };
  return { row, error: applied.error };
}

/** The routing-independent part of an attempt's values: what the payment shows as its provider. */
export function attemptValues(attempt: ProviderAttemptColumn): PaymentValues {
  return { providerAttempt: attempt, provider: attempt.provider };
}

/** A failure decided by us, not by a provider, for an attempt nobody answered in time. */
export function noRecordFailure(): ProviderOutcome {
  return {
    status: "failed",
    reference: null,
    failure: {
      code: "processing_error",
      message: "The provider has no record of this payment; nothing was charged.",
      retryable: false,
    },
  };
}

/** For a `fee` shown while the outcome is unknown. */
export function feeFor(row: PaymentRow, provider: PaymentProvider): number {
  return estimateFee(provider.fees, row.paymentMethodType ?? "card", row.currency, row.amount);
}
