import type { TestMerchant } from "./harness";

/**
 * Every endpoint that reads or changes one object, for the shared security suite. A new module
 * adds its endpoints here: `create` makes the object with the merchant's sandbox key.
 */
export interface ObjectEndpoint {
  name: string;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: (id: string) => string;
  body?: unknown;
  create: (merchant: TestMerchant) => Promise<string>;
}

/** Endpoints without an object id (create and list), for the credential checks. */
export interface CollectionEndpoint {
  name: string;
  method: "GET" | "POST";
  path: string;
  body?: unknown;
}

const createCustomer = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/customers", {
    email: "sec@example.com",
  });
  return created.body.id;
};

export const objectEndpoints: ObjectEndpoint[] = [
  { name: "retrieve customer", method: "GET", path: (id) => `/customers/${id}`, create: createCustomer },
  {
    name: "update customer",
    method: "PATCH",
    path: (id) => `/customers/${id}`,
    body: { name: "x" },
    create: createCustomer,
  },
  { name: "delete customer", method: "DELETE", path: (id) => `/customers/${id}`, create: createCustomer },
];

export const collectionEndpoints: CollectionEndpoint[] = [
  { name: "create customer", method: "POST", path: "/customers", body: { email: "a@example.com" } },
  { name: "list customers", method: "GET", path: "/customers" },
  { name: "list api keys", method: "GET", path: "/api-keys" },
  { name: "create api key", method: "POST", path: "/api-keys", body: { environment: "sandbox", name: "x" } },
];
