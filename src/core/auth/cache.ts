import type { Services } from "../context";
import { redisKey } from "../redis";
import type { Environment } from "../tables";

/**
 * What authentication needs of an API key or a session, cached so that most requests skip the
 * database: in the isolate for AUTH_CACHE_SECONDS, then in Redis for AUTH_REDIS_CACHE_SECONDS.
 * Revoking or rolling a key (and logging out) deletes the Redis entry and this isolate's entry;
 * another isolate may accept a revoked credential for at most AUTH_CACHE_SECONDS more.
 * Expiry (a rolled key's grace period, a session's end) is checked on every hit against the clock.
 */
export interface CachedCredential {
  /** The api_keys or sessions row id. */
  id: string;
  merchantId: string;
  /** The key's environment; null for sessions, which pick theirs per request. */
  environment: Environment | null;
  /** The user a session belongs to. */
  userId: string | null;
  rateLimitPerSecond: number | null;
  /** SHA-256 of the secret (keys); compared in constant time on every hit. */
  secretHash: string | null;
  revokedAt: number | null;
  expiresAt: number | null;
}

const MAX_ENTRIES = 10_000;
const isolateCache = new Map<string, { credential: CachedCredential; until: number }>();

function authKey(services: Services, key: string): string {
  return redisKey(services.config, `auth:${key}`);
}

/** The cached credential, from this isolate or from Redis; undefined when neither has it. */
export async function cachedCredential(
  services: Services,
  key: string,
): Promise<CachedCredential | undefined> {
  const now = Date.now();
  const local = isolateCache.get(key);
  if (local && local.until > now) return local.credential;
  isolateCache.delete(key);
  if (services.config.AUTH_REDIS_CACHE_SECONDS === 0) return undefined;
  const shared = await services.redis.get<CachedCredential>(authKey(services, key));
  if (shared) remember(services, key, shared);
  return shared ?? undefined;
}

function remember(services: Services, key: string, credential: CachedCredential): void {
  const seconds = services.config.AUTH_CACHE_SECONDS;
  if (seconds === 0) return;
  if (isolateCache.size >= MAX_ENTRIES) {
    const oldest = isolateCache.keys().next();
    if (!oldest.done) isolateCache.delete(oldest.value);
  }
  isolateCache.set(key, { credential, until: Date.now() + seconds * 1000 });
}

/** Caches a credential just read from the database; the Redis write does not hold up the request. */
export function cacheCredential(
  services: Services,
  key: string,
  credential: CachedCredential,
  waitUntil: (promise: Promise<unknown>) => void,
): void {
  remember(services, key, credential);
  const seconds = services.config.AUTH_REDIS_CACHE_SECONDS;
  if (seconds === 0) return;
  waitUntil(services.redis.set(authKey(services, key), credential, { ex: seconds }).catch(() => undefined));
}

/** Forgets a credential everywhere this request can reach: Redis and this isolate. */
export async function forgetCredential(services: Services, key: string): Promise<void> {
  isolateCache.delete(key);
  await services.redis.del(authKey(services, key));
}

export const apiKeyCacheKey = (keyId: string): string => `key:${keyId}`;
export const sessionCacheKey = (tokenHash: string): string => `session:${tokenHash}`;
