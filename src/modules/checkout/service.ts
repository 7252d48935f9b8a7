import { eq } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import { notFound } from "../../core/errors";
import { type ListPage, paginateTable } from "../../core/pagination";
import { tenantRow, tenantScope } from "../../core/tenancy";
import { toCheckoutSession, toLineItem } from "./rows";
import type { CheckoutLineItem, CheckoutSession, ListCheckoutSessionsQuery } from "./schemas";
import { type CheckoutSessionRow, checkoutSessions } from "./tables";

export { settleAsyncPayments } from "./async-payments";
/**
 * The checkout module's door. Verbs live in files named by what happens: create.ts (open a
 * session), pay.ts (the hosted page's payment, exactly once), expire.ts; this file reads.
 */
export { createCheckoutSession, openCheckoutSession, type SessionSpec } from "./create";
export { expireCheckoutSession, expireDueSessions } from "./expire";
export {
  type CheckoutPageState,
  loadCheckoutPage,
  type PayChoices,
  type PayRequest,
  paySession,
  priceChoices,
  recoverStalledClaims,
  releaseAbandonedSessions,
} from "./pay";

async function findSession(ctx: ServiceContext, id: string): Promise<CheckoutSessionRow> {
  const [row] = await ctx.services.db
    .select()
    .from(checkoutSessions)
    .where(tenantRow(checkoutSessions, ctx, id))
    .limit(1);
  if (!row) throw notFound("checkout session", id);
  return row;
}

export async function retrieveCheckoutSession({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<CheckoutSession> {
  return toCheckoutSession(ctx.services.config.PUBLIC_URL, await findSession(ctx, id));
}

export async function listCheckoutSessionLineItems({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<ListPage<CheckoutLineItem>> {
  const row = await findSession(ctx, id);
  return { data: row.lineItems.map((line, index) => toLineItem(row.id, line, index)), hasMore: false };
}

export async function listCheckoutSessions({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListCheckoutSessionsQuery;
}): Promise<ListPage<CheckoutSession>> {
  const filters = tenantScope(checkoutSessions, ctx);
  if (query.status) filters.push(eq(checkoutSessions.status, query.status));
  if (query.payment_link) filters.push(eq(checkoutSessions.paymentLinkId, query.payment_link));
  if (query.customer) filters.push(eq(checkoutSessions.customerId, query.customer));
  const page = await paginateTable({
    db: ctx.services.db,
    table: checkoutSessions,
    scope: filters,
    tenantScope: tenantScope(checkoutSessions, ctx),
    query,
  });
  const publicUrl = ctx.services.config.PUBLIC_URL;
  return { data: page.data.map((row) => toCheckoutSession(publicUrl, row)), hasMore: page.hasMore };
}
