import { query } from "./db";

/**
 * Through the trigger test/fault-injection.ts installs once: until the returned function is called,
 * every update that would leave one of `table`'s rows (by id, or all of a merchant's) in `status`
 * fails in the database, as a crash between the provider's answer and our commit would.
 */
async function failUpdates(
  table: "payments" | "refunds",
  target: { rowId?: string; merchantId?: string; status: string },
): Promise<() => Promise<void>> {
  const [row] = await query<{ ctid: string }>(
    "insert into test_failing_updates (table_name, row_id, merchant_id, status) values ($1, $2, $3, $4) returning ctid::text",
    [table, target.rowId ?? null, target.merchantId ?? null, target.status],
  );
  return async () => {
    await query("delete from test_failing_updates where ctid = $1::tid", [row?.ctid]);
  };
}

/** Payments' updates to `status` fail: one payment's (paymentId), or all of a merchant's. */
export function failPaymentUpdates(target: {
  paymentId?: string;
  merchantId?: string;
  status: string;
}): Promise<() => Promise<void>> {
  return failUpdates("payments", {
    rowId: target.paymentId,
    merchantId: target.merchantId,
    status: target.status,
  });
}

/** Refunds' updates to `status` fail, for all of the merchant's refunds. */
export function failRefundUpdates(target: {
  merchantId: string;
  status: string;
}): Promise<() => Promise<void>> {
  return failUpdates("refunds", target);
}
