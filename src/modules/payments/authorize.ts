import { eq, sql } from "drizzle-orm";
import type { ServiceContext, Services } from "../../core/context";
import { ApiError } from "../../core/errors";
import { randomBase62 } from "../../core/ids";
import { exactlyOne } from "../../core/tenancy";
import { usablePaymentMethod } from "../payment-methods/service";
import {
  providerForPayment,
  type RoutingSetup,
  recordProviderCalls,
  routePayment,
  routingReads,
  routingSetupFrom,
  splitBucket,
} from "../providers/service";
import type { AuthorizeInput, PaymentProvider, ProviderOutcome } from "../providers/types";
import { assertPaymentVolumeAllowed } from "../verifications/service";
import {
  checkPostable,
  checkSupport,
  methodDetails,
  postableQuery,
  prepareInline,
  type ResolvedMethod,
  resolveMethod,
  routingCountry,
  sandboxBehavior,
} from "./method";
import {
  type AuthorizationResult,
  applyAuthorizationOutcome,
  attemptInput,
  resolveUnknownAttempt,
} from "./outcome";
import { lockPayment, type PaymentValues, toPayment } from "./rows";
import type { ConfirmPaymentInput, Payment } from "./schemas";
import { type PaymentRow, type ProviderAttemptColumn, payments, type RoutingColumn } from "./tables";
import { stateError } from "./transitions";

/** Simulated processors send the customer to the Worker's own sandbox pages, guarded by the token. */
export function actionBaseUrl(
  services: Services,
  row: Pick<PaymentRow, "id" | "environment">,
  token: string,
) {
  if (row.environment !== "sandbox") return services.config.PUBLIC_URL;
  const url = new URL(`/sandbox/actions/${row.id}`, services.config.PUBLIC_URL);
  url.searchParams.set("token", token);
  return url.toString();
}

/** Routing's answer for one confirmation: the providers to try in order, and the first attempt. */
export interface Plan {
  order: string[];
  routing: Omit<RoutingColumn, "attempts" | "provider">;
  first: ProviderAttemptColumn;
}

export function plan(
  ctx: ServiceContext,
  setup: RoutingSetup,
  payment: PaymentValuesForPlan,
  confirmation: number,
): Plan {
  const decision = routePayment(setup.candidates, {
    method: payment.method,
    currency: payment.currency,
    country: payment.country,
    amount: payment.amount,
    rules: setup.rules,
    splitBucket: splitBucket(payment.id),
  });
  const [firstProvider] = decision.order;
  if (!firstProvider) {
    throw new ApiError("provider_unavailable", {
      message: `No connected provider supports ${payment.method} in ${payment.currency}${payment.country ? ` for ${payment.country}` : ""}.`,
      extra: { routing: { reason: decision.reason, candidates: decision.candidates } },
    });
  }
  return {
    order: decision.order,
    routing: { reason: decision.reason, candidates: decision.candidates },
    first: newAttempt(ctx, payment.id, confirmation, 1, firstProvider, payment.amount),
  };
}

interface PaymentValuesForPlan {
  id: string;
  method: string;
  currency: string;
  country: string | null;
  amount: number;
}

/** Provider idempotency keys are `${payment}:authorize:${confirmation}:${attempt}`: a retry repeats them. */
function newAttempt(
  ctx: ServiceContext,
  paymentId: string,
  confirmation: number,
  index: number,
  provider: string,
  amount: number,
): ProviderAttemptColumn {
  return {
    kind: "authorize",
    provider,
    key: `${paymentId}:authorize:${confirmation}:${index}`,
    index,
    amount,
    started_at: ctx.services.clock.now().toISOString(),
    state: "in_flight",
  };
}

/** One call, resolved in the request where it can be: unknown answers go back to the same provider only. */
async function callProvider(provider: PaymentProvider, input: AuthorizeInput): Promise<ProviderOutcome> {
  const first = await provider.authorize(input);
  if (first.status !== "unknown") return first;
  const resolved = await resolveUnknownAttempt(provider, input, first.reference, true);
  return resolved.status === "not_found" ? first : resolved;
}

