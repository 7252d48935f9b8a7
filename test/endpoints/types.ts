import type { Client, TestMerchant } from "../harness";

/** An endpoint that reads or changes one object: `create` makes it with the merchant's sandbox key. */
export interface ObjectEndpoint {
  name: string;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: (id: string) => string;
  body?: unknown;
  /** For endpoints that take the object's id in the body rather than the path. */
  bodyFor?: (id: string) => unknown;
  /**
   * For endpoints whose body names another object of the caller (the customer a payment method is
   * attached to): made with each caller's own client, so a refusal can only come from the object
   * in the path.
   */
  callerBody?: (caller: Client) => Promise<unknown>;
  create: (merchant: TestMerchant) => Promise<string>;
  /**
   * Where the owner reads the object back, when `path(id)` is not itself a GET of it (an action
   * such as capture, or an endpoint that takes the id in the body). The security suite reads it
   * there and expects the object's own id in the answer.
   */
  readBack?: (id: string) => string;
}

/** Endpoints without an object id (create, list, settings), for the revoked-key check and the fixtures' responses. */
export interface CollectionEndpoint {
  name: string;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  body?: unknown;
}
