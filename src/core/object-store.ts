/**
 * Where files live, outside Postgres: an R2 bucket binding in production (and in workerd locally,
 * where miniflare emulates it), memory where the Worker's code runs without bindings (Node tests).
 * Only the key and the file's metadata go into the database.
 */
export interface StoredObject {
  bytes: Uint8Array<ArrayBuffer>;
  contentType: string;
}

export interface ObjectStore {
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  get(key: string): Promise<StoredObject | null>;
}

/** The part of R2Bucket the store uses, so no Workers types leak into core. */
export interface R2BucketLike {
  put(
    key: string,
    value: Uint8Array,
    options?: { httpMetadata?: { contentType?: string } },
  ): Promise<unknown>;
  get(
    key: string,
  ): Promise<{ arrayBuffer(): Promise<ArrayBuffer>; httpMetadata?: { contentType?: string } } | null>;
}

function r2ObjectStore(bucket: R2BucketLike): ObjectStore {
  return {
    async put(key, bytes, contentType) {
      await bucket.put(key, bytes, { httpMetadata: { contentType } });
    },
    async get(key) {
      const object = await bucket.get(key);
      if (!object) return null;
      return {
        bytes: new Uint8Array(await object.arrayBuffer()),
        contentType: object.httpMetadata?.contentType ?? "application/octet-stream",
      };
    },
  };
}

function memoryObjectStore(): ObjectStore {
  const objects = new Map<string, StoredObject>();
  return {
    async put(key, bytes, contentType) {
      objects.set(key, { bytes: bytes.slice(), contentType });
    },
    async get(key) {
      return objects.get(key) ?? null;
    },
  };
}

function isBucket(binding: unknown): binding is R2BucketLike {
  const candidate = binding as Partial<R2BucketLike> | null | undefined;
  return typeof candidate?.put === "function" && typeof candidate.get === "function";
}

let memory: ObjectStore | undefined;

/** The DOCUMENTS binding when the Worker has one (wrangler.toml), else one memory store per process. */
export function objectStoreFrom(binding: unknown): ObjectStore {
  if (isBucket(binding)) return r2ObjectStore(binding);
  memory ??= memoryObjectStore();
  return memory;
}
