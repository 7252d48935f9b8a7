import type { TestMerchant } from "../../../test/harness";

export interface Coupon {
  id: string;
  object: string;
  name: string | null;
  percent_off: number | null;
  amount_off: number | null;
  currency: string | null;
  currency_options: Record<string, { amount_off: number }>;
  duration: string;
  duration_in_months: number | null;
  max_redemptions: number | null;
  times_redeemed: number;
  redeem_by: string | null;
  applies_to: { products: string[] } | null;
  valid: boolean;
  metadata: Record<string, string>;
}

export interface Discount {
  id: string;
  object: string;
  coupon: string;
  promotion_code: string | null;
  customer: string;
  amount: number;
  currency: string;
  discount_amount: number;
  amount_after_discount: number;
  duration: string;
}

export async function customer(m: TestMerchant): Promise<string> {
  return (await m.sandbox.request<{ id: string }>("POST", "/customers", { name: "Buyer" })).body.id;
}

export const ahead = (seconds: number) => ({ "x-test-clock-offset-seconds": String(seconds) });
