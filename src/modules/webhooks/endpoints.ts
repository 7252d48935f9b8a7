import { and, count, eq, isNull, type SQL } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import type { Transaction } from "../../core/db";
import { ApiError, notFound } from "../../core/errors";
import { previousAttributes, recordChange } from "../../core/events";
import { newId } from "../../core/ids";
import { type ListPage, type ListQuery, paginateTable } from "../../core/pagination";
import { exactlyOne, tenantScope } from "../../core/tenancy";
import { checkWebhookDestination } from "./destination";
import { stopEndpointDeliveries } from "./fanout";
import { toWebhookEndpoint } from "./objects";
import { forgetScope } from "./quiet-scopes";
import type {
  CreateWebhookEndpointInput,
  UpdateWebhookEndpointInput,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
} from "./schemas";
import { resealEndpointSecret, sealEndpointSecret } from "./secrets";
import { newWebhookSecret } from "./signing";
import { type WebhookEndpointRow, webhookEndpoints } from "./tables";

/** Stripe's limit: a fan-out wider than this is a misconfiguration, and each event costs a delivery per endpoint. */
export const MAX_ENDPOINTS = 16;
/** After a rotation the old secret signs alongside the new one this long, so receivers can switch without a gap. */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

export function endpointScope(ctx: ServiceContext): SQL[] {
  return [...tenantScope(webhookEndpoints, ctx), isNull(webhookEndpoints.deletedAt)];
}

function endpointMissing(id: string): ApiError {
  return notFound("webhook endpoint", id);
}

/**
 * The URL rules, with the host name resolved now: a name that resolves to an internal address is
 * refused at once. A name that does not resolve yet is accepted (DNS may follow); every attempt
 * checks again before sending.
 */
async function assertDeliverableUrl(ctx: ServiceContext, url: string): Promise<void> {
  const verdict = await checkWebhookDestination(ctx.services, url, ctx.environment);
  if (verdict.ok || verdict.code === "webhook_url_unresolvable") return;
  throw new ApiError(verdict.code, { param: "url", message: verdict.reason });
}

export async function lockEndpoint(
  ctx: ServiceContext,
  id: string,
  tx: Transaction,
): Promise<WebhookEndpointRow> {
  const [row] = await tx
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), ...endpointScope(ctx)))
    .for("update")
    .limit(1);
  if (!row) throw endpointMissing(id);
  return row;
}

export async function createWebhookEndpoint({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateWebhookEndpointInput;
}): Promise<WebhookEndpointWithSecret> {
  await assertDeliverableUrl(ctx, input.url);
  const now = ctx.services.clock.now();
  const created = await ctx.services.transaction(async (tx) => {
    const [existing] = await tx
      .select({ total: count() })
      .from(webhookEndpoints)
      .where(and(...endpointScope(ctx)));
    if ((existing?.total ?? 0) >= MAX_ENDPOINTS) {
      throw new ApiError("resource_limit_exceeded", {
        message: `At most ${MAX_ENDPOINTS} webhook endpoints per environment; delete one first.`,
      });
    }
    const id = newId("webhookEndpoint");
    const secret = newWebhookSecret();
    const row = exactlyOne(
      await tx
        .insert(webhookEndpoints)
        .values({
          id,
          merchantId: ctx.merchantId,
          environment: ctx.environment,
          url: input.url,
          description: input.description ?? null,
          enabledEvents: input.enabled_events,
          metadata: input.metadata ?? {},
          secret: await sealEndpointSecret(ctx.services, id, secret),
          createdAt: now,
          updatedAt: now,
        })
        .returning(),
    );
    const endpoint = toWebhookEndpoint(row);
    await recordChange(ctx, { type: "webhook_endpoint.created", object: endpoint }, tx);
    return { ...endpoint, secret };
  });
  // The environment's next events are no longer marked dispatched as they are written.
  forgetScope(ctx);
  return created;
}

export async function retrieveWebhookEndpoint({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<WebhookEndpoint> {
  const [row] = await ctx.services.db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), ...endpointScope(ctx)))
    .limit(1);
  if (!row) throw endpointMissing(id);
  return toWebhookEndpoint(row);
}

