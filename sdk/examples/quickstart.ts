/**
 * The SDK as a merchant uses it. `npm run check:sdk` compiles this under --strict against the
 * generated types, so a change to the OpenAPI document that breaks merchants' code fails CI.
 */
import { type components, createMagnetPay, MagnetPayError } from "../src/index.js";

type Payment = components["schemas"]["Payment"];

export async function quickstart(baseUrl: string, keyId: string, secret: string): Promise<Payment[]> {
  const magnetpay = createMagnetPay({ baseUrl, credentials: { keyId, secret } });
  const customer = await magnetpay.customers.create({
    email: "jenny@example.com",
    metadata: { order: "6735" },
  });
  // Fields with a default (capture_method, confirm) are optional to send.
  const payment = await magnetpay.payments.create(
    { amount: 1999, currency: "USD", customer: customer.id },
    { idempotencyKey: "order-6735" },
  );
  try {
    await magnetpay.payments.capture(payment.id);
  } catch (error) {
    if (!(error instanceof MagnetPayError) || error.code !== "payment_state_invalid") throw error;
    console.log(error.details.payment_status, error.requestId);
  }
  await magnetpay.refunds.create(payment.id, { amount: 500 });
  const [balance] = (await magnetpay.balances.list()).data;
  console.log(balance?.available);
  const recent: Payment[] = [];
  for await (const listed of magnetpay.payments.list({ limit: 10, customer: customer.id }))
    recent.push(listed);
  const { data, error } = await magnetpay.api.GET("/api/v1/payments/{id}", {
    params: { path: { id: payment.id } },
  });
  if (error) throw new MagnetPayError(error.error, { status: 404, headers: new Headers() });
  return [data, ...recent];
}
