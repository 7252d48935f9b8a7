import { and, asc, eq, isNotNull, isNull, lte, type SQL } from "drizzle-orm";
import { constantTimeEqual } from "../../core/auth/crypto";
import type { ServiceContext, Services } from "../../core/context";
import type { Executor, Transaction } from "../../core/db";
import { ApiError, type ErrorCode } from "../../core/errors";
import { previousAttributes, recordChange } from "../../core/events";
import { newId, randomBase62 } from "../../core/ids";
import { type EntryInput, post } from "../../core/ledger";
import { type ListPage, paginateTable } from "../../core/pagination";
import { invalidateStatus, type StatusDocument } from "../../core/status";
import { events } from "../../core/tables";
import { customerCountry } from "../customers/service";
import { findMethodType, methodSupports } from "../payment-methods/catalog";
import type { PaymentMethodData } from "../payment-methods/schemas";
import {
  insertPaymentMethod,
  type PreparedPaymentMethod,
  preparePaymentMethod,
  type TransientCard,
  usablePaymentMethod,
} from "../payment-methods/service";
import type { PaymentMethodRow } from "../payment-methods/tables";
import { estimateFee } from "../providers/fees";
import { recordProviderCalls } from "../providers/health";
import { routePayment, splitBucket } from "../providers/routing";
import { behaviorForAmount } from "../providers/sandbox";
import { loadRoutingSetup, providerForPayment } from "../providers/service";
import type { PaymentProvider, ProviderFailure, ProviderOutcome } from "../providers/types";
import type { ConfirmPaymentInput, CreatePaymentInput, ListPaymentsQuery, Payment } from "./schemas";
import { type PaymentRow, type PaymentStatus, payments, type RoutingColumn } from "./tables";
import { assertTransition, stateError, statusEvents } from "./transitions";

const DAY_MS = 86_400_000;

