import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { type Client, createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { failPaymentUpdates } from "../../../test/payment-faults";
import { type StripeMock, startStripeMock } from "../../../test/stripe-mock";
import { runFunctionFor } from "../../../test/verifications";

type Payment = {
  id: string;
  status: string;
  processing_reason: string | null;
  amount_received: number;
  provider: string | null;
};
type Refund = { id: string; status: string; pending_reason: string | null };

const SECRET_KEY = "sk_test_mockUnknown51";
const card = {
  type: "card",
  card: { number: "4242424242424242", exp_month: 12, exp_year: 2040, cvc: "123" },
};

function pay(client: Client, extra: Record<string, unknown> = {}, headers = {}) {
  return client.request<Payment>(
    "POST",
    "/payments",
    { amount: 10_000, currency: "USD", payment_method_data: card, confirm: true, ...extra },
    headers,
  );
}

/**
 * Stripe test mode: a sandbox connection to the local double (PROVIDERS_ALLOW_LOCALHOST never
 * applies to production connections), with the simulated processors off so routing picks Stripe.
 */
async function connect(m: TestMerchant, mock: StripeMock): Promise<void> {
  const providers = await m.sandbox.request<{ data: Array<{ id: string; provider: string }> }>(
    "GET",
    "/providers",
  );
  for (const other of providers.body.data.filter((p) => p.provider !== "stripe")) {
    await m.sandbox.request("PATCH", `/providers/${other.id}`, { enabled: false });
  }
  const res = await m.sandbox.request("POST", "/providers", {
    provider: "stripe",
    credentials: { secret_key: mock.secretKey, webhook_secret: "whsec_dW5rbm93bi1vdXRjb21lcw==" },
    api_base_url: mock.url,
  });
  if (res.status !== 200) throw new Error(`connect failed: ${res.text}`);
}

function chargesOf(mock: StripeMock, paymentId: string) {
  return mock.charges().filter((intent) => intent.metadata.magnetpay_payment === paymentId);
}

/**
 * Backdates open attempts and refunds, then runs payment-reconcile for this merchant alone, in a
 * window of its own: other files' unresolvable rows never crowd this one out of the run.
 */
async function reconcile(merchantId: string): Promise<void> {
  await query(
    `update payments set provider_attempt = jsonb_set(provider_attempt, '{started_at}', to_jsonb((now() - interval '10 minutes')::text))
     where merchant_id = $1 and provider_attempt is not null`,
    [merchantId],
  );
  await query(
    "update refunds set updated_at = now() - interval '10 minutes' where merchant_id = $1 and status = 'pending'",
    [merchantId],
  );
  const outcome = await runFunctionFor("payment-reconcile", { merchant: merchantId }, 0);
  expect(outcome.status, JSON.stringify(outcome)).toBe("succeeded");
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(check()).toBe(true);
}

describe("unknown provider outcomes: never charged twice", () => {
  let mock: StripeMock;
  let m: TestMerchant;

  beforeAll(async () => {
    mock = await startStripeMock(SECRET_KEY);
    m = await createMerchant();
    await connect(m, mock);
  });
  afterAll(async () => {
    await mock.close();
  });

  it("a processor that times out after charging: one charge, resolved by sending the same key again", async () => {
    mock.delayNext("/v1/payment_intents", 25_000);
    const res = await pay(m.sandbox);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "succeeded", provider: "stripe", amount_received: 10_000 });
    expect(chargesOf(mock, res.body.id)).toHaveLength(1);
    const keys = mock.requests
      .filter((r) => r.path === "/v1/payment_intents" && r.idempotencyKey?.startsWith(res.body.id))
      .map((r) => [r.idempotencyKey, r.replayed]);
    expect(keys).toContainEqual([`${res.body.id}:authorize:1:1`, true]);
  });

  it("a processor that answers 500 after charging: one charge, resolved by reading the PaymentIntent", async () => {
    mock.failAfterNext("/v1/payment_intents", 500, { type: "api_error", message: "Internal error." });
    const res = await pay(m.sandbox);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "succeeded", amount_received: 10_000 });
    expect(chargesOf(mock, res.body.id)).toHaveLength(1);
    const postings = await query("select 1 from ledger_transactions where source = $1", [
      `payment:${res.body.id}:captured`,
    ]);
    expect(postings).toHaveLength(1);
  });

  it("a hung processor: other postings go on, the payment ends processing, and the reconciler resolves it once", async () => {
    const earlier = await pay(m.sandbox);
    const held = mock.hold("/v1/payment_intents");
    const hung = pay(m.sandbox);
    let hungAnswered = false;
    void hung.finally(() => {
      hungAnswered = true;
    });
    await held.received;
    // A refund posts to the same merchant's balances and Stripe clearing account while the call hangs,
    // and is answered before it: a lock held across the call would make it wait for the timeout.
    const refund = await m.sandbox.request<Refund>("POST", `/payments/${earlier.body.id}/refunds`, {
      amount: 1_000,
    });
    expect(refund.body.status).toBe("succeeded");
    expect(hungAnswered).toBe(false);
    const res = await hung;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "processing", processing_reason: "provider_outcome_unknown" });
    expectError(
      await m.sandbox.request("POST", `/payments/${res.body.id}/cancel`, {}),
      409,
      "payment_state_invalid",
    );
    held.release();
    await waitFor(() => chargesOf(mock, res.body.id).length === 1);
    await reconcile(m.merchantId);
    const resolved = await m.sandbox.request<Payment>("GET", `/payments/${res.body.id}`);
    expect(resolved.body).toMatchObject({
      status: "succeeded",
      processing_reason: null,
      amount_received: 10_000,
    });
    expect(chargesOf(mock, res.body.id)).toHaveLength(1);
    const events = await query<{ type: string }>(
      "select type from events where object_id = $1 order by created_at",
      [res.body.id],
    );
    expect(events.map((e) => e.type)).toEqual(["payment.created", "payment.processing", "payment.succeeded"]);
  });

  it("a hung refund holds no ledger lock: a payment through the same clearing account goes on; the refund resolves once", async () => {
    const paid = await pay(m.sandbox);
    const held = mock.hold("/v1/refunds");
    const refunding = m.sandbox.request<Refund>("POST", `/payments/${paid.body.id}/refunds`, {
      amount: 2_000,
    });
    let refundAnswered = false;
    void refunding.finally(() => {
      refundAnswered = true;
    });
    await held.received;
    const other = await pay(m.sandbox);
    expect(other.body.status).toBe("succeeded");
    // Answered while the refund's call still hangs: no lock of the refund's made it wait.
    expect(refundAnswered).toBe(false);
    const refund = await refunding;
    expect(refund.body).toMatchObject({ status: "pending", pending_reason: "provider_outcome_unknown" });
    held.release();
    await waitFor(() =>
      mock.requests.some(
        (r) =>
          r.path === "/v1/refunds" &&
          r.params.payment_intent !== undefined &&
          r.idempotencyKey === `${paid.body.id}:refund:${refund.body.id}`,
      ),
    );
    await reconcile(m.merchantId);
    const after = await m.sandbox.request<Refund>("GET", `/refunds/${refund.body.id}`);
    expect(after.body).toMatchObject({ status: "succeeded", pending_reason: null });
    const processed = mock.requests.filter(
      (r) => r.idempotencyKey === `${paid.body.id}:refund:${refund.body.id}` && !r.replayed,
    );
    expect(processed).toHaveLength(1);
  });

  it("a refund that fails late gives back its amount without letting a later refund replay another's success", async () => {
    const paid = await pay(m.sandbox);
    // A: its answer never arrives in time; Stripe then refuses it (400), which reconcile applies.
    const held = mock.hold("/v1/refunds");
    const first = m.sandbox.request<Refund>("POST", `/payments/${paid.body.id}/refunds`, { amount: 2_000 });
    await held.received;
    const a = await first;
    expect(a.body).toMatchObject({ status: "pending", pending_reason: "provider_outcome_unknown" });
    mock.failNext("/v1/refunds", 400, { type: "invalid_request_error", message: "Stripe refused." });
    const before = mock.requests.length;
    held.release();
    await waitFor(() => mock.requests.length > before);
    const b = await m.sandbox.request<Refund>("POST", `/payments/${paid.body.id}/refunds`, { amount: 2_000 });
    expect(b.body.status).toBe("succeeded");
    await reconcile(m.merchantId);
    const failed = await m.sandbox.request<Refund>("GET", `/refunds/${a.body.id}`);
    expect(failed.body.status).toBe("failed");
    // C has A's amount and finds the payment as B found it: it must reach Stripe as a refund of its own.
    const c = await m.sandbox.request<Refund>("POST", `/payments/${paid.body.id}/refunds`, { amount: 2_000 });
    expect(c.body.status).toBe("succeeded");
    const intent = chargesOf(mock, paid.body.id)[0]?.id;
    const refundedAtStripe = mock.requests.filter(
      (r) =>
        r.path === "/v1/refunds" && r.params.payment_intent === intent && r.status === 200 && !r.replayed,
    );
    const succeeded = await query<{ id: string }>(
      "select id from refunds where payment_id = $1 and status = 'succeeded'",
      [paid.body.id],
    );
    expect(succeeded).toHaveLength(2);
    expect(refundedAtStripe).toHaveLength(2);
  });

  it("a refund whose answer is a 500 stays pending and is resolved with the same key", async () => {
    const paid = await pay(m.sandbox);
    mock.failNext("/v1/refunds", 500, { type: "api_error", message: "Stripe refused." });
    const refund = await m.sandbox.request<Refund>("POST", `/payments/${paid.body.id}/refunds`, {
      amount: 1_500,
    });
    expect(refund.body).toMatchObject({ status: "pending", pending_reason: "provider_outcome_unknown" });
    const events = await query<{ type: string }>(
      "select type from events where object_id = $1 order by created_at",
      [refund.body.id],
    );
    expect(events.map((e) => e.type)).toEqual(["refund.created", "refund.updated"]);
    await reconcile(m.merchantId);
    // The mock stored the 500 under the key: a replay answers it again, so the refund stays pending, unduplicated.
    const again = await m.sandbox.request<Refund>("GET", `/refunds/${refund.body.id}`);
    expect(again.body.status).toBe("pending");
    expect(
      mock.requests.filter(
        (r) => r.idempotencyKey === `${paid.body.id}:refund:${refund.body.id}` && !r.replayed,
      ),
    ).toHaveLength(1);
  });
});

