import { and, asc, count, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import type { Transaction } from "../../core/db";
import { ApiError, notFound } from "../../core/errors";
import { previousAttributes, recordChange } from "../../core/events";
import { newId } from "../../core/ids";
import { type ListPage, type ListQuery, paginateTable } from "../../core/pagination";
import { events } from "../../core/tables";
import { exactlyOne, tenantScope } from "../../core/tenancy";
import { eventTypeMatches, findEventRow } from "../events/service";
import {
  publishAttempts,
  type QueuedAttempt,
  queueAttempt,
  receivingEndpoints,
  refreshNextAttempt,
  stopEndpointDeliveries,
  TEST_EVENT_TYPE,
} from "./delivery";
import { checkWebhookDestination } from "./destination";
import { toWebhookDelivery, toWebhookEndpoint } from "./objects";
import type {
  CreateWebhookEndpointInput,
  ListDeliveriesQuery,
  UpdateWebhookEndpointInput,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
} from "./schemas";
import { resealEndpointSecret, sealEndpointSecret } from "./secrets";
import { newWebhookSecret } from "./signing";
import {
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
} from "./tables";

export {
  DELIVER_FUNCTION,
  deliverAttempt,
  dispatchEvents,
  pruneWebhookDeliveries,
  sweepWebhooks,
} from "./delivery";

/** Stripe's limit: a fan-out wider than this is a misconfiguration, and each event costs a delivery per endpoint. */
export const MAX_ENDPOINTS = 16;
/** After a rotation the old secret signs alongside the new one this long, so receivers can switch without a gap. */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

function endpointScope(ctx: ServiceContext): SQL[] {
  return [...tenantScope(webhookEndpoints, ctx), isNull(webhookEndpoints.deletedAt)];
}

function endpointMissing(id: string): ApiError {
  return notFound("webhook endpoint", id);
}

function deliveryMissing(id: string): ApiError {
  return notFound("webhook delivery", id);
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

async function lockEndpoint(tx: Transaction, ctx: ServiceContext, id: string): Promise<WebhookEndpointRow> {
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
  return ctx.services.transaction(async (tx) => {
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
    await recordChange(tx, ctx, { type: "webhook_endpoint.created", object: endpoint });
    return { ...endpoint, secret };
  });
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
  return ctx.services.transaction(async (tx) => {
    const before = await lockEndpoint(tx, ctx, id);
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
    if (disabling) await stopEndpointDeliveries(tx, row.id, now, "endpoint disabled by the merchant");
    const endpoint = toWebhookEndpoint(row);
    const { updated_at: _ignored, ...changed } = previousAttributes(toWebhookEndpoint(before), endpoint);
    await recordChange(tx, ctx, {
      type: "webhook_endpoint.updated",
      object: endpoint,
      previousAttributes: changed,
    });
    return endpoint;
  });
}

export async function deleteWebhookEndpoint({ ctx, id }: { ctx: ServiceContext; id: string }) {
  const now = ctx.services.clock.now();
  return ctx.services.transaction(async (tx) => {
    const before = await lockEndpoint(tx, ctx, id);
    const row = exactlyOne(
      await tx
        .update(webhookEndpoints)
        .set({ deletedAt: now, updatedAt: now })
        .where(eq(webhookEndpoints.id, before.id))
        .returning(),
    );
    await stopEndpointDeliveries(tx, row.id, now, "endpoint deleted");
    await recordChange(tx, ctx, { type: "webhook_endpoint.deleted", object: toWebhookEndpoint(row) });
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
    const before = await lockEndpoint(tx, ctx, id);
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
    await recordChange(tx, ctx, {
      type: "webhook_endpoint.secret_rotated",
      object: endpoint,
      previousAttributes: {
        previous_secret_expires_at: toWebhookEndpoint(before).previous_secret_expires_at,
      },
    });
    return { ...endpoint, secret };
  });
}

async function insertDelivery(
  tx: Transaction,
  values: { ctx: ServiceContext; endpointId: string; eventId: string; eventType: string; now: Date },
): Promise<{ delivery: WebhookDeliveryRow; queued: QueuedAttempt }> {
  const delivery = exactlyOne(
    await tx
      .insert(webhookDeliveries)
      .values({
        id: newId("webhookDelivery"),
        merchantId: values.ctx.merchantId,
        environment: values.ctx.environment,
        endpointId: values.endpointId,
        eventId: values.eventId,
        eventType: values.eventType,
        status: "pending",
        nextAttemptAt: values.now,
        createdAt: values.now,
        updatedAt: values.now,
      })
      .returning(),
  );
  const queued = await queueAttempt(tx, delivery, {
    trigger: "automatic",
    scheduleIndex: 0,
    delaySeconds: 0,
    now: values.now,
  });
  return { delivery, queued };
}

/** A `webhook.test` event, sent now to this endpoint only, with the usual retries. */
export async function sendTestWebhook({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<WebhookDelivery> {
  const now = ctx.services.clock.now();
  const { delivery, queued } = await ctx.services.transaction(async (tx) => {
    const endpoint = await lockEndpoint(tx, ctx, id);
    if (!endpoint.enabled) throw new ApiError("webhook_endpoint_disabled");
    const eventId = await recordChange(tx, ctx, {
      type: TEST_EVENT_TYPE,
      object: toWebhookEndpoint(endpoint),
    });
    // Dispatched here and now: a test event is never fanned out to the other endpoints.
    await tx.update(events).set({ dispatchedAt: now }).where(eq(events.id, eventId));
    return insertDelivery(tx, { ctx, endpointId: endpoint.id, eventId, eventType: TEST_EVENT_TYPE, now });
  });
  await publishAttempts(ctx.services, [queued]);
  return toWebhookDelivery(delivery);
}

export async function listWebhookDeliveries({
  ctx,
  query,
  endpointId,
}: {
  ctx: ServiceContext;
  query: ListDeliveriesQuery;
  /** The path's endpoint: it must exist in this scope, else 404. */
  endpointId?: string;
}): Promise<ListPage<WebhookDelivery>> {
  const { db } = ctx.services;
  if (endpointId !== undefined) await retrieveWebhookEndpoint({ ctx, id: endpointId });
  const filters = tenantScope(webhookDeliveries, ctx);
  const endpointFilter = endpointId ?? query.endpoint_id;
  if (endpointFilter) filters.push(eq(webhookDeliveries.endpointId, endpointFilter));
  if (query.event_id) filters.push(eq(webhookDeliveries.eventId, query.event_id));
  if (query.status) filters.push(eq(webhookDeliveries.status, query.status));
  const page = await paginateTable({
    db,
    table: webhookDeliveries,
    scope: filters,
    tenantScope: tenantScope(webhookDeliveries, ctx),
    query,
  });
  return { data: page.data.map((row) => toWebhookDelivery(row)), hasMore: page.hasMore };
}

export async function retrieveWebhookDelivery({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<WebhookDelivery> {
  const { db } = ctx.services;
  const [row] = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, id), ...tenantScope(webhookDeliveries, ctx)))
    .limit(1);
  if (!row) throw deliveryMissing(id);
  const attempts = await db
    .select()
    .from(webhookAttempts)
    .where(eq(webhookAttempts.deliveryId, row.id))
    .orderBy(asc(webhookAttempts.number));
  return toWebhookDelivery(row, attempts);
}

/** Queues one manual attempt now, whatever the delivery's status; the automatic schedule is left as it is. */
async function queueManualAttempt(
  tx: Transaction,
  delivery: WebhookDeliveryRow,
  now: Date,
): Promise<{ delivery: WebhookDeliveryRow; queued: QueuedAttempt }> {
  const queued = await queueAttempt(tx, delivery, {
    trigger: "manual",
    scheduleIndex: null,
    delaySeconds: 0,
    now,
  });
  await refreshNextAttempt(tx, delivery.id);
  const [updated] = await tx
    .update(webhookDeliveries)
    .set({ updatedAt: now })
    .where(eq(webhookDeliveries.id, delivery.id))
    .returning();
  return { delivery: updated ?? delivery, queued };
}

export async function retryWebhookDelivery({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<WebhookDelivery> {
  const now = ctx.services.clock.now();
  const { delivery, queued } = await ctx.services.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.id, id), ...tenantScope(webhookDeliveries, ctx)))
      .for("update")
      .limit(1);
    if (!row) throw deliveryMissing(id);
    const [endpoint] = await tx
      .select()
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.id, row.endpointId), ...endpointScope(ctx)))
      .limit(1);
    if (!endpoint) {
      throw new ApiError("webhook_endpoint_disabled", {
        message: "The endpoint of this delivery was deleted.",
      });
    }
    if (!endpoint.enabled) throw new ApiError("webhook_endpoint_disabled");
    return queueManualAttempt(tx, row, now);
  });
  await publishAttempts(ctx.services, [queued]);
  return toWebhookDelivery(delivery);
}