export function toPayment(row: PaymentRow): Payment {
  return {
    id: row.id,
    object: "payment",
    environment: row.environment,
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    capture_method: row.captureMethod,
    customer: row.customerId,
    payment_method: row.paymentMethodId,
    payment_method_type: row.paymentMethodType,
    payment_method_details: row.paymentMethodDetails,
    country: row.country,
    amount_capturable: row.amountCapturable,
    amount_received: row.amountReceived,
    amount_refunded: row.amountRefunded,
    fee: row.fee,
    net: row.amountReceived - (row.amountReceived > 0 ? row.fee : 0),
    description: row.description,
    statement_descriptor: row.statementDescriptor,
    metadata: row.metadata,
    return_url: row.returnUrl,
    next_action: row.nextAction,
    routing: row.routing,
    provider: row.provider,
    failure_code: row.failureCode,
    failure_message: row.failureMessage,
    decline_code: row.declineCode,
    cancellation_reason: row.cancellationReason,
    canceled_at: row.canceledAt?.toISOString() ?? null,
    available_on: row.availableOn?.toISOString() ?? null,
    settled: row.settledAt !== null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

function scope(ctx: Pick<ServiceContext, "merchantId" | "environment">): SQL[] {
  return [eq(payments.merchantId, ctx.merchantId), eq(payments.environment, ctx.environment)];
}

function missing(id: string): ApiError {
  return new ApiError("resource_missing", { param: "id", message: `No such payment: ${id}` });
}

async function lockPayment(tx: Executor, ctx: ServiceContext, id: string): Promise<PaymentRow> {
  const [row] = await tx
    .select()
    .from(payments)
    .where(and(eq(payments.id, id), ...scope(ctx)))
    .for("update")
    .limit(1);
  if (!row) throw missing(id);
  return row;
}

/** Resolves the method a payment will use: a saved one, or inline data saved now (without the card). */
interface ResolvedMethod {
  row: PaymentMethodRow;
  card: TransientCard | null;
}

async function resolveMethod(
  tx: Transaction,
  ctx: ServiceContext,
  options: {
    savedId: string | undefined;
    prepared: PreparedPaymentMethod | null;
    customerId: string | null;
  },
): Promise<ResolvedMethod | null> {
  if (options.savedId && options.prepared) {
    throw new ApiError("parameter_invalid", {
      param: "payment_method_data",
      message: "Send payment_method or payment_method_data, not both.",
    });
  }
  if (options.savedId) {
    return { row: await usablePaymentMethod(tx, ctx, options.savedId, options.customerId), card: null };
  }
  if (options.prepared) {
    const row = await insertPaymentMethod(tx, ctx, options.prepared, { customerId: null, metadata: {} });
    return { row, card: options.prepared.card };
  }
  return null;
}

async function prepareInline(ctx: ServiceContext, data: PaymentMethodData | undefined) {
  return data ? preparePaymentMethod(ctx, data, "payment_method_data") : null;
}

/** Checks the method against the catalog before any provider is called. */
function checkSupport(method: PaymentMethodRow, payment: PaymentRow, country: string | null): void {
  const type = findMethodType(method.type);
  if (!type) throw new ApiError("payment_method_unsupported", { param: "payment_method" });
  const support = methodSupports(type, payment.currency, country);
  if (!support.ok) {
    throw new ApiError("payment_method_unsupported", {
      param: support.reason === "currency" ? "currency" : "payment_method",
      message:
        support.reason === "currency"
          ? `${type.name} does not support ${payment.currency}; it takes ${type.currencies.join(", ")}.`
          : `${type.name} is not available in ${country}; it serves ${type.countries.join(", ")}.`,
    });
  }
  if (payment.captureMethod === "manual" && !type.manualCapture) {
    throw new ApiError("payment_method_unsupported", {
      param: "capture_method",
      message: `${type.name} does not support manual capture.`,
    });
  }
}

function sandboxActionUrl(services: Services, paymentId: string, token: string): string {
  const url = new URL(`/sandbox/actions/${paymentId}`, services.config.PUBLIC_URL);
  url.searchParams.set("token", token);
  return url.toString();
}

/** The ledger movement of money captured: provider clearing → merchant pending (net) + fees. */
async function postCapture(tx: Executor, row: PaymentRow, at: Date): Promise<void> {
  const provider = row.provider ?? "unknown";
  const gross = row.amountReceived;
  const net = gross - row.fee;
  const entries: EntryInput[] = [
    { account: { kind: `provider_clearing:${provider}`, currency: row.currency }, amount: -gross },
  ];
  if (net > 0) entries.push({ account: { kind: "merchant_pending", currency: row.currency }, amount: net });
  if (row.fee > 0) entries.push({ account: { kind: "fees", currency: row.currency }, amount: row.fee });
  await post(tx, {
    merchantId: row.merchantId,
    environment: row.environment,
    source: `payment:${row.id}:captured`,
    type: "payment",
    status: "pending",
    sourceObjectId: row.id,
    description: row.description ?? `Payment ${row.id}`,
    entries,
    at,
  });
}

interface Outcome {
  status: PaymentStatus;
  values: Partial<typeof payments.$inferInsert>;
  error: ApiError | null;
}

function failureError(failure: ProviderFailure, paymentId: string, methodType: string): ApiError {
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

/** What the payment becomes for a provider's answer; succeeded captures at once. */
function applyOutcome(
  row: PaymentRow,
  outcome: ProviderOutcome,
  provider: PaymentProvider,
  now: Date,
  actionToken: string,
): Outcome {
  const fee = estimateFee(provider.fees, row.paymentMethodType ?? "card", row.currency, row.amount);
  const base = { provider: provider.id, providerReference: outcome.reference, fee, nextAction: null };
  switch (outcome.status) {
    case "succeeded":
      return {
        status: "succeeded",
        values: {
          ...base,
          amountReceived: row.amount,
          amountCapturable: 0,
          availableOn: new Date(now.getTime() + provider.settlementDelayDays * DAY_MS),
        },
        error: null,
      };
    case "requires_capture":
      return { status: "requires_capture", values: { ...base, amountCapturable: row.amount }, error: null };
    case "processing":
      return { status: "processing", values: base, error: null };
    case "requires_action":
      return {
        status: "requires_action",
        values: { ...base, nextAction: outcome.nextAction, actionToken },
        error: null,
      };
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
  }
}

/** Writes a status change, its event, and the ledger posting when money was captured. */
async function transition(
  tx: Executor,
  ctx: ServiceContext,
  before: PaymentRow,
  status: PaymentStatus,
  values: Partial<typeof payments.$inferInsert>,
  options: { event?: string } = {},
): Promise<PaymentRow> {
  const now = ctx.services.clock.now();
  const [row] = await tx
    .update(payments)
    .set({ ...values, status, updatedAt: now })
    .where(eq(payments.id, before.id))
    .returning();
  if (!row) throw new Error("update returned no row");
  if (row.amountReceived > 0 && before.amountReceived === 0) await postCapture(tx, row, now);
  const payment = toPayment(row);
  const { updated_at: _updated, ...changed } = previousAttributes(toPayment(before), payment);
  await recordChange(tx, ctx, {
    type: options.event ?? statusEvents[status],
    object: payment,
    previousAttributes: changed,
  });
  return row;
}

/**
 * Routes and authorizes: the eligible providers in routing order, falling back to the next on a
 * retryable failure. Provider idempotency keys are `${payment}:authorize:${confirmation}:${attempt}`,
 * so if this transaction rolls back after a provider answered, the retry replays the same call.
 */
async function authorize(
  tx: Transaction,
  ctx: ServiceContext,
  row: PaymentRow,
  method: ResolvedMethod,
): Promise<{ row: PaymentRow; error: ApiError | null }> {
  const country = row.country;
  checkSupport(method.row, row, country);
  const setup = await loadRoutingSetup(ctx, tx);
  const decision = routePayment(setup.candidates, {
    method: method.row.type,
    currency: row.currency,
    country,
    amount: row.amount,
    rules: setup.rules,
    splitBucket: splitBucket(row.id),
  });
  if (decision.order.length === 0) {
    throw new ApiError("provider_unavailable", {
      message: `No connected provider supports ${method.row.type} in ${row.currency}${country ? ` for ${country}` : ""}.`,
      extra: { routing: { reason: decision.reason, candidates: decision.candidates } },
    });
  }
  const confirmation = row.confirmations + 1;
  // Simulated processors send the customer to the Worker's own sandbox pages, guarded by this token.
  const actionToken = randomBase62(24);
  const actionUrl =
    row.environment === "sandbox"
      ? sandboxActionUrl(ctx.services, row.id, actionToken)
      : ctx.services.config.PUBLIC_URL;
  const attempts: RoutingColumn["attempts"] = [];
  const now = ctx.services.clock.now();
  let outcome: ProviderOutcome | undefined;
  let chosen: PaymentProvider | undefined;
  for (const [index, providerId] of decision.order.entries()) {
    const provider = setup.providers.get(providerId);
    if (!provider) continue;
    chosen = provider;
    outcome = await provider.authorize({
      idempotencyKey: `${row.id}:authorize:${confirmation}:${index + 1}`,
      paymentId: row.id,
      attempt: index + 1,
      amount: row.amount,
      currency: row.currency,
      method: method.row.type,
      capture: row.captureMethod,
      card: method.card,
      sandboxBehavior: row.sandboxBehavior,
      returnUrl: row.returnUrl,
      actionBaseUrl: actionUrl,
      description: row.description,
    });
    const failure = outcome.status === "failed" ? outcome.failure : null;
    attempts.push({ provider: provider.id, outcome: outcome.status, code: failure?.code ?? null });
    if (!failure?.retryable) break;
  }
  if (!outcome || !chosen) throw new ApiError("provider_unavailable");
  await recordProviderCalls(
    ctx,
    attempts.map((attempt) => ({
      provider: attempt.provider,
      retryableFailure: attempt.code === "processing_error" || attempt.code === "provider_unavailable",
    })),
  );
  const last = attempts.length > 1 ? ` (fell back after ${attempts.length - 1} retryable failure(s))` : "";
  const routing: RoutingColumn = {
    provider: chosen.id,
    reason: `${decision.reason}${last}`,
    candidates: decision.candidates,
    attempts,
  };
  const applied = applyOutcome(row, outcome, chosen, now, actionToken);
  assertTransition(row.status, applied.status, "confirmed");
  const updated = await transition(tx, ctx, row, applied.status, {
    ...applied.values,
    routing,
    confirmations: confirmation,
    paymentMethodId: method.row.id,
    paymentMethodType: method.row.type,
    paymentMethodDetails: {
      type: method.row.type,
      card: method.row.card,
      upi: method.row.upiVpa === null ? null : { vpa: method.row.upiVpa },
    },
  });
  return { row: updated, error: applied.error };
}

async function routingCountry(
  tx: Executor,
  ctx: ServiceContext,
  method: PaymentMethodRow,
  customerId: string | null,
): Promise<string | null> {
  if (method.card?.country) return method.card.country;
  if (method.billing.country) return method.billing.country;
  return customerId ? customerCountry(ctx, customerId, "customer", tx) : null;
}

function sandboxBehavior(ctx: ServiceContext, method: PaymentMethodRow, amount: number): string | null {
  if (ctx.environment !== "sandbox") return null;
  if (method.sandboxBehavior) return method.sandboxBehavior;
  return method.type === "card" || method.type === "upi" ? null : behaviorForAmount(amount);
}

/** A committed failure is still a failure for the caller: 402 with the decline code, after commit. */
function finish(result: { row: PaymentRow; error: ApiError | null }): Payment {
  if (result.error) throw result.error;
  return toPayment(result.row);
}

export async function createPayment({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreatePaymentInput;
}): Promise<Payment> {
  if (input.confirm && !input.payment_method && !input.payment_method_data) {
    throw new ApiError("parameter_missing", {
      param: "payment_method",
      message: "confirm: true needs payment_method or payment_method_data.",
    });
  }
  const prepared = await prepareInline(ctx, input.payment_method_data);
  const customerId = input.customer ?? null;
  if (customerId && !input.payment_method && !prepared) await customerCountry(ctx, customerId, "customer");
  const result = await ctx.services.transaction(async (tx) => {
    const method = await resolveMethod(tx, ctx, { savedId: input.payment_method, prepared, customerId });
    const country = method ? await routingCountry(tx, ctx, method.row, customerId) : null;
    const now = ctx.services.clock.now();
    const [row] = await tx
      .insert(payments)
      .values({
        id: newId("payment"),
        merchantId: ctx.merchantId,
        environment: ctx.environment,
        amount: input.amount,
        currency: input.currency,
        status: method ? "requires_confirmation" : "requires_payment_method",
        captureMethod: input.capture_method,
        customerId,
        paymentMethodId: method?.row.id ?? null,
        paymentMethodType: method?.row.type ?? null,
        paymentMethodDetails: method
          ? {
              type: method.row.type,
              card: method.row.card,
              upi: method.row.upiVpa === null ? null : { vpa: method.row.upiVpa },
            }
          : null,
        country,
        sandboxBehavior: method ? sandboxBehavior(ctx, method.row, input.amount) : null,
        description: input.description ?? null,
        statementDescriptor: input.statement_descriptor ?? null,
        metadata: input.metadata ?? {},
        returnUrl: input.return_url ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!row) throw new Error("insert returned no row");
    if (method) checkSupport(method.row, row, country);
    await recordChange(tx, ctx, { type: "payment.created", object: toPayment(row) });
    if (!input.confirm || !method) return { row, error: null };
    return authorize(tx, ctx, row, method);
  });
  return finish(result);
}

export async function confirmPayment({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: ConfirmPaymentInput;
}): Promise<Payment> {
  const prepared = await prepareInline(ctx, input.payment_method_data);
  const result = await ctx.services.transaction(async (tx) => {
    let row = await lockPayment(tx, ctx, id);
    if (row.status !== "requires_payment_method" && row.status !== "requires_confirmation") {
      throw stateError(row.status, "confirmed");
    }
    let method: ResolvedMethod | null = null;
    if (input.payment_method || prepared) {
      method = await resolveMethod(tx, ctx, {
        savedId: input.payment_method,
        prepared,
        customerId: row.customerId,
      });
    } else if (row.paymentMethodId) {
      method = { row: await usablePaymentMethod(tx, ctx, row.paymentMethodId, row.customerId), card: null };
    }
    if (!method) {
      throw new ApiError("parameter_missing", {
        param: "payment_method",
        message: "This payment has no payment method: send payment_method or payment_method_data.",
      });
    }
    const country = await routingCountry(tx, ctx, method.row, row.customerId);
    const [updated] = await tx
      .update(payments)
      .set({
        paymentMethodId: method.row.id,
        paymentMethodType: method.row.type,
        country,
        sandboxBehavior: sandboxBehavior(ctx, method.row, row.amount),
        ...(input.return_url ? { returnUrl: input.return_url } : {}),
      })
      .where(eq(payments.id, row.id))
      .returning();
    if (!updated) throw new Error("update returned no row");
    row = {
      ...updated,
      status: row.status === "requires_payment_method" ? "requires_confirmation" : row.status,
    };
    return authorize(tx, ctx, row, method);
  });
  await invalidateStatus(ctx.services, ctx, id);
  return finish(result);
}

export async function capturePayment({
  ctx,
  id,
  amountToCapture,
}: {
  ctx: ServiceContext;
  id: string;
  amountToCapture: number | undefined;
}): Promise<Payment> {
  const payment = await ctx.services.transaction(async (tx) => {
    const row = await lockPayment(tx, ctx, id);
    if (row.status !== "requires_capture") throw stateError(row.status, "captured");
    const amount = amountToCapture ?? row.amountCapturable;
    if (amount > row.amountCapturable) {
      throw new ApiError("capture_amount_invalid", {
        param: "amount_to_capture",
        message: `At most ${row.amountCapturable} can be captured.`,
      });
    }
    const provider = await providerForPayment(ctx, row.provider ?? "", tx);
    const outcome = await provider.capture({
      idempotencyKey: `${row.id}:capture`,
      reference: row.providerReference ?? "",
      amount,
      currency: row.currency,
    });
    if (outcome.status === "failed") {
      throw new ApiError(outcome.failure.retryable ? "provider_unavailable" : "payment_state_invalid", {
        message: `The provider refused the capture: ${outcome.failure.message}`,
      });
    }
    const now = ctx.services.clock.now();
    const updated = await transition(
      tx,
      ctx,
      row,
      "succeeded",
      {
        amountReceived: amount,
        amountCapturable: 0,
        fee: estimateFee(provider.fees, row.paymentMethodType ?? "card", row.currency, amount),
        availableOn: new Date(now.getTime() + provider.settlementDelayDays * DAY_MS),
      },
      { event: "payment.captured" },
    );
    return toPayment(updated);
  });
  await invalidateStatus(ctx.services, ctx, id);
  return payment;
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
  const payment = await ctx.services.transaction(async (tx) => {
    const row = await lockPayment(tx, ctx, id);
    assertTransition(row.status, "canceled", "canceled");
    if (row.provider && row.providerReference) {
      const provider = await providerForPayment(ctx, row.provider, tx);
      const outcome = await provider.cancel({
        idempotencyKey: `${row.id}:cancel`,
        reference: row.providerReference,
      });
      if (outcome.status === "failed" && outcome.failure.retryable)
        throw new ApiError("provider_unavailable");
    }
    const now = ctx.services.clock.now();
    const updated = await transition(tx, ctx, row, "canceled", {
      canceledAt: now,
      cancellationReason: reason ?? "requested_by_customer",
      amountCapturable: 0,
      nextAction: null,
    });
    return toPayment(updated);
  });
  await invalidateStatus(ctx.services, ctx, id);
  return payment;
}

export async function retrievePayment({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<Payment> {
  const [row] = await ctx.services.db
    .select()
    .from(payments)
    .where(and(eq(payments.id, id), ...scope(ctx)))
    .limit(1);
  if (!row) throw missing(id);
  return toPayment(row);
}

/**
 * An object's status history from its events (each carries the object as it was), oldest first;
 * events of one transaction share a timestamp, so `rank` orders them by the state machine.
 */
export async function statusTimeline(
  ctx: ServiceContext,
  id: string,
  rank: (status: string) => number,
): Promise<StatusDocument["timeline"]> {
  const rows = await ctx.services.db
    .select({ data: events.data, createdAt: events.createdAt })
    .from(events)
    .where(
      and(
        eq(events.objectId, id),
        eq(events.merchantId, ctx.merchantId),
        eq(events.environment, ctx.environment),
      ),
    )
    .orderBy(asc(events.createdAt));
  const steps = rows
    .map((row) => ({ status: String(row.data.status ?? ""), at: row.createdAt }))
    .filter((step) => step.status !== "")
    .sort((a, b) => a.at.getTime() - b.at.getTime() || rank(a.status) - rank(b.status));
  const timeline: StatusDocument["timeline"] = [];
  for (const step of steps) {
    if (timeline.at(-1)?.status !== step.status)
      timeline.push({ status: step.status, at: step.at.toISOString() });
  }
  return timeline;
}

const paymentStatusOrder: readonly PaymentStatus[] = [
  "requires_payment_method",
  "requires_confirmation",
  "requires_action",
  "processing",
  "requires_capture",
  "succeeded",
  "failed",
  "canceled",
];

/** The polling document for /status/payments/{id} (status module's registry). */
export async function paymentStatus({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<StatusDocument | undefined> {
  const [row] = await ctx.services.db
    .select()
    .from(payments)
    .where(and(eq(payments.id, id), ...scope(ctx)))
    .limit(1);
  if (!row) return undefined;
  return {
    id: row.id,
    object: "payment",
    status: row.status,
    amount: row.amount,
    currency: row.currency,
    updated_at: row.updatedAt.toISOString(),
    timeline: await statusTimeline(ctx, id, (status) => paymentStatusOrder.indexOf(status as PaymentStatus)),
  };
}

export async function listPayments({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListPaymentsQuery;
}): Promise<ListPage<Payment>> {
  const { db } = ctx.services;
  const filters = scope(ctx);
  if (query.status) filters.push(eq(payments.status, query.status));
  if (query.customer) filters.push(eq(payments.customerId, query.customer));
  if (query.payment_method_type) filters.push(eq(payments.paymentMethodType, query.payment_method_type));
  if (query.currency) filters.push(eq(payments.currency, query.currency));
  const page = await paginateTable({ db, table: payments, scope: filters, tenantScope: scope(ctx), query });
  return { data: page.data.map((row) => toPayment(row)), hasMore: page.hasMore };
}

/**
 * The customer's side of a sandbox action (3-D Secure, redirect, voucher, QR, approval in the
 * app, a bank transfer arriving): approve completes the payment, decline fails it.
 */
async function completeAction(
  tx: Transaction,
  ctx: ServiceContext,
  row: PaymentRow,
  approve: boolean,
): Promise<PaymentRow> {
  if (approve) {
    const manual = row.captureMethod === "manual";
    const target: PaymentStatus = manual ? "requires_capture" : "succeeded";
    assertTransition(row.status, target, "completed");
    const provider = await providerForPayment(ctx, row.provider ?? "", tx);
    const now = ctx.services.clock.now();
    return transition(
      tx,
      ctx,
      row,
      target,
      manual
        ? { nextAction: null, amountCapturable: row.amount }
        : {
            nextAction: null,
            amountReceived: row.amount,
            availableOn: new Date(now.getTime() + provider.settlementDelayDays * DAY_MS),
          },
    );
  }
  assertTransition(row.status, "failed", "failed");
  const threeDs = row.nextAction?.type === "three_d_secure";
  return transition(tx, ctx, row, "failed", {
    nextAction: null,
    failureCode: threeDs ? "payment_authentication_failed" : "payment_declined",
    failureMessage: threeDs
      ? "The customer failed 3-D Secure authentication."
      : "The customer declined the payment.",
    declineCode: threeDs ? "authentication_failed" : "customer_declined",
  });
}

function systemContext(services: Services, row: PaymentRow): ServiceContext {
  return {
    services,
    merchantId: row.merchantId,
    environment: row.environment,
    actor: { type: "system", id: "sandbox_customer" },
    requestId: null,
  };
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
  if (!row?.actionToken || !constantTimeEqual(row.actionToken, token)) throw missing(id);
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
  const ctx = systemContext(services, found);
  const view = await services.transaction(async (tx) => {
    const row = await lockPayment(tx, ctx, id);
    if (row.status !== "requires_action") return viewOf(row);
    return viewOf(await completeAction(tx, ctx, row, approve));
  });
  await invalidateStatus(services, ctx, id);
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
    const row = await lockPayment(tx, ctx, id);
    if (row.status !== "requires_action" && row.status !== "processing")
      throw stateError(row.status, "completed");
    return toPayment(await completeAction(tx, ctx, row, outcome === "succeeded"));
  });
  await invalidateStatus(ctx.services, ctx, id);
  return payment;
}

/** Moves a captured payment's net from pending to available, once (idempotent on its source). */
async function settleRow(tx: Executor, row: PaymentRow, now: Date): Promise<boolean> {
  if (row.settledAt || row.amountReceived === 0) return false;
  const net = row.amountReceived - row.fee;
  if (net > 0) {
    await post(tx, {
      merchantId: row.merchantId,
      environment: row.environment,
      source: `payment:${row.id}:settled`,
      type: "payment",
      status: "posted",
      sourceObjectId: row.id,
      description: `Settlement of ${row.id}`,
      entries: [
        { account: { kind: "merchant_pending", currency: row.currency }, amount: -net },
        { account: { kind: "merchant_available", currency: row.currency }, amount: net },
      ],
      at: now,
    });
  }
  await tx.update(payments).set({ settledAt: now, updatedAt: now }).where(eq(payments.id, row.id));
  return true;
}

/** Sandbox helper: settle one payment now instead of after the provider's delay. */
export async function settlePaymentNow({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<Payment> {
  if (ctx.environment !== "sandbox") throw new ApiError("sandbox_only");
  const payment = await ctx.services.transaction(async (tx) => {
    const row = await lockPayment(tx, ctx, id);
    if (row.status !== "succeeded") throw stateError(row.status, "settled");
    const now = ctx.services.clock.now();
    await settleRow(tx, row, now);
    return toPayment({ ...row, settledAt: row.settledAt ?? now, updatedAt: now });
  });
  await invalidateStatus(ctx.services, ctx, id);
  return payment;
}

/** The payment-settle function: every captured payment whose available_on has passed, in batches. */
export async function settleDuePayments(services: Services, limit = 200): Promise<number> {
  const now = services.clock.now();
  const settled = await services.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(payments)
      .where(and(isNull(payments.settledAt), isNotNull(payments.availableOn), lte(payments.availableOn, now)))
      .orderBy(asc(payments.availableOn))
      .limit(limit)
      .for("update", { skipLocked: true });
    const rows: PaymentRow[] = [];
    for (const row of due) if (await settleRow(tx, row, now)) rows.push(row);
    return rows;
  });
  await Promise.all(settled.map((row) => invalidateStatus(services, row, row.id)));
  return settled.length;
}

/** For refunds: the payment locked for the refund's transaction, scoped like every read. */
export async function lockPaymentForRefund(
  tx: Executor,
  ctx: ServiceContext,
  id: string,
): Promise<PaymentRow> {
  return lockPayment(tx, ctx, id);
}

/** For refunds: adds to (or, for a failed refund, takes back from) amount_refunded, with an event. */
export async function recordRefundedAmount(
  tx: Executor,
  ctx: ServiceContext,
  row: PaymentRow,
  delta: number,
): Promise<PaymentRow> {
  const [updated] = await tx
    .update(payments)
    .set({ amountRefunded: row.amountRefunded + delta, updatedAt: ctx.services.clock.now() })
    .where(eq(payments.id, row.id))
    .returning();
  if (!updated) throw new Error("update returned no row");
  await recordChange(tx, ctx, {
    type: "payment.refunded",
    object: toPayment(updated),
    previousAttributes: { amount_refunded: row.amountRefunded },
  });
  return updated;
}

/**
 * An asynchronous outcome a provider reported (Stripe webhooks): applied to the payment with this
 * provider reference in the connection's merchant and environment, once (a replay finds it final).
 */
export async function applyProviderOutcome(
  services: Services,
  owner: Pick<ServiceContext, "merchantId" | "environment">,
  provider: string,
  reference: string,
  outcome: "succeeded" | "failed",
): Promise<Payment | null> {
  const ctx: ServiceContext = {
    services,
    ...owner,
    actor: { type: "system", id: `provider:${provider}` },
    requestId: null,
  };
  const payment = await services.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(payments)
      .where(and(eq(payments.provider, provider), eq(payments.providerReference, reference), ...scope(ctx)))
      .for("update")
      .limit(1);
    if (!row || (row.status !== "requires_action" && row.status !== "processing")) return null;
    return toPayment(await completeAction(tx, ctx, row, outcome === "succeeded"));
  });
  if (payment) await invalidateStatus(services, ctx, payment.id);
  return payment;
}
