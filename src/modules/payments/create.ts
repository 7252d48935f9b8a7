import type { SQL } from "drizzle-orm";
import { type BatchOptions, runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { changeStatement } from "../../core/events";
import { newId, randomBase62 } from "../../core/ids";
import { countryOf, customerAddressQuery } from "../customers/service";
import { paymentMethodInsert, paymentMethodQuery, usableFrom } from "../payment-methods/service";
import type { PaymentMethodRow } from "../payment-methods/tables";
import { routingReads, routingSetupFrom } from "../providers/service";
import type { CardSource, NetworkToken } from "../providers/types";
import {
  decidePolicy,
  type PolicyCheck,
  paymentVolumeGate,
  paymentVolumeRefusal,
  policyFacts,
  policyQuery,
} from "../verifications/service";
import { type Plan, paymentOrDecline, plan, runAuthorization } from "./authorize";
import {
  checkPostable,
  checkSupport,
  methodDetails,
  postableQuery,
  prepareInline,
  type ResolvedMethod,
  sandboxBehavior,
} from "./method";
import { toPayment } from "./rows";
import type { CreatePaymentInput, Payment } from "./schemas";
import { type PaymentRow, payments } from "./tables";

/**
 * Creates a payment (and, with confirm: true, authorizes it) in three database round trips
 * besides the provider call (docs/data-path.md):
 *  1. one read batch: routing's inputs (connections, rules), the balances of the check before the
 *     call, the saved payment method and the customer, when given, and the KYB policy's facts
 *     (production payments past KYB_UNVERIFIED_VOLUME_LIMIT need approved KYB);
 *  2. one write batch: the Idempotency-Key claim, the inline payment method, the payment with its
 *     first attempt, their events;
 *  3. after the provider call, one write batch: the outcome by compare-and-set, the ledger posting,
 *     the events and the stored idempotency response (outcome.ts, apply.ts).
 * Everything is decided between 1 and 2 from what 1 read; nothing holds a lock across the call.
 * `networkToken` (wallet completion only, never an API field) makes the inline card a DPAN with
 * its cryptogram and ECI: they travel in memory to the provider call and are never written.
 */
export async function createPayment({
  ctx,
  input,
  networkToken,
}: {
  ctx: ServiceContext;
  input: CreatePaymentInput;
  networkToken?: NetworkToken;
}): Promise<Payment> {
  if (input.confirm && !input.payment_method && !input.payment_method_data) {
    throw new ApiError("parameter_missing", {
      param: "payment_method",
      message: "confirm: true needs payment_method or payment_method_data.",
    });
  }
  const prepared = await prepareInline(ctx, input.payment_method_data);
  if (input.payment_method && prepared) {
    throw new ApiError("parameter_invalid", {
      param: "payment_method_data",
      message: "Send payment_method or payment_method_data, not both.",
    });
  }
  const customerId = input.customer ?? null;
  const { db } = ctx.services;

  // 1. Reads. An absent saved method or customer reads nothing (idIs).
  const gate: PolicyCheck = { name: "payment", amount: input.amount, currency: input.currency };
  const [connections, rules, balances, saved, customer, policy] = await db.batch([
    ...routingReads(ctx),
    postableQuery(ctx, input.currency),
    paymentMethodQuery({ ctx, id: input.payment_method ?? null }),
    customerAddressQuery({ ctx, id: customerId }),
    db.execute(policyQuery(ctx, gate)),
  ]);
  const facts = policyFacts(policy);
  decidePolicy(ctx, gate, facts);
  const customerCountry = customerId ? countryOf(customer, customerId, "customer") : null;
  const setup = input.confirm ? await routingSetupFrom(ctx, connections, rules) : null;
  if (setup) checkPostable(balances, input.amount, [...setup.providers.keys()]);

  // Decide: the method, the payer country, the support check and the routing plan.
  const writes: SQL[] = [];
  let method: ResolvedMethod | null = null;
  if (input.payment_method) {
    method = { row: usableFrom(saved, input.payment_method, customerId), card: null };
  } else if (prepared) {
    const inline = paymentMethodInsert(ctx, prepared, { customerId: null, metadata: {} });
    writes.push(...inline.statements);
    method = { row: inline.row, card: withNetworkToken(prepared.card, networkToken) };
  }
  const country = method ? routingCountryOf(method.row, customerCountry) : null;
  if (method)
    checkSupport(method.row, { currency: input.currency, captureMethod: input.capture_method }, country);
  const id = newId("payment");
  const route: Plan | null =
    setup && method
      ? plan(
          ctx,
          setup,
          { id, method: method.row.type, currency: input.currency, country, amount: input.amount },
          1,
        )
      : null;
  const row = paymentRow(ctx, input, { id, customerId, method: method?.row ?? null, country, route });

  // 2. The intent: claim, method, payment and first attempt, events. The event shows no provider yet.
  const shown: PaymentRow = { ...row, provider: null, providerAttempt: null };
  writes.push(
    db.insert(payments).values(row).getSQL(),
    changeStatement(ctx, { type: "payment.created", object: toPayment(shown) }),
    ...paymentVolumeGate(ctx, input.currency, facts),
  );
  const intent = writes.map((statement) => db.execute(statement));
  const [first, ...rest] = intent;
  if (!first) throw new Error("no statement to write");
  const writeIntent = (options?: BatchOptions) =>
    runBatch(ctx.services, [first, ...rest], options).catch((error: unknown) => {
      throw paymentVolumeRefusal(ctx, input.currency, error) ?? error;
    });
  if (!route || !method || !setup) {
    await writeIntent({ response: toPayment(row) });
    return toPayment(row);
  }
  await writeIntent();

  // The provider call with nothing open, then 3. the outcome in one batch (with the response).
  const before: PaymentRow = { ...row, provider: null };
  return paymentOrDecline(await runAuthorization(ctx, before, method, setup, route, { respond: true }));
}

function withNetworkToken(card: CardSource | null, token: NetworkToken | undefined): CardSource | null {
  if (!token) return card;
  if (!card) throw new Error("a network token needs the inline card it authenticates");
  return { ...card, network_token: token };
}

/** The payer country routing uses: the card's issuing country, the billing country, the customer's. */
function routingCountryOf(method: PaymentMethodRow, customerCountry: string | null): string | null {
  return method.card?.country ?? method.billing.country ?? customerCountry;
}

/** The new payment's row, complete: it is known before it is written, so its event goes in the same batch. */
function paymentRow(
  ctx: ServiceContext,
  input: CreatePaymentInput,
  decided: {
    id: string;
    customerId: string | null;
    method: PaymentMethodRow | null;
    country: string | null;
    route: Plan | null;
  },
): PaymentRow {
  const { method, route } = decided;
  const now = ctx.services.clock.now();
  return {
    id: decided.id,
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    amount: input.amount,
    currency: input.currency,
    status: method ? "requires_confirmation" : "requires_payment_method",
    captureMethod: input.capture_method,
    customerId: decided.customerId,
    paymentMethodId: method?.id ?? null,
    paymentMethodType: method?.type ?? null,
    paymentMethodDetails: method ? methodDetails(method) : null,
    country: decided.country,
    sandboxBehavior: method ? sandboxBehavior(ctx, method, input.amount) : null,
    description: input.description ?? null,
    statementDescriptor: input.statement_descriptor ?? null,
    metadata: input.metadata ?? {},
    returnUrl: input.return_url ?? null,
    nextAction: null,
    actionToken: route ? randomBase62(24) : null,
    routing: null,
    provider: route ? route.first.provider : null,
    providerReference: null,
    confirmations: route ? 1 : 0,
    providerAttempt: route ? route.first : null,
    processingReason: null,
    refundedFromPending: 0,
    fee: 0,
    amountCapturable: 0,
    amountReceived: 0,
    amountRefunded: 0,
    failureCode: null,
    failureMessage: null,
    declineCode: null,
    cancellationReason: null,
    canceledAt: null,
    availableOn: null,
    settledAt: null,
    createdAt: now,
    updatedAt: now,
  };
}
