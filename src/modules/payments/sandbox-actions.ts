import { and, eq, or, sql } from "drizzle-orm";
import { constantTimeEqual } from "../../core/auth/crypto";
import type { ServiceContext, Services } from "../../core/context";
import type { Transaction } from "../../core/db";
import { ApiError } from "../../core/errors";
import { systemContext } from "../../core/http";
import { tenantScope } from "../../core/tenancy";
import { findMethodType } from "../payment-methods/service";
import { providerForPayment } from "../providers/service";
import type { ProviderOutcome } from "../providers/types";
import { applyAuthorizationOutcome } from "./outcome";
import { availableOn, lockPayment, paymentNotFound, toPayment, writeStatusChange } from "./rows";
import type { Payment } from "./schemas";
import { type PaymentRow, type PaymentStatus, payments } from "./tables";
import { assertTransition, stateError } from "./transitions";

/**
 * The customer's side of an action (3-D Secure, redirect, voucher, QR, approval in the app, a
 * bank transfer arriving): approve completes the payment, decline fails it.
 */
async function completeAction(
  ctx: ServiceContext,
  row: PaymentRow,
  approve: boolean,
  tx: Transaction,
): Promise<PaymentRow> {
  if (approve) {
    const manual = row.captureMethod === "manual";
    const target: PaymentStatus = manual ? "requires_capture" : "succeeded";
    assertTransition(row.status, target, "completed");
    const provider = await providerForPayment(ctx, row.provider ?? "", tx);
    const now = ctx.services.clock.now();
    return writeStatusChange(
      {
        ctx,
        before: row,
        status: target,
        values: manual
          ? { nextAction: null, processingReason: null, amountCapturable: row.amount }
          : {
              nextAction: null,
              processingReason: null,
              amountReceived: row.amount,
              availableOn: availableOn(now, provider),
            },
      },
      tx,
    );
  }
  assertTransition(row.status, "failed", "failed");
  const threeDs = row.nextAction?.type === "three_d_secure";
  return writeStatusChange(
    {
      ctx,
      before: row,
      status: "failed",
      values: {
        nextAction: null,
        processingReason: null,
        failureCode: threeDs ? "payment_authentication_failed" : "payment_declined",
        failureMessage: threeDs
          ? "The customer failed 3-D Secure authentication."
          : "The customer declined the payment.",
        declineCode: threeDs ? "authentication_failed" : "customer_declined",
      },
    },
    tx,
  );
}

export interface SandboxActionView {
  id: string;
  amount: number;
  currency: string;
  methodType: string;
  methodName: string;
  actionType: string;
  reference: string | null;
  status: PaymentStatus;
  returnUrl: string | null;
}

async function findSandboxRow(services: Services, id: string, token: string): Promise<PaymentRow> {
  const [row] = await services.db
    .select()
    .from(payments)
    .where(and(eq(payments.id, id), eq(payments.environment, "sandbox")))
    .limit(1);
  if (!row?.actionToken || !constantTimeEqual(row.actionToken, token)) throw paymentNotFound(id);
  return row;
}

function viewOf(row: PaymentRow): SandboxActionView {
  const type = row.paymentMethodType ?? "card";
  return {
    id: row.id,
    amount: row.amount,
    currency: row.currency,
    methodType: type,
    methodName: findMethodType(type)?.name ?? type,
    actionType: row.nextAction?.type ?? "none",
    reference: row.nextAction?.reference ?? null,
    status: row.status,
    returnUrl: row.returnUrl,
  };
}

export async function describeSandboxAction(
  services: Services,
  id: string,
  token: string,
): Promise<SandboxActionView> {
  return viewOf(await findSandboxRow(services, id, token));
}

/** The sandbox page's approve/decline; the token in the action URL stands in for the customer. */
export async function submitSandboxAction(
  services: Services,
  id: string,
  token: string,
  approve: boolean,
): Promise<SandboxActionView> {
  const found = await findSandboxRow(services, id, token);
  const ctx = systemContext(services, found, "sandbox_customer");
  const view = await services.transaction(async (tx) => {
    const row = await lockPayment(ctx, id, tx);
    if (row.status !== "requires_action") return viewOf(row);
    return viewOf(await completeAction(ctx, row, approve, tx));
  });
  return view;
}

/** Sandbox helper: what the provider would report later (a debit clearing, a transfer arriving). */
export async function simulatePaymentOutcome({
  ctx,
  id,
  outcome,
}: {
  ctx: ServiceContext;
  id: string;
  outcome: "succeeded" | "failed";
}): Promise<Payment> {
  if (ctx.environment !== "sandbox") throw new ApiError("sandbox_only");
  const payment = await ctx.services.transaction(async (tx) => {
    const row = await lockPayment(ctx, id, tx);
    if (row.providerAttempt || (row.status !== "requires_action" && row.status !== "processing"))
      throw stateError(row.status, "completed");
    return toPayment(await completeAction(ctx, row, outcome === "succeeded", tx));
  });
  return payment;
}

/**
 * An asynchronous outcome a provider reported (Stripe webhooks), applied once to the payment with
 * this provider reference, or, when the answer to our call never came back, to the payment named
 * in the object's metadata whose attempt is still open (the same compare-and-set as the request).
 */
export async function completePaymentFromProviderEvent(
  services: Services,
  owner: Pick<ServiceContext, "merchantId" | "environment">,
  provider: string,
  event: { reference: string; paymentId: string | null; outcome: "succeeded" | "failed" },
): Promise<Payment | null> {
  const ctx = systemContext(services, owner, `provider:${provider}`);
  const [open] = await services.db
    .select()
    .from(payments)
    .where(
      and(
        eq(payments.provider, provider),
        ...tenantScope(payments, ctx),
        or(
          eq(payments.providerReference, event.reference),
          event.paymentId
            ? and(eq(payments.id, event.paymentId), sql`${payments.providerAttempt}->>'kind' = 'authorize'`)
            : undefined,
        ),
      ),
    )
    .limit(1);
  if (open?.providerAttempt?.kind === "authorize") {
    const outcome: ProviderOutcome =
      event.outcome === "failed"
        ? {
            status: "failed",
            reference: event.reference,
            failure: {
              code: "card_declined",
              message: "The provider reported the payment failed.",
              declineCode: "generic_decline",
              retryable: false,
            },
          }
        : {
            status: open.captureMethod === "manual" ? "requires_capture" : "succeeded",
            reference: event.reference,
          };
    const applied = await applyAuthorizationOutcome(
      ctx,
      open,
      outcome,
      await providerForPayment(ctx, provider, services.db),
    );
    return toPayment(applied.row);
  }
  const payment = await services.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(payments)
      .where(
        and(
          eq(payments.provider, provider),
          eq(payments.providerReference, event.reference),
          ...tenantScope(payments, ctx),
        ),
      )
      .for("update")
      .limit(1);
    if (!row || (row.status !== "requires_action" && row.status !== "processing")) return null;
    return toPayment(await completeAction(ctx, row, event.outcome === "succeeded", tx));
  });
  return payment;
}
