import { and, eq, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { runBatch } from "../../core/batch";
import type { ServiceContext, Services } from "../../core/context";
import { gatedChangeMembers } from "../../core/events";
import { systemContext } from "../../core/http";
import { findMethodType, methodSupports } from "../payment-methods/service";
import { appliedCount } from "./expire";
import { toCheckoutSession } from "./rows";
import { type CheckoutPaymentStatus, type CheckoutSessionRow, checkoutSessions } from "./tables";

/**
 * What every way of paying a session shares: the page's state, and the two outcomes of a claimed
 * session, complete (by compare-and-set, with checkout.session.completed) or released for a retry.
 */

/** What the hosted page shows, or where it sends the customer. */
export interface CheckoutPageState {
  row: CheckoutSessionRow;
  /** The methods this session offers that the catalog allows for its currency (and country). */
  methods: string[];
  /** A redirect: the merchant's success URL, or a 3-D Secure / bank page. */
  redirect: string | null;
  /** The catalog code of the last refusal, for a message the customer can act on. */
  error: string | null;
}

export function contextOf(services: Services, row: CheckoutSessionRow): ServiceContext {
  return systemContext(services, row, "checkout_customer");
}

/**
 * The session by id alone: the hosted page has no API key, the id in its URL is the credential, and
 * the row then gives the merchant and environment every further query is scoped to.
 */
export async function findSessionById(
  services: Services,
  id: string,
): Promise<CheckoutSessionRow | undefined> {
  const [row] = await services.db.select().from(checkoutSessions).where(eq(checkoutSessions.id, id)).limit(1);
  return row;
}

function methodsFor(row: CheckoutSessionRow, country: string | null): string[] {
  return row.paymentMethodTypes.filter((type) => {
    const method = findMethodType(type);
    return method ? methodSupports(method, row.currency, country).ok : false;
  });
}

function successTarget(row: CheckoutSessionRow): string | null {
  return row.successUrl ? row.successUrl.replaceAll("{CHECKOUT_SESSION_ID}", row.id) : null;
}

export function state(row: CheckoutSessionRow, extra: Partial<CheckoutPageState> = {}): CheckoutPageState {
  return { row, methods: methodsFor(row, null), redirect: null, error: row.lastError, ...extra };
}

/** How a session completed: its payment (payment mode), or its subscription and customer (subscription mode). */
export interface Completion {
  paymentStatus: CheckoutPaymentStatus;
  paymentId: string | null;
  subscriptionId?: string;
  customerId?: string;
}

/** open → complete by compare-and-set, with checkout.session.completed only when it matched. */
export async function complete(
  ctx: ServiceContext,
  row: CheckoutSessionRow,
  completion: Completion,
  guard: SQL,
): Promise<CheckoutPageState> {
  const now = ctx.services.clock.now();
  const values = {
    status: "complete" as const,
    ...completion,
    subscriptionAttempt: null,
    lastError: null,
    completedAt: now,
    updatedAt: now,
  };
  const previous: Record<string, unknown> = { status: "open", payment_status: "unpaid" };
  if (completion.subscriptionId) previous.subscription = null;
  if (completion.customerId && completion.customerId !== row.customerId) previous.customer = row.customerId;
  const done: CheckoutSessionRow = { ...row, ...values };
  const update = ctx.services.db
    .update(checkoutSessions)
    .set(values)
    .where(and(eq(checkoutSessions.id, row.id), eq(checkoutSessions.status, "open"), guard))
    .returning({ id: checkoutSessions.id });
  const event = gatedChangeMembers(
    ctx,
    {
      type: "checkout.session.completed",
      object: toCheckoutSession(ctx.services.config.PUBLIC_URL, done),
      previousAttributes: previous,
    },
    "completed",
    "change",
  );
  const [result] = await runBatch(ctx.services, [
    ctx.services.db.execute(
      sql`with completed as ${update}, ${event} select count(*)::int as applied from completed`,
    ),
  ]);
  if (appliedCount(result) === 1) return state(done, { redirect: successTarget(done) });
  // Another request (the return from 3-D Secure, a second tab) applied the outcome first.
  return state((await findSessionById(ctx.services, row.id)) ?? done);
}

/**
 * The payment failed: the claim is given back (and a payment link's reserved place with it) in one
 * statement, so the customer can try again on the same session.
 */
export async function release(
  ctx: ServiceContext,
  row: CheckoutSessionRow,
  guard: SQL,
  code: string,
): Promise<CheckoutPageState> {
  const now = ctx.services.clock.now();
  // The customer a subscription checkout made is kept, so another card reuses it.
  const values = {
    paymentClaim: null,
    paymentId: null,
    subscriptionAttempt: null,
    lastError: code,
    customerId: row.customerId,
    updatedAt: now,
  };
  const update = ctx.services.db
    .update(checkoutSessions)
    .set({ ...values, failedAttempts: sql`${checkoutSessions.failedAttempts} + 1` })
    .where(and(eq(checkoutSessions.id, row.id), eq(checkoutSessions.status, "open"), guard))
    .returning({ paymentLinkId: checkoutSessions.paymentLinkId });
  const statements: BatchItem<"pg">[] = [
    ctx.services.db.execute(sql`with released as ${update}
      update payment_links set completed_sessions_count = completed_sessions_count - 1
      where id in (select payment_link_id from released where payment_link_id is not null)`),
  ];
  await runBatch(ctx.services, [...statements]);
  return state({ ...row, ...values, failedAttempts: row.failedAttempts + 1 }, { error: code });
}