/**
 * Sends an event again to every enabled endpoint it concerns: one manual attempt on each delivery it
 * already has, and a new delivery (with the usual retries) for a subscribed endpoint that has none,
 * such as one created after the event.
 */
export async function redeliverEvent({
  ctx,
  eventId,
}: {
  ctx: ServiceContext;
  eventId: string;
}): Promise<WebhookDelivery[]> {
  const event = await findEventRow(ctx, eventId);
  const now = ctx.services.clock.now();
  const results = await ctx.services.transaction(async (tx) => {
    // The event's row lock orders this with the after-response fan-out of the same event, which
    // locks it too (skipping it when locked): either that fan-out has committed its deliveries and
    // they are found below, or it will skip the event, which this redelivery marks dispatched.
    await tx
      .update(events)
      .set({ dispatchedAt: sql`coalesce(${events.dispatchedAt}, ${now})` })
      .where(eq(events.id, event.id));
    const endpoints = await tx
      .select()
      .from(webhookEndpoints)
      .where(receivingEndpoints(ctx.merchantId, ctx.environment))
      .orderBy(asc(webhookEndpoints.createdAt));
    if (endpoints.length === 0) return [];
    const existing = await tx
      .select()
      .from(webhookDeliveries)
      .where(
        and(
          ...tenantScope(webhookDeliveries, ctx),
          eq(webhookDeliveries.eventId, event.id),
          inArray(
            webhookDeliveries.endpointId,
            endpoints.map((endpoint) => endpoint.id),
          ),
        ),
      )
      .for("update");
    const out: Array<{ delivery: WebhookDeliveryRow; queued: QueuedAttempt }> = [];
    for (const endpoint of endpoints) {
      const delivery = existing.find((row) => row.endpointId === endpoint.id);
      if (delivery) {
        out.push(await queueManualAttempt(tx, delivery, now));
      } else if (
        event.type !== TEST_EVENT_TYPE &&
        endpoint.enabledEvents.some((pattern) => eventTypeMatches(pattern, event.type))
      ) {
        out.push(
          await insertDelivery(tx, {
            ctx,
            endpointId: endpoint.id,
            eventId: event.id,
            eventType: event.type,
            now,
          }),
        );
      }
    }
    return out;
  });
  await publishAttempts(
    ctx.services,
    results.map((result) => result.queued),
  );
  return results.map((result) => toWebhookDelivery(result.delivery));
}
