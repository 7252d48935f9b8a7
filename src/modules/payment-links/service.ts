import { and, eq } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext, Services } from "../../core/context";
import { ApiError, notFound } from "../../core/errors";
import { changeStatement, previousAttributes } from "../../core/events";
import { systemContext } from "../../core/http";
import { newId, randomBase62 } from "../../core/ids";
import { type ListPage, paginateTable } from "../../core/pagination";
import { tenantRow, tenantScope } from "../../core/tenancy";
import { QUANTITY_MAX } from "../checkout/schemas";
import { openCheckoutSession } from "../checkout/service";
import { pricesQuery } from "../prices/service";
import type {
  CreatePaymentLinkInput,
  ListPaymentLinksQuery,
  PaymentLink,
  UpdatePaymentLinkInput,
} from "./schemas";
import { type PaymentLinkRow, paymentLinks } from "./tables";

/** 16 base62 characters: about 95 bits, short enough to share and never guessed. */
const CODE_LENGTH = 16;
/** Sandbox links say so in their URL (as test keys do), and name their environment for the lookup. */
const SANDBOX_PREFIX = "test_";

export function linkUrl(publicUrl: string, row: Pick<PaymentLinkRow, "code" | "environment">): string {
  const prefix = row.environment === "sandbox" ? SANDBOX_PREFIX : "";
  return new URL(`/pay/${prefix}${row.code}`, publicUrl).toString();
}