export async function listWebhookEndpoints({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListQuery;
}): Promise<ListPage<WebhookEndpoint>> {
  const { db } = ctx.services;
  const page = await paginateTable({
    db,
    table: webhookEndpoints,
    scope: endpointScope(ctx),
    tenantScope: endpointScope(ctx),
    query,
  });
  return { data: page.data.map(toWebhookEndpoint), hasMore: page.hasMore };
}

export async function updateWebhookEndpoint({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: UpdateWebhookEndpointInput;
}): Promise<WebhookEndpoint> {
  if (input.url !== undefined) await assertDeliverableUrl(ctx, input.url);
  const now = ctx.services.clock.now();
  const updated = await ctx.services.transaction(async (tx) => {
    const before = await lockEndpoint(ctx, id, tx);
    const enabling = input.enabled === true && !before.enabled;
    const disabling = input.enabled === false && before.enabled;
    const row = exactlyOne(
      await tx
        .update(webhookEndpoints)
        .set({
          ...(input.url === undefined ? {} : { url: input.url }),
          ...(input.enabled_events === undefined ? {} : { enabledEvents: input.enabled_events }),
          ...(input.description === undefined ? {} : { description: input.description }),
          ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
          ...(enabling ? { enabled: true, disabledReason: null, disabledAt: null } : {}),
          ...(disabling ? { enabled: false, disabledReason: "manual" as const, disabledAt: now } : {}),
          updatedAt: now,
        })
        .where(eq(webhookEndpoints.id, before.id))
        .returning(),
    );
    if (disabling) await stopEndpointDeliveries(row.id, now, "endpoint disabled by the merchant", tx);
    const endpoint = toWebhookEndpoint(row);
    const { updated_at: _ignored, ...changed } = previousAttributes(toWebhookEndpoint(before), endpoint);
    await recordChange(
      ctx,
      {
        type: "webhook_endpoint.updated",
        object: endpoint,
        previousAttributes: changed,
      },
      tx,
    );
    return endpoint;
  });
  if (updated.enabled) forgetScope(ctx);
  return updated;
}

export async function deleteWebhookEndpoint({ ctx, id }: { ctx: ServiceContext; id: string }) {
  const now = ctx.services.clock.now();
  return ctx.services.transaction(async (tx) => {
    const before = await lockEndpoint(ctx, id, tx);
    const row = exactlyOne(
      await tx
        .update(webhookEndpoints)
        .set({ deletedAt: now, updatedAt: now })
        .where(eq(webhookEndpoints.id, before.id))
        .returning(),
    );
    await stopEndpointDeliveries(row.id, now, "endpoint deleted", tx);
    await recordChange(ctx, { type: "webhook_endpoint.deleted", object: toWebhookEndpoint(row) }, tx);
    return { id: row.id, object: "webhook_endpoint" as const, deleted: true as const };
  });
}

/**
 * Issues a new secret. The old one keeps signing alongside it for 24 hours (the signature header then
 * carries both), so receivers switch without missing a webhook. A second rotation within those 24
 * hours retires the oldest secret at once.
 */
export async function rotateWebhookSecret({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<WebhookEndpointWithSecret> {
  const now = ctx.services.clock.now();
  return ctx.services.transaction(async (tx) => {
    const before = await lockEndpoint(ctx, id, tx);
    const secret = newWebhookSecret();
    const row = exactlyOne(
      await tx
        .update(webhookEndpoints)
        .set({
          secret: await sealEndpointSecret(ctx.services, before.id, secret),
          // A legacy clear secret is sealed as it moves (see secrets.ts).
          previousSecret: await resealEndpointSecret(ctx.services, before.id, before.secret),
          previousSecretExpiresAt: new Date(now.getTime() + SECRET_OVERLAP_MS),
          updatedAt: now,
        })
        .where(eq(webhookEndpoints.id, before.id))
        .returning(),
    );
    const endpoint = toWebhookEndpoint(row);
    await recordChange(
      ctx,
      {
        type: "webhook_endpoint.secret_rotated",
        object: endpoint,
        previousAttributes: {
          previous_secret_expires_at: toWebhookEndpoint(before).previous_secret_expires_at,
        },
      },
      tx,
    );
    return { ...endpoint, secret };
  });
}
