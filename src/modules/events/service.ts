import { eq, lt, sql } from "drizzle-orm";
import type { ServiceContext, Services } from "../../core/context";
import { notFound } from "../../core/errors";
import { type ListPage, paginateTable } from "../../core/pagination";
import { events } from "../../core/tables";
import { tenantRow, tenantScope } from "../../core/tenancy";
import { eventTypeCatalog } from "./catalog";
import type { Event, EventType, ListEventsQuery } from "./schemas";

export { eventTypeMatches, isEventTypePattern, isKnownEventType } from "./catalog";

export type EventRow = typeof events.$inferSelect;

/** Events are kept this long; events-prune deletes older ones. */
export const EVENT_RETENTION_DAYS = 30;

export function toEvent(row: EventRow): Event {
  return {
    id: row.id,
    object: "event",
    type: row.type,
    environment: row.environment,
    created_at: row.createdAt.toISOString(),
    api_version: row.apiVersion,
    data: {
      object: row.data,
      ...(row.previousAttributes ? { previous_attributes: row.previousAttributes } : {}),
    },
  };
}

export function listEventTypes(): EventType[] {
  return eventTypeCatalog.map((entry) => ({
    object: "event_type",
    type: entry.type,
    object_type: entry.objectType,
    description: entry.description,
  }));
}

/** The event row in the caller's scope; a miss (or another tenant's event) is a 404. */
export async function findEventRow(ctx: ServiceContext, id: string): Promise<EventRow> {
  const [row] = await ctx.services.db
    .select()
    .from(events)
    .where(tenantRow(events, ctx, id))
    .limit(1);
  if (!row) throw notFound("event", id);
  return row;
}

export async function retrieveEvent({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<Event> {
  return toEvent(await findEventRow(ctx, id));
}

export async function listEvents({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListEventsQuery;
}): Promise<ListPage<Event>> {
  const { db } = ctx.services;
  const filters = tenantScope(events, ctx);
  if (query.type?.endsWith(".*")) {
    filters.push(sql`starts_with(${events.type}, ${query.type.slice(0, -1)})`);
  } else if (query.type) {
    filters.push(eq(events.type, query.type));
  }
  if (query.object_id) filters.push(eq(events.objectId, query.object_id));
  const page = await paginateTable({
    db,
    table: events,
    scope: filters,
    tenantScope: tenantScope(events, ctx),
    query,
  });
  return { data: page.data.map(toEvent), hasMore: page.hasMore };
}

/** Deletes up to `limit` events created before the cutoff, oldest first; returns how many. */
export async function pruneEvents(services: Services, cutoff: Date, limit: number): Promise<number> {
  const deleted = await services.db.execute(sql`
    delete from ${events} where ${events.id} in (
      select ${events.id} from ${events} where ${lt(events.createdAt, cutoff)}
       order by ${events.createdAt} limit ${limit})`);
  return deleted.rowCount ?? 0;
}