/**
 * Calls the planned providers with no transaction open. Each attempt was recorded before its call
 * (the first with the confirmation, each fallback by a compare-and-set on the previous key); only a
 * definite refusal moves on to the next provider, never an unknown outcome. The outcome is then
 * applied in its own transaction. If that step fails after a provider answered, the payment is
 * still kept as processing (outcome unknown to us) so the response can be stored and replayed.
 */
export async function runAuthorization(
  ctx: ServiceContext,
  row: PaymentRow,
  method: ResolvedMethod,
  setup: RoutingSetup,
  route: Plan,
  options: { respond?: boolean } = {},
): Promise<AuthorizationResult> {
  let current = row;
  let attempt = route.first;
  const attempts: RoutingColumn["attempts"] = [];
  let outcome: ProviderOutcome | undefined;
  let chosen: PaymentProvider | undefined;
  for (const [index, providerId] of route.order.entries()) {
    const provider = setup.providers.get(providerId);
    if (!provider) continue;
    if (index > 0) {
      const next = newAttempt(ctx, row.id, row.confirmations, index + 1, providerId, row.amount);
      const [moved] = await ctx.services.db
        .update(payments)
        .set({ providerAttempt: next, provider: providerId })
        .where(sql`${payments.id} = ${row.id} and ${payments.providerAttempt}->>'key' = ${attempt.key}`)
        .returning();
      if (!moved) break;
      current = moved;
      attempt = next;
    }
    chosen = provider;
    outcome = await callProvider(
      provider,
      attemptInput(current, attempt, actionBaseUrl(ctx.services, row, row.actionToken ?? ""), method.card),
    );
    const failure = outcome.status === "failed" ? outcome.failure : null;
    const code = outcome.status === "unknown" ? "provider_outcome_unknown" : (failure?.code ?? null);
    attempts.push({ provider: provider.id, outcome: outcome.status, code });
    if (!failure?.retryable) break;
  }
  if (!outcome || !chosen) throw new ApiError("provider_unavailable");
  await recordProviderCalls(
    ctx,
    attempts.map((entry) => ({
      provider: entry.provider,
      retryableFailure:
        entry.code === "processing_error" ||
        entry.code === "provider_unavailable" ||
        entry.code === "provider_outcome_unknown",
    })),
  );
  const fellBack = attempts.length > 1 ? ` (fell back after ${attempts.length - 1} definite refusal(s))` : "";
  const routing: RoutingColumn = {
    ...route.routing,
    provider: chosen.id,
    reason: `${route.routing.reason}${fellBack}`,
    attempts,
  };
  try {
    return await applyAuthorizationOutcome(ctx, current, outcome, chosen, { routing }, options);
  } catch (error) {
    // The provider answered but we could not record it: never drop what may be a charge.
    const unknown: ProviderOutcome = {
      status: "unknown",
      reference: outcome.reference,
      reason: "not_recorded",
    };
    const kept = await applyAuthorizationOutcome(ctx, current, unknown, chosen, { routing }, options).catch(
      () => null,
    );
    if (!kept) throw error;
    return kept;
  }
}

/** A committed failure is still a failure for the caller: 402 with the decline code, after commit. */
export function paymentOrDecline(result: AuthorizationResult): Payment {
  if (result.error) throw result.error;
  return toPayment(result.row);
}

/** Routing's inputs and the check before the call, in one read batch. */
async function routingSetupFor(ctx: ServiceContext, currency: string, amount: number): Promise<RoutingSetup> {
  const [connections, rules, accounts] = await ctx.services.db.batch([
    ...routingReads(ctx),
    postableQuery(ctx, currency),
  ]);
  const setup = await routingSetupFrom(ctx, connections, rules);
  checkPostable(accounts, amount, [...setup.providers.keys()]);
  return setup;
}

