import { query } from "./db";

/**
 * Through the trigger test/fault-injection.ts installs once: until the returned function is called, every update that would leave one of the payments (by id,
 * or all of a merchant's) in `status` fails in the database, as a crash between the provider's
 * answer and our commit would.
 */
export async function failPaymentUpdates(target: {
  paymentId?: string;
  merchantId?: string;
  status: string;
}): Promise<() => Promise<void>> {
  const [row] = await query<{ ctid: string }>(
    "insert into test_failing_payment_updates (payment_id, merchant_id, status) values ($1, $2, $3) returning ctid::text",
    [target.paymentId ?? null, target.merchantId ?? null, target.status],
  );
  return async () => {
    await query("delete from test_failing_payment_updates where ctid = $1::tid", [row?.ctid]);
  };
}

/** The same for refunds: every update that would leave one of the merchant's refunds in `status` fails. */
export async function failRefundUpdates(target: {
  merchantId: string;
  status: string;
}): Promise<() => Promise<void>> {
  const [row] = await query<{ ctid: string }>(
    "insert into test_failing_refund_updates (merchant_id, status) values ($1, $2) returning ctid::text",
    [target.merchantId, target.status],
  );
  return async () => {
    await query("delete from test_failing_refund_updates where ctid = $1::tid", [row?.ctid]);
  };
}
