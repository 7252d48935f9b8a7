import type { Redis } from "@upstash/redis/cloudflare";
import type { ServiceContext } from "../../core/context";
import { notFound } from "../../core/errors";
import { errorText, log } from "../../core/log";
import { STATUS_CACHE_TTL_SECONDS, type StatusDocument, statusCacheKey } from "../../core/status";
import { statusResolvers } from "./registry";

export interface StatusLookup {
  document: StatusDocument;
  /** Served from the Redis cache rather than the database. */
  cached: boolean;
}

/** The cache is an optimisation: when Redis fails, polling still works from the database. */
async function readCache(redis: Redis, key: string): Promise<StatusDocument | null> {
  try {
    return await redis.get<StatusDocument>(key);
  } catch (error) {
    log("warn", "status_cache_read_failed", { error: errorText(error) });
    return null;
  }
}

async function writeCache(redis: Redis, key: string, document: StatusDocument): Promise<void> {
  try {
    await redis.set(key, document, { ex: STATUS_CACHE_TTL_SECONDS });
  } catch (error) {
    log("warn", "status_cache_write_failed", { error: errorText(error) });
  }
}

/**
 * The status document of any money object, found by its id prefix; with `object`, only an
 * object of that type. Cached per merchant and environment for a few seconds; the owning
 * module drops the entry whenever the object changes.
 */
export async function getStatus({
  ctx,
  id,
  object,
}: {
  ctx: ServiceContext;
  id: string;
  object?: string;
}): Promise<StatusLookup> {
  const missing = notFound("object", id);
  const prefix = id.includes("_") ? id.slice(0, id.indexOf("_")) : "";
  const resolver = statusResolvers.find(
    (candidate) => candidate.prefix === prefix && (object === undefined || candidate.object === object),
  );
  if (!resolver) throw missing;
  const key = statusCacheKey(ctx.services.config, ctx, id);
  const hit = await readCache(ctx.services.redis, key);
  if (hit) return { document: hit, cached: true };
  const document = await resolver.resolve({ ctx, id });
  if (!document) throw missing;
  await writeCache(ctx.services.redis, key, document);
  return { document, cached: false };
}