export function toPaymentLink(publicUrl: string, row: PaymentLinkRow): PaymentLink {
  const after = row.afterCompletion;
  return {
    id: row.id,
    object: "payment_link",
    environment: row.environment,
    url: linkUrl(publicUrl, row),
    active: row.active,
    line_items: row.lineItems.map((item) => ({
      price: item.price,
      quantity: item.quantity,
      adjustable_quantity: item.adjustable ? { enabled: true, ...item.adjustable } : null,
    })),
    custom_amount: row.customAmount,
    payment_method_types: row.paymentMethodTypes,
    after_completion: {
      type: after.type,
      redirect: after.type === "redirect" ? { url: after.url } : null,
      hosted_confirmation: after.type === "hosted_confirmation" ? { custom_message: after.message } : null,
    },
    restrictions: {
      completed_sessions:
        row.completedSessionsLimit === null
          ? null
          : { limit: row.completedSessionsLimit, count: row.completedSessionsCount },
    },
    expires_at: row.expiresAt?.toISOString() ?? null,
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

function invalid(param: string, message: string): ApiError {
  return new ApiError("checkout_line_items_invalid", { param, message });
}

export async function createPaymentLink({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreatePaymentLinkInput;
}): Promise<PaymentLink> {
  const items = input.line_items ?? [];
  const now = ctx.services.clock.now();
  if (input.expires_at && new Date(input.expires_at) <= now) {
    throw new ApiError("parameter_invalid", {
      param: "expires_at",
      message: "expires_at must be in the future.",
    });
  }
  // The prices are checked now, so the link's visitors never meet an unusable one; the session
  // each visit opens checks them again (a price archived later stops the link's sessions).
  if (items.length > 0) {
    const rows = await pricesQuery(
      ctx,
      items.map((item) => item.price),
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    const currencies = new Set<string>();
    items.forEach((item, index) => {
      const price = byId.get(item.price);
      const param = `line_items[${index}].price`;
      if (!price) throw new ApiError("resource_missing", { param, message: `No such price: ${item.price}` });
      if (!price.active) throw invalid(param, `Price ${price.id} is archived.`);
      if (price.recurringInterval || price.meterId)
        throw invalid(param, `Price ${price.id} is not one-time.`);
      if (item.adjustable_quantity?.enabled && price.pricingModel !== "per_unit") {
        throw invalid(
          `line_items[${index}].adjustable_quantity`,
          "Only per-unit prices can have an adjustable quantity.",
        );
      }
      // As a checkout session requires: else every visit's session would be refused.
      const adjustable = item.adjustable_quantity;
      if (
        adjustable?.enabled &&
        (item.quantity < (adjustable.minimum ?? 0) || item.quantity > (adjustable.maximum ?? QUANTITY_MAX))
      ) {
        throw invalid(
          `line_items[${index}].quantity`,
          "quantity must be within adjustable_quantity's bounds.",
        );
      }
      currencies.add(price.currency);
    });
    if (currencies.size > 1) throw invalid("line_items", "Every line item must be in the same currency.");
  }
  const after = input.after_completion;
  const row: PaymentLinkRow = {
    id: newId("paymentLink"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    code: randomBase62(CODE_LENGTH),
    active: input.active,
    lineItems: items.map((item) => ({
      price: item.price,
      quantity: item.quantity,
      adjustable: item.adjustable_quantity?.enabled
        ? { minimum: item.adjustable_quantity.minimum ?? 0, maximum: item.adjustable_quantity.maximum ?? 99 }
        : null,
    })),
    customAmount: input.custom_amount
      ? { ...input.custom_amount, preset: input.custom_amount.preset ?? null }
      : null,
    paymentMethodTypes: input.payment_method_types ?? ["card"],
    afterCompletion:
      after?.type === "redirect"
        ? { type: "redirect", url: after.redirect.url }
        : { type: "hosted_confirmation", message: after?.hosted_confirmation?.custom_message ?? null },
    completedSessionsLimit: input.restrictions?.completed_sessions.limit ?? null,
    completedSessionsCount: 0,
    expiresAt: input.expires_at ? new Date(input.expires_at) : null,
    metadata: input.metadata ?? {},
    createdAt: now,
    updatedAt: now,
  };
  const link = toPaymentLink(ctx.services.config.PUBLIC_URL, row);
  const { db } = ctx.services;
  await runBatch(
    ctx.services,
    [
      db.insert(paymentLinks).values(row),
      db.execute(changeStatement(ctx, { type: "payment_link.created", object: link })),
    ],
    { response: link },
  );
  return link;
}

async function findLink(ctx: ServiceContext, id: string): Promise<PaymentLinkRow> {
  const [row] = await ctx.services.db
    .select()
    .from(paymentLinks)
    .where(tenantRow(paymentLinks, ctx, id))
    .limit(1);
  if (!row) throw notFound("payment link", id);
  return row;
}

export async function retrievePaymentLink({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<PaymentLink> {
  return toPaymentLink(ctx.services.config.PUBLIC_URL, await findLink(ctx, id));
}

/** PATCH: active and metadata; the count is left to the checkouts, so it is never written here. */
export async function updatePaymentLink({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: UpdatePaymentLinkInput;
}): Promise<PaymentLink> {
  const before = await findLink(ctx, id);
  const values = { active: input.active, metadata: input.metadata, updatedAt: ctx.services.clock.now() };
  const after: PaymentLinkRow = {
    ...before,
    active: input.active ?? before.active,
    metadata: input.metadata ?? before.metadata,
    updatedAt: values.updatedAt,
  };
  const publicUrl = ctx.services.config.PUBLIC_URL;
  const link = toPaymentLink(publicUrl, after);
  const { updated_at: _updated, ...changed } = previousAttributes(toPaymentLink(publicUrl, before), link);
  const { db } = ctx.services;
  await runBatch(
    ctx.services,
    [
      db
        .update(paymentLinks)
        .set(values)
        .where(tenantRow(paymentLinks, ctx, id)),
      db.execute(
        changeStatement(ctx, { type: "payment_link.updated", object: link, previousAttributes: changed }),
      ),
    ],
    { response: link },
  );
  return link;
}

export async function listPaymentLinks({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListPaymentLinksQuery;
}): Promise<ListPage<PaymentLink>> {
  const filters = tenantScope(paymentLinks, ctx);
  if (query.active !== undefined) filters.push(eq(paymentLinks.active, query.active));
  const page = await paginateTable({
    db: ctx.services.db,
    table: paymentLinks,
    scope: filters,
    tenantScope: tenantScope(paymentLinks, ctx),
    query,
  });
  const publicUrl = ctx.services.config.PUBLIC_URL;
  return { data: page.data.map((row) => toPaymentLink(publicUrl, row)), hasMore: page.hasMore };
}

/**
 * A visit to the link's URL: a fresh checkout session of the link's items, or null when the link
 * takes no payments now (inactive, expired, or its completed-sessions limit reached). The limit is
 * only a hint here; the exact check is the reservation when the customer pays (checkout_claim).
 */
export async function visitPaymentLink(services: Services, path: string): Promise<string | null> {
  const sandbox = path.startsWith(SANDBOX_PREFIX);
  const code = sandbox ? path.slice(SANDBOX_PREFIX.length) : path;
  const [row] = await services.db
    .select()
    .from(paymentLinks)
    .where(and(eq(paymentLinks.environment, sandbox ? "sandbox" : "production"), eq(paymentLinks.code, code)))
    .limit(1);
  if (!row?.active) return null;
  const now = services.clock.now();
  if (row.expiresAt && row.expiresAt <= now) return null;
  if (row.completedSessionsLimit !== null && row.completedSessionsCount >= row.completedSessionsLimit)
    return null;
  const ctx = systemContext(services, row, "payment_link_visitor");
  const after = row.afterCompletion;
  const session = await openCheckoutSession({
    ctx,
    spec: {
      lineItems: row.lineItems.map((item) => ({
        price: item.price,
        quantity: item.quantity,
        adjustable: item.adjustable,
      })),
      ...(row.customAmount
        ? { customAmount: { ...row.customAmount, name: row.customAmount.description } }
        : {}),
      customerId: null,
      customerEmail: null,
      successUrl: after.type === "redirect" ? after.url : null,
      cancelUrl: null,
      completionMessage: after.type === "hosted_confirmation" ? after.message : null,
      paymentMethodTypes: row.paymentMethodTypes,
      locale: "auto",
      allowPromotionCodes: false,
      paymentLinkId: row.id,
      expiresAt: null,
      metadata: {},
    },
  });
  return session.url;
}