describe("check before you call; keep what a provider answered", () => {
  it("a payment whose capture could never be posted is refused before Stripe sees it", async () => {
    const mock = await startStripeMock(SECRET_KEY);
    try {
      const m = await createMerchant();
      await connect(m, mock);
      const big = await pay(m.sandbox, { amount: Number.MAX_SAFE_INTEGER });
      expect(big.body.status).toBe("succeeded");
      const charges = mock.charges().length;
      expectError(await pay(m.sandbox), 400, "amount_invalid");
      expect(mock.charges().length).toBe(charges);
    } finally {
      await mock.close();
    }
  });

  it("when applying Stripe's answer fails, the response is kept for the Idempotency-Key: a retry never charges again", async () => {
    const mock = await startStripeMock(SECRET_KEY);
    const m = await createMerchant();
    let restore = async () => {};
    try {
      await connect(m, mock);
      restore = await failPaymentUpdates({ merchantId: m.merchantId, status: "succeeded" });
      const key = `keep-${Date.now()}`;
      const first = await pay(m.sandbox, {}, { "idempotency-key": key });
      const second = await pay(m.sandbox, {}, { "idempotency-key": key });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        status: "processing",
        processing_reason: "provider_outcome_unknown",
      });
      expect(second.headers.get("idempotent-replayed")).toBe("true");
      expect(second.body.id).toBe(first.body.id);
      expect(mock.charges()).toHaveLength(1);
      await restore();
      await reconcile(m.merchantId);
      const resolved = await m.sandbox.request<Payment>("GET", `/payments/${first.body.id}`);
      expect(resolved.body.status).toBe("succeeded");
      expect(mock.charges()).toHaveLength(1);
    } finally {
      await restore();
      await mock.close();
    }
  });
});
