import { and, asc, eq, isNull, lte, type SQL, sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext, Services } from "../../core/context";
import { ApiError, notFound } from "../../core/errors";
import { gatedChangeMembers } from "../../core/events";
import { systemContext } from "../../core/http";
import { tenantRow } from "../../core/tenancy";
import { toCheckoutSession } from "./rows";
import type { CheckoutSession } from "./schemas";
import { type CheckoutSessionRow, checkoutSessions } from "./tables";

/**
 * Expiry as one statement: open and not being paid (no claim) → expired, with its event only when
 * the compare-and-set matched. A payment in flight wins over expiry; the page completes or
 * releases it, and the next expiry run sees it again.
 */
export function expireStatement(ctx: ServiceContext, row: CheckoutSessionRow, guard: SQL[] = []) {
  const now = ctx.services.clock.now();
  const expired: CheckoutSessionRow = { ...row, status: "expired", updatedAt: now };
  const update = ctx.services.db
    .update(checkoutSessions)
    .set({ status: "expired", updatedAt: now })
    .where(
      and(
        tenantRow(checkoutSessions, ctx, row.id),
        eq(checkoutSessions.status, "open"),
        isNull(checkoutSessions.paymentClaim),
        ...guard,
      ),
    )
    .returning({ id: checkoutSessions.id });
  const event = gatedChangeMembers(
    ctx,
    {
      type: "checkout.session.expired",
      object: toCheckoutSession(ctx.services.config.PUBLIC_URL, expired),
      previousAttributes: { status: "open" },
    },
    "expired",
    "change",
  );
  return {
    statement: sql`with expired as ${update}, ${event} select count(*)::int as applied from expired`,
    row: expired,
  };
}

/** How many rows a change statement's CTE matched, from its batch result. */
export function appliedCount(result: unknown): number {
  const rows = (result as { rows?: Array<{ applied?: unknown }> } | undefined)?.rows;
  return Number(rows?.[0]?.applied ?? 0);
}

export async function expireCheckoutSession({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<CheckoutSession> {
  const [row] = await ctx.services.db
    .select()
    .from(checkoutSessions)
    .where(tenantRow(checkoutSessions, ctx, id))
    .limit(1);
  if (!row) throw notFound("checkout session", id);
  const change = expireStatement(ctx, row);
  const session = toCheckoutSession(ctx.services.config.PUBLIC_URL, change.row);
  const [result] = await runBatch(ctx.services, [ctx.services.db.execute(change.statement)], {
    response: session,
  });
  if (appliedCount(result) !== 1) {
    const message =
      row.status === "open"
        ? "The customer is paying this session right now; it can't be expired."
        : `The session is ${row.status}; only open sessions can be expired.`;
    throw new ApiError("checkout_session_state_invalid", { message });
  }
  return session;
}

/** checkout-expire: open sessions past their expires_at, expired with their events, oldest first. */
export async function expireDueSessions(services: Services, limit = 200): Promise<number> {
  const now = services.clock.now();
  const due = await services.db
    .select()
    .from(checkoutSessions)
    .where(
      and(
        eq(checkoutSessions.status, "open"),
        lte(checkoutSessions.expiresAt, now),
        isNull(checkoutSessions.paymentClaim),
      ),
    )
    .orderBy(asc(checkoutSessions.expiresAt))
    .limit(limit);
  if (due.length === 0) return 0;
  const changes = due.map((row) =>
    expireStatement(systemContext(services, row, "checkout_expiry"), row, [
      lte(checkoutSessions.expiresAt, now),
    ]),
  );
  const statements = changes.map((change) => services.db.execute(change.statement));
  const [first, ...rest] = statements;
  if (!first) return 0;
  const results = await runBatch(services, [first, ...rest]);
  return results.filter((result) => appliedCount(result) === 1).length;
}
