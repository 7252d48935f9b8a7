import createClient, { type Client } from "openapi-fetch";
import { errorFromResponse } from "./errors.js";
import { operationTable } from "./operations.js";
import { AutoPager, type Cursor, type ListPage } from "./pagination.js";
import type { paths } from "./schema.js";
import { type Credentials, defaultRetryOptions, type RetryOptions, retryingFetch } from "./transport.js";

export interface MagnetPayOptions {
  credentials: Credentials;
  /** Default https://magnetpay.org; the API lives under /api/v1. */
  baseUrl?: string;
  retry?: Partial<RetryOptions>;
  /** Default globalThis.fetch. */
  fetch?: (request: Request) => Promise<Response>;
}

/** Per call: an Idempotency-Key of your own (for example your order id), extra headers, a signal. */
export interface CallOptions {
  idempotencyKey?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

type OperationTable = typeof operationTable;
type Spec = { method: string; path: string; input: "body" | "query" | null; list: boolean; parse: string };

type PathParams<Path extends string> = Path extends `${string}{${string}}${infer Rest}`
  ? [string, ...PathParams<Rest>]
  : [];

type Operation<S extends Spec> = S["path"] extends keyof paths
  ? S["method"] extends keyof paths[S["path"]]
    ? paths[S["path"]][S["method"]]
    : never
  : never;

type Content<Response> = Response extends { content: infer C } ? C[keyof C] : undefined;
type Success<O> = O extends { responses: infer R }
  ? Content<R[Extract<keyof R, 200 | 201 | 202 | 204>]>
  : never;

type Input<O, S extends Spec> = S["input"] extends "body"
  ? O extends { requestBody?: { content: { "application/json": infer Body } } }
    ? [undefined] extends [O["requestBody"]]
      ? [body?: Body]
      : [body: Body]
    : []
  : S["input"] extends "query"
    ? O extends { parameters: { query?: infer Query } }
      ? [undefined] extends [O["parameters"]["query"]]
        ? [query?: Query]
        : [query: Query]
      : []
    : [];

type Item<Page> = Page extends ListPage<infer I> ? (I extends { id: string } ? I : never) : never;

type Result<O, S extends Spec> = S["list"] extends true
  ? AutoPager<Item<Success<O>>, Extract<Success<O>, ListPage<Item<Success<O>>>>>
  : Promise<Success<O>>;

/** `client.payments.retrieve(id)`: path parameters in order, then the body or query, then options. */
type Method<S extends Spec> = (
  ...args: [...PathParams<S["path"]>, ...Input<Operation<S>, S>, options?: CallOptions]
) => Result<Operation<S>, S>;

export type Resources = {
  [Resource in keyof OperationTable]: {
    [Verb in keyof OperationTable[Resource]]: OperationTable[Resource][Verb] extends Spec
      ? Method<OperationTable[Resource][Verb]>
      : never;
  };
};

export type MagnetPay = Resources & {
  /** The underlying openapi-fetch client: every path, typed, returning `{ data, error, response }`. */
  api: Client<paths>;
};

type RawCall = (
  method: string,
  path: string,
  init: {
    params: { path: Record<string, string>; query?: unknown };
    body?: unknown;
    headers: Record<string, string>;
    parseAs: "json" | "text";
    signal?: AbortSignal;
  },
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? "");
}

function bindOperation(request: RawCall, spec: Spec): (...args: unknown[]) => unknown {
  const names = pathParamNames(spec.path);
  return (...args) => {
    const path = Object.fromEntries(names.map((name, index) => [name, String(args[index])]));
    const input = spec.input === null ? undefined : args[names.length];
    const options = (args[spec.input === null ? names.length : names.length + 1] ?? {}) as CallOptions;
    const headers = { ...options.headers };
    if (options.idempotencyKey !== undefined) headers["idempotency-key"] = options.idempotencyKey;
    const call = async (query: unknown) => {
      const { data, error, response } = await request(spec.method.toUpperCase(), spec.path, {
        params: { path, query },
        body: spec.input === "body" ? (input ?? {}) : undefined,
        headers,
        parseAs: spec.parse === "text" ? "text" : "json",
        signal: options.signal,
      });
      if (!response.ok) throw errorFromResponse(error, response);
      return data;
    };
    if (!spec.list) return call(spec.input === "query" ? input : undefined);
    const { starting_after, ending_before, ...filters } = (input ?? {}) as Record<string, unknown> & Cursor;
    return new AutoPager(
      async (cursor) => (await call({ ...filters, ...cursor })) as ListPage<{ id: string }>,
      { starting_after, ending_before },
    );
  };
}

/**
 * A MagnetPay client: `client.<resource>.<verb>(...)` for every operation of the API (from the
 * operationIds), throwing MagnetPayError on an error answer; list verbs return an AutoPager.
 */
export function createMagnetPay(options: MagnetPayOptions): MagnetPay {
  const api = createClient<paths>({
    baseUrl: options.baseUrl ?? "https://magnetpay.org",
    fetch: retryingFetch({
      credentials: options.credentials,
      retry: { ...defaultRetryOptions, ...definedOnly(options.retry ?? {}) },
      fetch: options.fetch ?? ((request) => fetch(request)),
    }),
  });
  // openapi-fetch types each path separately; the generated table holds only paths of the document.
  const request = api.request as unknown as RawCall;
  const resources = Object.fromEntries(
    Object.entries(operationTable).map(([resource, verbs]) => [
      resource,
      Object.fromEntries(
        Object.entries(verbs).map(([verb, spec]: [string, Spec]) => [verb, bindOperation(request, spec)]),
      ),
    ]),
  ) as unknown as Resources;
  return { ...resources, api };
}
