import { and, eq, isNull, sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { tenantScope } from "../../core/tenancy";
import { estimateFee, providerForPayment, providerFrom, providerReads } from "../providers/service";
import type { PaymentProvider, ProviderOutcome } from "../providers/types";
import { applyStatusChange } from "./apply";
import { availableOn, findPayment, onePayment, type PaymentValues, paymentQuery, toPayment } from "./rows";
import type { Payment } from "./schemas";
import { type PaymentRow, type PaymentStatus, type ProviderAttemptColumn, payments } from "./tables";
import { assertTransition, stateError } from "./transitions";

function unknownCapture(action: string): ApiError {
  return new ApiError("provider_unavailable", {
    message: `The provider's answer to the ${action} did not arrive; it is retried with the same idempotency key (send the same request again, or wait for the reconciler).`,
  });
}

/**
 * Records a capture or cancel attempt by compare-and-set (no open attempt, the expected status),
 * so two requests never send different calls; the loser reads why. As a query, for a batch.
 */
function claimAttemptQuery(
  ctx: ServiceContext,
  id: string,
  attempt: Omit<ProviderAttemptColumn, "started_at" | "state">,
  allowed: readonly PaymentRow["status"][],
) {
  return ctx.services.db
    .update(payments)
    .set({
      providerAttempt: { ...attempt, started_at: ctx.services.clock.now().toISOString(), state: "in_flight" },
    })
    .where(
      and(
        eq(payments.id, id),
        ...tenantScope(payments, ctx),
        isNull(payments.providerAttempt),
        sql`${payments.status} in (${sql.join(
          allowed.map((status) => sql`${status}`),
          sql`, `,
        )})`,
      ),
    )
    .returning();
}

async function claimAttempt(
  ctx: ServiceContext,
  id: string,
  attempt: Omit<ProviderAttemptColumn, "started_at" | "state">,
  allowed: readonly PaymentRow["status"][],
): Promise<PaymentRow | null> {
  const [row] = await claimAttemptQuery(ctx, id, attempt, allowed);
  return row ?? null;
}

/**
 * Applies a capture or cancel answer once (guarded by the attempt's key), in one batch (apply.ts).
 * With `respond`, a captured payment is also the request's stored idempotency response.
 */
export async function applyCaptureOrCancel(
  ctx: ServiceContext,
  row: PaymentRow,
  attempt: ProviderAttemptColumn,
  provider: PaymentProvider | null,
  outcome: ProviderOutcome,
  options: { respond?: boolean } = {},
): Promise<PaymentRow> {
  const guard = [sql`${payments.providerAttempt}->>'key' = ${attempt.key}`];
  const now = ctx.services.clock.now();
  const change = (status: PaymentStatus, values: PaymentValues, event?: string) =>
    applyStatusChange(ctx, row, status, values, { guard, ...(event ? { event } : {}), ...options });
  let applied: PaymentRow | null;
  // A definite refusal of a cancel (already canceled there, say) still cancels ours; of a capture, nothing.
  const refused = outcome.status === "failed";
  if (outcome.status === "unknown") {
    applied = await change(row.status, { providerAttempt: { ...attempt, state: "unknown" } });
  } else if (refused && (attempt.kind === "capture" || outcome.failure.retryable || !provider)) {
    applied = await change(row.status, { providerAttempt: null });
  } else if (attempt.kind === "cancel") {
    applied = await change("canceled", {
      providerAttempt: null,
      canceledAt: now,
      cancellationReason: attempt.reason ?? "requested_by_customer",
      amountCapturable: 0,
      nextAction: null,
    });
  } else {
    applied = await change(
      "succeeded",
      {
        providerAttempt: null,
        amountReceived: attempt.amount,
        amountCapturable: 0,
        fee: provider
          ? estimateFee(provider.fees, row.paymentMethodType ?? "card", row.currency, attempt.amount)
          : row.fee,
        availableOn: provider ? availableOn(now, provider) : now,
      },
      "payment.captured",
    );
  }
  return applied ?? findPayment(ctx, row.id, ctx.services.db);
}

function sendCaptureOrCancel(provider: PaymentProvider, row: PaymentRow, attempt: ProviderAttemptColumn) {
  const reference = row.providerReference ?? "";
  return attempt.kind === "cancel"
    ? provider.cancel({ idempotencyKey: attempt.key, reference })
    : provider.capture({
        idempotencyKey: attempt.key,
        reference,
        amount: attempt.amount,
        currency: row.currency,
      });
}

/** Sends a recorded capture/cancel attempt (again: same key) with no lock held, then applies it. */
export async function runCaptureOrCancel(
  ctx: ServiceContext,
  row: PaymentRow,
  attempt: ProviderAttemptColumn,
): Promise<{ row: PaymentRow; outcome: ProviderOutcome }> {
  const provider = await providerForPayment(ctx, attempt.provider, ctx.services.db);
  const outcome = await sendCaptureOrCancel(provider, row, attempt);
  return { row: await applyCaptureOrCancel(ctx, row, attempt, provider, outcome), outcome };
}

async function retryOpenAttempt(
  ctx: ServiceContext,
  row: PaymentRow,
  kind: "capture" | "cancel",
): Promise<Payment> {
  const attempt = row.providerAttempt;
  if (!attempt || attempt.kind !== kind)
    throw stateError(row.status, kind === "capture" ? "captured" : "canceled");
  const result = await runCaptureOrCancel(ctx, row, attempt);
  if (result.outcome.status === "unknown") throw unknownCapture(kind);
  return toPayment(result.row);
}

/**
 * Captures in three database round trips besides the provider call (docs/data-path.md): one batch
 * with the Idempotency-Key claim and the reads (the payment, the connections its provider is built
 * from), one write (the attempt by compare-and-set), and after the call one batch with the
 * outcome, the posting, the events and the stored response.
 */
export async function capturePayment({
  ctx,
  id,
  amountToCapture,
}: {
  ctx: ServiceContext;
  id: string;
  amountToCapture: number | undefined;
}): Promise<Payment> {
  const { db } = ctx.services;
  // The claim rides with the reads: a replay must find the key held before it sees the state
  // its first request left (succeeded), or it would answer 409 instead of the stored response.
  const [found, connections] = (await runBatch(ctx.services, [
    paymentQuery(ctx, id, db),
    providerReads(ctx),
  ])) as [PaymentRow[], Awaited<ReturnType<typeof providerReads>>];
  const current = onePayment(found, id);
  if (current.providerAttempt?.kind === "capture") {
    const payment = await retryOpenAttempt(ctx, current, "capture");
    return payment;
  }
  if (current.status !== "requires_capture" || current.providerAttempt)
    throw stateError(current.status, "captured");
  const amount = amountToCapture ?? current.amountCapturable;
  if (amount > current.amountCapturable) {
    throw new ApiError("capture_amount_invalid", {
      param: "amount_to_capture",
      message: `At most ${current.amountCapturable} can be captured.`,
    });
  }
  const provider = await providerFrom(ctx, current.provider ?? "", connections);
  const [claimed] = await runBatch(ctx.services, [
    claimAttemptQuery(
      ctx,
      id,
      { kind: "capture", provider: provider.id, key: `${id}:capture`, index: 1, amount },
      ["requires_capture"],
    ),
  ]);
  const [row] = claimed as PaymentRow[];
  if (!row?.providerAttempt) throw stateError((await findPayment(ctx, id, db)).status, "captured");
  const outcome = await sendCaptureOrCancel(provider, row, row.providerAttempt);
  const captured = await applyCaptureOrCancel(ctx, row, row.providerAttempt, provider, outcome, {
    respond: outcome.status === "succeeded",
  });
  if (outcome.status === "unknown") throw unknownCapture("capture");
  if (outcome.status === "failed") {
    throw new ApiError(outcome.failure.retryable ? "provider_unavailable" : "payment_state_invalid", {
      message: `The provider refused the capture: ${outcome.failure.message}`,
    });
  }
  return toPayment(captured);
}

export async function cancelPayment({
  ctx,
  id,
  reason,
}: {
  ctx: ServiceContext;
  id: string;
  reason: string | undefined;
}): Promise<Payment> {
  const current = await findPayment(ctx, id, ctx.services.db);
  if (current.providerAttempt?.kind === "cancel") {
    const payment = await retryOpenAttempt(ctx, current, "cancel");
    return payment;
  }
  // An authorization whose outcome is open may have charged: it is resolved first, never canceled blind.
  if (current.providerAttempt)
    throw stateError(current.status === "processing" ? "processing" : current.status, "canceled");
  assertTransition(current.status, "canceled", "canceled");
  const cancellationReason = reason ?? "requested_by_customer";
  const allowed = (
    ["requires_payment_method", "requires_confirmation", "requires_action", "requires_capture"] as const
  ).filter((status) => status === current.status);
  const row = await claimAttempt(
    ctx,
    id,
    {
      kind: "cancel",
      provider: current.provider ?? "none",
      key: `${id}:cancel`,
      index: 1,
      amount: 0,
      reason: cancellationReason,
    },
    allowed,
  );
  if (!row?.providerAttempt)
    throw stateError((await findPayment(ctx, id, ctx.services.db)).status, "canceled");
  let payment: PaymentRow;
  if (row.provider && row.providerReference) {
    const result = await runCaptureOrCancel(ctx, row, row.providerAttempt);
    if (result.outcome.status === "unknown") throw unknownCapture("cancel");
    if (result.outcome.status === "failed" && result.outcome.failure.retryable) {
      throw new ApiError("provider_unavailable");
    }
    payment = result.row;
  } else {
    payment = await applyCaptureOrCancel(ctx, row, row.providerAttempt, null, {
      status: "succeeded",
      reference: "",
    });
  }
  return toPayment(payment);
}
