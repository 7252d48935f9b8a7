import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { Actor, ServiceContext, Services } from "./context";
import type { Executor } from "./db";
import { newId } from "./ids";
import { errorText, log } from "./log";
import { markStatusChanged } from "./status";
import { auditLogs, type Environment, events } from "./tables";

export const API_VERSION = "2026-11-01";

export interface ApiObject {
  id: string;
  object: string;
  [field: string]: unknown;
}

export interface ChangeRecord {
  /** Event type, e.g. "customer.updated"; also the audit action. */
  type: string;
  object: ApiObject;
  previousAttributes?: Record<string, unknown>;
}

/**
 * The event (transactional outbox) and the audit row of one change as one statement, for the
 * caller's transaction or HTTP batch, so neither can exist without the change or the change
 * without them. The event id is recorded for dispatch after the response; an id whose
 * transaction rolled back is simply not found then.
 */
export function changeStatement(ctx: ServiceContext, change: ChangeRecord): SQL {
  return recordedChange(ctx, change).statement;
}

/** An event the caller's statement writes, for dispatch once that statement committed. */
export function recordForDispatch(ctx: ServiceContext, eventId: string): void {
  ctx.services.recordedEvents.push({ id: eventId, merchantId: ctx.merchantId, environment: ctx.environment });
}

/** The event goes out after the response; its object's status document (and its payment's) is dropped. */
function noteRecorded(ctx: ServiceContext, change: ChangeRecord, eventId: string): void {
  recordForDispatch(ctx, eventId);
  const owner = { merchantId: ctx.merchantId, environment: ctx.environment };
  markStatusChanged(ctx.services, {
    ...owner,
    id: change.object.id,
    created: change.type.endsWith(".created"),
  });
  const { payment } = change.object;
  if (typeof payment === "string") markStatusChanged(ctx.services, { ...owner, id: payment });
}

function recordedChange(ctx: ServiceContext, change: ChangeRecord): { eventId: string; statement: SQL } {
  const eventId = newId("event");
  const now = ctx.services.clock.now();
  const previous = change.previousAttributes === undefined ? null : JSON.stringify(change.previousAttributes);
  noteRecorded(ctx, change, eventId);
  const statement = sql`
    with inserted_event as (
      insert into ${events} (id, merchant_id, environment, type, object_id, object_type, data, previous_attributes,
        api_version, request_id, created_at)
      values (${eventId}, ${ctx.merchantId}, ${ctx.environment}, ${change.type}, ${change.object.id},
        ${change.object.object}, ${JSON.stringify(change.object)}::jsonb, ${previous}::jsonb, ${API_VERSION},
        ${ctx.requestId}, ${now})
    )
    insert into ${auditLogs} (id, merchant_id, environment, actor_type, actor_id, action, object_id, request_id, created_at)
    values (${newId("auditLog")}, ${ctx.merchantId}, ${ctx.environment}, ${ctx.actor.type}, ${ctx.actor.id},
      ${change.type}, ${change.object.id}, ${ctx.requestId}, ${now})`;
  return { eventId, statement };
}

/**
 * The event and audit row of one change as two members of the caller's WITH clause, written once
 * per row of `gate` (a data-modifying CTE of the same statement, e.g. a compare-and-set update):
 * no row, no event. `name` keeps the members of several changes apart. As changeStatement, the
 * event id is recorded for dispatch; if the gate matched nothing, it is simply not found then.
 */
export function gatedChangeMembers(
  ctx: ServiceContext,
  change: ChangeRecord,
  gate: string,
  name: string,
): SQL {
  const eventId = newId("event");
  const now = ctx.services.clock.now().toISOString();
  const previous = change.previousAttributes === undefined ? null : JSON.stringify(change.previousAttributes);
  noteRecorded(ctx, change, eventId);
  const from = sql.raw(gate);
  return sql`${sql.raw(name)}_event as (
      insert into ${events} (id, merchant_id, environment, type, object_id, object_type, data, previous_attributes,
        api_version, request_id, created_at)
      select ${eventId}, ${ctx.merchantId}, ${ctx.environment}, ${change.type}, ${change.object.id},
        ${change.object.object}, ${JSON.stringify(change.object)}::jsonb, ${previous}::jsonb, ${API_VERSION},
        ${ctx.requestId}, ${now}::timestamptz from ${from}
    ),
    ${sql.raw(name)}_audit as (
      insert into ${auditLogs} (id, merchant_id, environment, actor_type, actor_id, action, object_id, request_id,
        created_at)
      select ${newId("auditLog")}, ${ctx.merchantId}, ${ctx.environment}, ${ctx.actor.type}, ${ctx.actor.id},
        ${change.type}, ${change.object.id}, ${ctx.requestId}, ${now}::timestamptz from ${from}
    )`;
}

/** Writes the event and the audit row of one change inside the caller's transaction: one round trip. */
export async function recordChange(ctx: ServiceContext, change: ChangeRecord, tx: Executor): Promise<string> {
  const { eventId, statement } = recordedChange(ctx, change);
  await tx.execute(statement);
  return eventId;
}

export interface AuditEntry {
  merchantId: string;
  /** Null for account-level actions that belong to no environment (sign-up, dashboard sessions). */
  environment: Environment | null;
  actor: Actor;
  action: string;
  objectId: string;
  requestId: string | null;
  at: Date;
}

/** An audit row for a mutation that has no merchant-visible event, in the caller's transaction. */
export async function recordAudit(entry: AuditEntry, tx: Executor): Promise<void> {
  await tx.insert(auditLogs).values({
    id: newId("auditLog"),
    merchantId: entry.merchantId,
    environment: entry.environment,
    actorType: entry.actor.type,
    actorId: entry.actor.id,
    action: entry.action,
    objectId: entry.objectId,
    requestId: entry.requestId,
    createdAt: entry.at,
  });
}

/**
 * Hands the events recorded so far to the dispatcher. Callers run it after their transactions
 * committed: an id whose transaction rolled back is simply not found. A failure is logged and left
 * to the webhook sweep, which picks up every event not dispatched within a minute.
 */
export async function dispatchRecordedEvents(services: Services): Promise<void> {
  const recorded = services.recordedEvents.splice(0);
  if (!services.dispatchEvents || recorded.length === 0) return;
  try {
    await services.dispatchEvents(services, recorded);
  } catch (error) {
    log("error", "event_dispatch_failed", { events: recorded.length, error: errorText(error) });
  }
}

/**
 * A compare-and-set `update` (returning a row when it matched) and its change's event and audit
 * row, written only when it matched, as one statement answering `applied` (changeApplied in
 * batch.ts): of concurrent changes one applies, with one event.
 */
export function gatedChangeStatement(ctx: ServiceContext, update: SQLWrapper, change: ChangeRecord): SQL {
  const members = gatedChangeMembers(ctx, change, "updated", "change");
  return sql`with updated as ${update}, ${members} select count(*)::int as applied from updated`;
}

/** Changed fields' old values, for an event's previous_attributes. */
export function previousAttributes(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(value)) changed[key] = before[key] ?? null;
  }
  return changed;
}
