import { and, asc, inArray, isNotNull, sql } from "drizzle-orm";
import type { Services } from "../../core/context";
import { systemContext } from "../../core/http";
import { errorText, log } from "../../core/log";
import { onlyMerchant } from "../../core/tenancy";
import { providerForPayment } from "../providers/service";
import type { ProviderOutcome } from "../providers/types";
import { actionBaseUrl } from "./authorize";
import { runCaptureOrCancel } from "./capture";
import { applyAuthorizationOutcome, attemptInput, noRecordFailure } from "./outcome";
import { type PaymentRow, payments } from "./tables";

/** Past this, a processor that has no record of an attempt never received it (Stripe's search lag is about a minute). */
const NO_RECORD_AFTER_MS = 15 * 60_000;

async function reconcileOne(services: Services, row: PaymentRow): Promise<boolean> {
  const attempt = row.providerAttempt;
  if (!attempt) return true;
  const ctx = systemContext(services, row, "payment_reconcile");
  if (attempt.kind !== "authorize") {
    const result = await runCaptureOrCancel(ctx, row, attempt);
    return result.outcome.status !== "unknown";
  }
  const provider = await providerForPayment(ctx, attempt.provider, services.db);
  const found = await provider.lookup({
    ...attemptInput(row, attempt, actionBaseUrl(services, row, row.actionToken ?? "")),
    reference: row.providerReference,
  });
  const age = services.clock.now().getTime() - new Date(attempt.started_at).getTime();
  let outcome: ProviderOutcome;
  if (found.status === "not_found") {
    outcome =
      age > NO_RECORD_AFTER_MS
        ? noRecordFailure()
        : { status: "unknown", reference: null, reason: "not_found_yet" };
  } else {
    outcome = found;
  }
  const applied = await applyAuthorizationOutcome(ctx, row, outcome, provider);
  return applied.row.providerAttempt === null;
}

/**
 * The payment-reconcile function's payments half: every provider attempt still open after
 * `olderThanMs` (an unknown outcome, or a request that died mid-call) is resolved by reading the
 * provider's object (authorizations) or by sending the same call with the same key again
 * (captures, cancels). Applying is the same compare-and-set as the request's, so a webhook or
 * a late request racing it changes nothing twice.
 */
export async function reconcileOpenAttempts(
  services: Services,
  options: { olderThanMs: number; limit?: number; merchantId?: string },
): Promise<{ resolved: number; open: number }> {
  const cutoff = new Date(services.clock.now().getTime() - options.olderThanMs).toISOString();
  const rows = await services.db
    .select()
    .from(payments)
    .where(
      and(
        isNotNull(payments.providerAttempt),
        sql`(${payments.providerAttempt}->>'started_at')::timestamptz <= ${cutoff}::timestamptz`,
        onlyMerchant(payments, options.merchantId),
      ),
    )
    .orderBy(asc(payments.updatedAt))
    .limit(options.limit ?? 50);
  let resolved = 0;
  const failed: string[] = [];
  for (const row of rows) {
    const done = await reconcileOne(services, row).catch((error: unknown) => {
      log("error", "payment_reconcile_failed", {
        merchant: row.merchantId,
        payment: row.id,
        error: errorText(error),
      });
      failed.push(row.id);
      return false;
    });
    if (done) resolved += 1;
  }
  // A payment whose provider cannot be reached goes to the back of the queue, so that a few of
  // them never keep the payments behind from being reconciled.
  if (failed.length > 0) {
    await services.db
      .update(payments)
      .set({ updatedAt: services.clock.now() })
      .where(and(inArray(payments.id, failed), isNotNull(payments.providerAttempt)));
  }
  return { resolved, open: rows.length - resolved };
}