/**
 * Picks up an attempt that is still open (its outcome unknown, or a request that died after
 * calling): the same provider and key again, never a new attempt, so nothing is charged twice.
 */
async function resumeAttempt(
  ctx: ServiceContext,
  row: PaymentRow,
  attempt: ProviderAttemptColumn,
  card: ResolvedMethod["card"],
): Promise<AuthorizationResult> {
  const provider = await providerForPayment(ctx, attempt.provider, ctx.services.db);
  const input = attemptInput(row, attempt, actionBaseUrl(ctx.services, row, row.actionToken ?? ""), card);
  const found = await resolveUnknownAttempt(provider, input, row.providerReference, card !== null);
  const outcome: ProviderOutcome =
    found.status === "not_found" ? { status: "unknown", reference: null, reason: "not_found_yet" } : found;
  return applyAuthorizationOutcome(ctx, row, outcome, provider);
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
  const draft = await ctx.services.transaction(async (tx) => lockPayment(ctx, id, tx));
  const open = draft.providerAttempt?.kind === "authorize" ? draft.providerAttempt : null;
  if (open) {
    const result = await resumeAttempt(ctx, draft, open, prepared?.card ?? null);
    return paymentOrDecline(result);
  }
  if (draft.status !== "requires_payment_method" && draft.status !== "requires_confirmation") {
    throw stateError(draft.status, "confirmed");
  }
  const setup = await routingSetupFor(ctx, draft.currency, draft.amount);
  const recorded = await ctx.services.transaction(async (tx) => {
    const row = await lockPayment(ctx, id, tx);
    if (
      row.providerAttempt ||
      (row.status !== "requires_payment_method" && row.status !== "requires_confirmation")
    ) {
      throw stateError(row.status, "confirmed");
    }
    let method: ResolvedMethod | null = null;
    if (input.payment_method || prepared) {
      method = await resolveMethod(
        ctx,
        {
          savedId: input.payment_method,
          prepared,
          customerId: row.customerId,
        },
        tx,
      );
    } else if (row.paymentMethodId) {
      method = {
        row: await usablePaymentMethod({ ctx, id: row.paymentMethodId, customerId: row.customerId }, tx),
        card: null,
      };
    }
    if (!method) {
      throw new ApiError("parameter_missing", {
        param: "payment_method",
        message: "This payment has no payment method: send payment_method or payment_method_data.",
      });
    }
    // Without a payment method the payment was not volume when the KYB check at its creation ran.
    if (row.status === "requires_payment_method") {
      await assertPaymentVolumeAllowed(ctx, { amount: row.amount, currency: row.currency }, tx);
    }
    const country = await routingCountry(ctx, method.row, row.customerId, tx);
    checkSupport(method.row, row, country);
    const confirmation = row.confirmations + 1;
    const route = plan(
      ctx,
      setup,
      { id, method: method.row.type, currency: row.currency, country, amount: row.amount },
      confirmation,
    );
    const values: PaymentValues = {
      paymentMethodId: method.row.id,
      paymentMethodType: method.row.type,
      paymentMethodDetails: methodDetails(method.row),
      country,
      sandboxBehavior: sandboxBehavior(ctx, method.row, row.amount),
      confirmations: confirmation,
      providerAttempt: route.first,
      actionToken: randomBase62(24),
      ...(input.return_url ? { returnUrl: input.return_url } : {}),
    };
    // Internal until the outcome is applied: the event carries the change with the outcome.
    const updated = exactlyOne(
      await tx
        .update(payments)
        .set({ ...values, status: "requires_confirmation" })
        .where(eq(payments.id, row.id))
        .returning(),
    );
    return { row: { ...updated, provider: null }, method, route };
  });
  const result = await runAuthorization(ctx, recorded.row, recorded.method, setup, recorded.route);
  return paymentOrDecline(result);
}
