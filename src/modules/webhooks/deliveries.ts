import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import type { Transaction } from "../../core/db";
import { ApiError, notFound } from "../../core/errors";
import { recordChange } from "../../core/events";
import { newId } from "../../core/ids";
import { type ListPage, paginateTable } from "../../core/pagination";
import { events } from "../../core/tables";
import { exactlyOne, tenantRow, tenantScope } from "../../core/tenancy";
import { eventTypeMatches, findEventRow } from "../events/service";
import { endpointScope, lockEndpoint, retrieveWebhookEndpoint } from "./endpoints";
import {
  publishAttempts,
  type QueuedAttempt,
  queueAttempt,
  receivingEndpoints,
  refreshNextAttempt,
  TEST_EVENT_TYPE,
} from "./fanout";
import { toWebhookDelivery, toWebhookEndpoint } from "./objects";
import type { ListDeliveriesQuery, WebhookDelivery } from "./schemas";
import { type WebhookDeliveryRow, webhookAttempts, webhookDeliveries, webhookEndpoints } from "./tables";

function deliveryMissing(id: string): ApiError {
  return notFound("webhook delivery", id);
}

async function insertDelivery(
  values: { ctx: ServiceContext; endpointId: string; eventId: string; eventType: string; now: Date },
  tx: Transaction,
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
  const queued = await queueAttempt(
    delivery,
    {
      trigger: "automatic",
      scheduleIndex: 0,
      delaySeconds: 0,
      now: values.now,
    },
    tx,
  );
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
    const endpoint = await lockEndpoint(ctx, id, tx);
    if (!endpoint.enabled) throw new ApiError("webhook_endpoint_disabled");
    const eventId = await recordChange(
      ctx,
      {
        type: TEST_EVENT_TYPE,
        object: toWebhookEndpoint(endpoint),
      },
      tx,
    );
    // Dispatched here and now: a test event is never fanned out to the other endpoints.
    await tx.update(events).set({ dispatchedAt: now }).where(eq(events.id, eventId));
    return insertDelivery({ ctx, endpointId: endpoint.id, eventId, eventType: TEST_EVENT_TYPE, now }, tx);
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
    .where(tenantRow(webhookDeliveries, ctx, id))
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
  delivery: WebhookDeliveryRow,
  now: Date,
  tx: Transaction,
): Promise<{ delivery: WebhookDeliveryRow; queued: QueuedAttempt }> {
  const queued = await queueAttempt(
    delivery,
    {
      trigger: "manual",
      scheduleIndex: null,
      delaySeconds: 0,
      now,
    },
    tx,
  );
  await refreshNextAttempt(delivery.id, tx);
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
      .where(tenantRow(webhookDeliveries, ctx, id))
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
    return queueManualAttempt(row, now, tx);
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
        out.push(await queueManualAttempt(delivery, now, tx));
      } else if (
        event.type !== TEST_EVENT_TYPE &&
        endpoint.enabledEvents.some((pattern) => eventTypeMatches(pattern, event.type))
      ) {
        out.push(
          await insertDelivery(
            {
              ctx,
              endpointId: endpoint.id,
              eventId: event.id,
              eventType: event.type,
              now,
            },
            tx,
          ),
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
