/** Every table, for drizzle-kit: core's and each module's. */

export * from "../core/ledger/tables";
export * from "../core/tables";
export * from "../modules/bank-accounts/tables";
export * from "../modules/coupons/tables";
export * from "../modules/crypto/tables";
export * from "../modules/customers/tables";
export * from "../modules/customers/tables";
export * from "../modules/funding/tables";
export * from "../modules/funding/tables";
export * from "../modules/fx/tables";
export * from "../modules/fx/tables";
export * from "../modules/global-accounts/tables";
export * from "../modules/issuing/providers/vault";
export * from "../modules/issuing/tables";
export * from "../modules/meters/tables";
export * from "../modules/payment-methods/tables";
export * from "../modules/payments/tables";
export * from "../modules/prices/tables";
export * from "../modules/products/tables";
export * from "../modules/promotion-codes/tables";
export * from "../modules/providers/tables";
export * from "../modules/refunds/tables";
export * from "../modules/usage-records/tables";
export * from "../modules/verifications/tables";
export * from "../modules/webhooks/tables";
