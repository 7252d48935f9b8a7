/**
 * A client a merchant would write with openapi-fetch over the types openapi-typescript generates
 * from our document with default settings. `npm run check:client` (part of `npm run typecheck`)
 * compiles it under --strict, so a change to the document that breaks generated clients fails CI.
 */
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/schema";

type Payment = components["schemas"]["Payment"];
type ApiError = components["schemas"]["Error"]["error"];

export async function example(baseUrl: string, keyId: string, secret: string): Promise<Payment | ApiError> {
  const client = createClient<paths>({
    baseUrl,
    headers: { "X-Api-Key": keyId, "X-Api-Secret": secret },
  });
  const customer = await client.POST("/api/v1/customers", {
    params: { header: { "Idempotency-Key": "order-6735-customer" } },
    body: { email: "jenny@example.com", metadata: { order_id: "6735" } },
  });
  if (customer.error) return customer.error.error;
  // Fields with a default (capture_method, confirm) are optional to send.
  const created = await client.POST("/api/v1/payments", {
    params: { header: { "Idempotency-Key": "order-6735" } },
    body: { amount: 1999, currency: "USD", customer: customer.data.id },
  });
  if (created.error) {
    const { code, decline_code: declineCode } = created.error.error;
    return { ...created.error.error, message: `${code} ${declineCode ?? ""}` };
  }
  const captured = await client.POST("/api/v1/payments/{id}/capture", {
    params: { path: { id: created.data.id } },
  });
  if (captured.error) return captured.error.error;
  const listed = await client.GET("/api/v1/payments", { params: { query: { limit: 10 } } });
  const rolled = await client.POST("/api/v1/api-keys/{id}/roll", {
    params: { path: { id: keyId } },
    body: {},
  });
  void rolled;
  return listed.data?.data[0] ?? captured.data;
}
