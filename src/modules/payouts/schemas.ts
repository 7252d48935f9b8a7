import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { listQuerySchema } from "../../core/pagination";
import { railIds } from "../../core/rails";
import { currencyCode, environmentSchema, idParams, positiveAmount, timestamp } from "../../core/schemas";
import { weekdays } from "../../core/tables";
import { cryptoAsset, cryptoNetwork } from "../crypto/schemas";
import { payoutIntervals, payoutMethods, payoutStatuses } from "./tables";

const destinationId = z.string().min(1).max(255).openapi({ example: "ba_3kTq9yQy7yJ4pQz2Xb8w1LmN" });

export const createPayoutBody = z
  .object({
    amount: positiveAmount.optional().openapi({
      description:
        "Bank payouts, required: minor units of currency. Not sent for a crypto wallet (asset_amount).",
    }),
    currency: currencyCode.optional().openapi({
      description: "Bank payouts, required: the account's currency. Not sent for a crypto wallet.",
    }),
    destination: destinationId.openapi({
      description:
        "A verified bank account of the merchant (ba_…), or a crypto wallet: an EVM address in its EIP-55 checksummed form (0x…), with network, asset and asset_amount.",
    }),
    network: cryptoNetwork.optional().openapi({
      description: "Crypto wallets, required: the network the address is on (sandbox uses its testnet).",
    }),
    asset: cryptoAsset.optional().openapi({
      description:
        "Crypto wallets, required: what to send (native or a stablecoin), as crypto transfers name it.",
    }),
    asset_amount: z.string().max(80).optional().openapi({
      example: "25.50",
      description:
        "Crypto wallets, required: whole units of the asset, at most its decimals, as a crypto transfer's amount. The payout's amount is its USD value at the transfer's price, rounded up.",
    }),
    method: z.enum(payoutMethods).default("standard").openapi({
      description:
        "standard: the account's batch rail (ACH next day, SEPA Credit Transfer, Bacs), or a SWIFT wire for CHF, CAD, AUD, JPY, SGD and HKD (our wire fee and the correspondent fee, so the account receives the whole amount). instant: ACH same-day, SEPA Instant or Faster Payments, for a 1 % fee; SWIFT currencies have none (400 payout_rail_unavailable).",
    }),
    statement_descriptor: z
      .string()
      .regex(/^[A-Za-z0-9 .,\-/]{1,22}$/, "1 to 22 letters, digits, spaces and . , - /")
      .optional()
      .openapi({ description: "Shown on the bank statement; 22 characters at most (ACH's limit)." }),
    test_clock: z.string().min(1).max(255).optional().openapi({
      example: "clock_3kTq9yQy7yJ4pQz2Xb8w1LmN",
      description:
        "Sandbox only: one of your test clocks. The payout is scheduled at the clock's time and moves only as the clock advances.",
    }),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("CreatePayout");

export type CreatePayoutInput = z.infer<typeof createPayoutBody>;

export const payoutSchema = z
  .object({
    id: z.string().openapi({ example: "po_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("payout"),
    environment: environmentSchema,
    amount: z.number().int(),
    currency: z.string(),
    fee: z.number().int().openapi({
      description:
        "Debited with the amount: instant payouts' fee, a SWIFT payout's wire and correspondent fees; for a crypto wallet the network fee reserved (the most it can cost; the transfer's network_fee_charged is what was paid, the rest returns to available).",
    }),
    method: z.enum(payoutMethods),
    rail: z.enum(railIds).nullable().openapi({ description: "The bank rail; null for a crypto wallet." }),
    destination: z
      .string()
      .openapi({ description: "The bank account (ba_…) or the crypto wallet's address (0x…)." }),
    crypto: z
      .object({
        network: cryptoNetwork,
        asset: cryptoAsset,
        amount: z.string().openapi({ example: "25.50", description: "Whole units of the asset sent." }),
        transfer: z.string().openapi({
          example: "ctr_3kTq9yQy7yJ4pQz2Xb8w1LmN",
          description: "The crypto transfer that sends it: its on-chain state, network fee and reservation.",
        }),
      })
      .nullable()
      .openapi({ description: "Payouts to a crypto wallet; null for a bank account." }),
    statement_descriptor: z.string().nullable(),
    status: z.enum(payoutStatuses),
    arrival_date: z.string().openapi({
      example: "2026-12-02",
      description: "Rail-local day the funds arrive; for a crypto wallet the UTC day the payout was created.",
    }),
    batch: z
      .string()
      .nullable()
      .openapi({ description: "The rail submission (rail and cut-off) it left in." }),
    failure_code: z.string().nullable().openapi({ description: "The rail's return code (R01, AC04, …)." }),
    failure_message: z.string().nullable(),
    submitted_at: timestamp.nullable(),
    paid_at: timestamp.nullable(),
    failed_at: timestamp.nullable(),
    returned_at: timestamp
      .nullable()
      .openapi({ description: "Set when the bank returned it after it was paid (status failed)." }),
    canceled_at: timestamp.nullable(),
    automatic: z
      .boolean()
      .openapi({ description: "Created by the payout schedule (payout-automatic), not by a request." }),
    test_clock: z
      .string()
      .nullable()
      .openapi({ description: "Sandbox: the test clock it moves on; null on real time." }),
    metadata: z.record(z.string(), z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("Payout");

export type Payout = z.infer<typeof payoutSchema>;

export const payoutIdParams = idParams("po_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listPayoutsQuery = listQuerySchema.extend({
  status: z.enum(payoutStatuses).optional(),
  destination: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({ description: "A bank account (ba_…) or a wallet address (0x…, as created)." }),
});

export type ListPayoutsQuery = z.infer<typeof listPayoutsQuery>;

const minimumAmount = z.number().int().min(0).max(99_999_999_999);

/** A month at most: holding funds longer is a risk decision, not a schedule option. */
export const MAX_DELAY_DAYS = 31;

export const updatePayoutScheduleBody = z
  .object({
    interval: z.enum(payoutIntervals).openapi({
      description:
        "manual: only payouts you create. daily, weekly (on weekly_anchor) or monthly (on monthly_anchor): at 00:00 UTC, one payout per currency of the whole available balance.",
    }),
    weekly_anchor: z
      .enum(weekdays)
      .optional()
      .openapi({ description: "Required with interval weekly, refused otherwise." }),
    monthly_anchor: z.number().int().min(1).max(31).optional().openapi({
      example: 15,
      description:
        "Required with interval monthly, refused otherwise: the day of the month; in shorter months the last day.",
    }),
    minimum_amount: minimumAmount.default(0).openapi({
      example: 5_000,
      description:
        "Minor units, for every currency without its own entry in minimum_amounts: a currency whose available balance is below it is not paid out that period (0: any positive balance).",
    }),
    minimum_amounts: z
      .record(currencyCode, minimumAmount)
      .default({})
      .openapi({
        example: { USD: 500, EUR: 1_000 },
        description:
          "Per-currency minimums in each currency's minor units; they win over minimum_amount. Only payout currencies (USD, EUR, GBP, CHF, CAD, AUD, JPY, SGD, HKD): another is 400 payout_rail_unavailable.",
      }),
    method: z.enum(payoutMethods).default("standard").openapi({
      description:
        "standard: the batch rail, no fee. instant: ACH same-day, SEPA Instant or Faster Payments with the instant fee (1 %), taken from the balance paid out; SWIFT currencies, which have no instant rail, go standard. A minimum above the rail's per-payment limit is 400 rail_limit_exceeded.",
    }),
    delay_days: z.number().int().min(0).max(MAX_DELAY_DAYS).default(0).openapi({
      example: 2,
      description:
        "Pays out only funds that reached the available balance at least this many days before the run (0: all of it). Funds that arrived later wait for a later period.",
    }),
    destination: destinationId.nullable().optional().openapi({
      description:
        "A verified bank account of the merchant (ba_…), used for its currency. Omitted or null: in each currency, the merchant's most recently verified bank account.",
    }),
  })
  .strict()
  .openapi("UpdatePayoutSchedule");

export type UpdatePayoutScheduleInput = z.infer<typeof updatePayoutScheduleBody>;

export const payoutScheduleSchema = z
  .object({
    id: z.string().nullable().openapi({
      example: "posch_3kTq9yQy7yJ4pQz2Xb8w1LmN",
      description: "Null while the default (manual) applies.",
    }),
    object: z.literal("payout_schedule"),
    environment: environmentSchema,
    interval: z.enum(payoutIntervals),
    weekly_anchor: z.enum(weekdays).nullable(),
    monthly_anchor: z.number().int().nullable(),
    minimum_amount: z.number().int(),
    minimum_amounts: z.record(z.string(), z.number().int()),
    method: z.enum(payoutMethods),
    delay_days: z.number().int(),
    destination: z
      .string()
      .nullable()
      .openapi({ description: "Null: the most recently verified account per currency." }),
    timezone: z.literal("UTC"),
    next_run_at: timestamp
      .nullable()
      .openapi({ description: "The next automatic payout time; null for manual schedules." }),
    updated_at: timestamp.nullable().openapi({ description: "Null while the default (manual) applies." }),
  })
  .openapi("PayoutSchedule");

export type PayoutSchedule = z.infer<typeof payoutScheduleSchema>;
