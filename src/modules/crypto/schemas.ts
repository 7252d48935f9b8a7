import { z } from "@hono/zod-openapi";
import { getAddress, isAddress } from "viem";
import { metadataSchema } from "../../core/metadata";
import { listQuerySchema } from "../../core/pagination";
import { environmentSchema, idParams, timestamp } from "../../core/schemas";
import { assetCodes, networkNames } from "./networks";
import { cryptoDepositStatuses, cryptoPaymentStatuses, cryptoTransferStatuses } from "./tables";

const network = z.enum(networkNames).openapi({ description: "The network; sandbox uses its testnet." });
const asset = z.enum(assetCodes).openapi({ description: "`native` (ETH, POL, BNB, AVAX) or a stablecoin." });

/** The network and asset as every crypto request names them (payouts to a wallet too). */
export { asset as cryptoAsset, network as cryptoNetwork };

export const createCryptoAddressBody = z
  .object({
    customer: z.string().min(1).max(255).openapi({ example: "cus_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    network,
    asset,
    amount: z.string().max(80).optional().openapi({
      description:
        'Optional amount to request in the payment URI, in whole units ("25.5"), at most the asset\'s decimals.',
      example: "25.50",
    }),
  })
  .strict()
  .openapi("CreateCryptoAddress");

export type CreateCryptoAddressInput = z.infer<typeof createCryptoAddressBody>;

const chainSchema = z
  .object({ key: z.string(), id: z.number().int(), name: z.string() })
  .openapi("CryptoChain");

const paymentTargetSchema = z
  .object({
    asset,
    symbol: z.string(),
    contract: z.string().nullable(),
    decimals: z.number().int(),
    amount: z.string().nullable().openapi({ description: "Requested amount in base units, or null." }),
    payment_uri: z.string().openapi({ description: "EIP-681 payment request." }),
    qr_data: z.string().openapi({ description: "The text to encode in a QR code (the EIP-681 URI)." }),
  })
  .openapi("CryptoPaymentTarget");

export const cryptoAddressSchema = z
  .object({
    id: z.string().openapi({ example: "caddr_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("crypto_address"),
    environment: environmentSchema,
    customer: z.string(),
    network,
    chain: chainSchema,
    address: z.string().openapi({ description: "EIP-55 checksummed." }),
    derivation_index: z.number().int(),
    assets: z.array(paymentTargetSchema),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("CryptoAddress");

export type CryptoAddress = z.infer<typeof cryptoAddressSchema>;

export const cryptoAddressIdParams = idParams("caddr_3kTq9yQy7yJ4pQz2Xb8w1LmN");

/** A 0x address; mixed case must carry a valid EIP-55 checksum. */
export const evmAddress = z
  .string()
  .max(42)
  .refine(
    (value) => isAddress(value, { strict: true }),
    "Must be an EVM address with a valid EIP-55 checksum.",
  )
  .openapi({ example: "0x9858EfFD232B4033E47d90003D41EC34EcaEda94" });

export const listCryptoAddressesQuery = listQuerySchema
  .extend({
    customer: z.string().min(1).max(255).optional(),
    network: network.optional(),
    address: evmAddress.optional(),
  })
  .strict();

export const cryptoDepositSchema = z
  .object({
    id: z.string().openapi({ example: "cdep_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("crypto_deposit"),
    environment: environmentSchema,
    status: z.enum(cryptoDepositStatuses),
    address: z.string().openapi({ description: "The crypto_address id." }),
    customer: z.string(),
    network,
    chain: chainSchema,
    asset,
    contract: z.string().nullable(),
    amount: z.string().openapi({ description: "Base units, as a decimal integer string." }),
    amount_decimal: z.string().openapi({ description: 'Whole units ("12.5").' }),
    decimals: z.number().int(),
    from: z.string(),
    to: z.string(),
    transaction_hash: z.string(),
    log_index: z.number().int().openapi({ description: "-1 for a native transfer." }),
    block_number: z.number().int(),
    block_hash: z.string(),
    confirmations: z.number().int(),
    required_confirmations: z.number().int(),
    fiat_amount: z.number().int().nullable().openapi({ description: "Credited value in minor units." }),
    fiat_currency: z.string().nullable(),
    rate: z.string().nullable().openapi({ description: "Fiat per whole unit, fixed at confirmation." }),
    confirmed_at: timestamp.nullable(),
    credited_at: timestamp.nullable(),
    dropped_at: timestamp.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("CryptoDeposit");

export type CryptoDeposit = z.infer<typeof cryptoDepositSchema>;

export const cryptoDepositIdParams = idParams("cdep_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listCryptoDepositsQuery = listQuerySchema
  .extend({
    customer: z.string().min(1).max(255).optional(),
    address: z.string().min(1).max(255).optional(),
    status: z.enum(cryptoDepositStatuses).optional(),
  })
  .strict();

const tierSchema = z
  .object({
    min_amount: z
      .number()
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .openapi({ description: "The tier applies from this deposit value, in USD cents." }),
    confirmations: z.number().int().min(1).max(10_000),
  })
  .strict()
  .openapi("CryptoConfirmationTier");

export const cryptoNetworkSchema = z
  .object({
    id: z.string().openapi({ description: "The network's name, as `network`: what its events point at." }),
    object: z.literal("crypto_network"),
    network,
    chain: chainSchema,
    native_symbol: z.string(),
    assets: z.array(
      z.object({ asset, symbol: z.string(), contract: z.string().nullable(), decimals: z.number().int() }),
    ),
    block_time_ms: z.number().int(),
    finality: z.object({
      kind: z.enum(["finalized_tag", "confirmations"]),
      confirmations: z.number().int(),
    }),
    confirmation_tiers: z
      .array(tierSchema)
      .openapi({ description: "The merchant's overrides, lowest first." }),
  })
  .openapi("CryptoNetwork");

export type CryptoNetwork = z.infer<typeof cryptoNetworkSchema>;

export const cryptoNetworkListSchema = z
  .object({
    object: z.literal("list"),
    data: z.array(cryptoNetworkSchema),
    has_more: z.boolean(),
    url: z.string(),
  })
  .openapi("CryptoNetworkList");

export const networkParams = z.object({
  network: network.openapi({ param: { name: "network", in: "path" } }),
});

export const setConfirmationTiersBody = z
  .object({
    tiers: z
      .array(tierSchema)
      .max(10)
      .openapi({ description: "Replaces the merchant's tiers; [] restores the default." }),
  })
  .strict()
  .openapi("SetCryptoConfirmationTiers");

/** A 0x address in its EIP-55 form exactly: a send never goes to an address typed without its checksum. */
export const checksummedAddress = z
  .string()
  .max(42)
  .refine(
    (value) => isAddress(value, { strict: true }) && getAddress(value) === value,
    "Must be an EVM address in its EIP-55 checksummed form.",
  )
  .openapi({ example: "0x9858EfFD232B4033E47d90003D41EC34EcaEda94" });

const weiAmount = z
  .string()
  .regex(/^[1-9]\d{0,29}$/, "A positive integer in wei, as a string.")
  .openapi({ example: "50000000000" });

export const createCryptoTransferBody = z
  .object({
    network,
    asset,
    to: checksummedAddress,
    amount: z.string().max(80).openapi({
      description: 'The amount to send in whole units ("25.5"), at most the asset\'s decimals.',
      example: "25.50",
    }),
    max_fee_per_gas: weiAmount.optional().openapi({
      description:
        "Cap on the EIP-1559 max fee per gas (wei), for the first attempt and every replacement. Default: twice the estimate at creation.",
    }),
    description: z.string().max(500).optional(),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("CreateCryptoTransfer");

export type CreateCryptoTransferInput = z.infer<typeof createCryptoTransferBody>;

const transferAttemptSchema = z
  .object({
    transaction_hash: z.string(),
    max_fee_per_gas: z.string(),
    max_priority_fee_per_gas: z.string(),
    created_at: timestamp,
  })
  .openapi("CryptoTransferAttempt");

export const cryptoTransferSchema = z
  .object({
    id: z.string().openapi({ example: "ctr_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("crypto_transfer"),
    environment: environmentSchema,
    status: z.enum(cryptoTransferStatuses),
    network,
    chain: chainSchema,
    asset,
    contract: z.string().nullable(),
    amount: z.string().openapi({ description: "Base units, as a decimal integer string." }),
    amount_decimal: z.string().openapi({ description: 'Whole units ("12.5").' }),
    decimals: z.number().int(),
    from: z.string().openapi({ description: "The platform's hot wallet." }),
    to: z.string(),
    fiat_amount: z
      .number()
      .int()
      .openapi({ description: "The amount's value in minor units, rounded up (the network fee apart)." }),
    fiat_currency: z.string(),
    rate: z.string().openapi({ description: "Fiat per whole unit at creation." }),
    nonce: z.number().int().nullable().openapi({
      description:
        "The hot wallet nonce; assigned right after creation, before signing (null in `crypto.transfer.created`).",
    }),
    gas_limit: z.number().int(),
    max_fee_per_gas: z
      .string()
      .openapi({ description: "The current attempt's EIP-1559 max fee per gas (wei)." }),
    max_priority_fee_per_gas: z.string(),
    fee_cap_per_gas: z.string().openapi({ description: "No attempt's max fee per gas exceeds this (wei)." }),
    transaction_hash: z
      .string()
      .nullable()
      .openapi({ description: "The current attempt; null until broadcast." }),
    attempts: z.array(transferAttemptSchema),
    block_number: z.number().int().nullable(),
    block_hash: z.string().nullable().openapi({
      description:
        "The confirmed receipt's block; a reorg that removes it before it is final undoes the confirmation.",
    }),
    network_fee: z
      .string()
      .nullable()
      .openapi({ description: "gas used × effective gas price (wei), once mined." }),
    network_fee_rate: z.string().nullable().openapi({
      description:
        "Fiat per whole unit of the network's native asset at creation: the fee's rate (null on transfers from before fees were charged).",
    }),
    network_fee_reserved: z.number().int().openapi({
      description:
        "Reserved at creation for the network fee: gas_limit × fee_cap_per_gas at network_fee_rate, minor units of fiat_currency, rounded up.",
    }),
    network_fee_charged: z.number().int().nullable().openapi({
      description:
        "Charged to the balance at confirmation: network_fee at network_fee_rate, rounded up; the rest of the reservation is released. Null until confirmed, and for a failed transfer (nothing charged).",
    }),
    failure_reason: z.string().nullable(),
    source: z.object({ type: z.string(), id: z.string().nullable() }),
    description: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    broadcast_at: timestamp.nullable(),
    confirmed_at: timestamp.nullable(),
    finalized_at: timestamp
      .nullable()
      .openapi({ description: "When the confirmed block became final by the chain's finality rule." }),
    failed_at: timestamp.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("CryptoTransfer");

export type CryptoTransfer = z.infer<typeof cryptoTransferSchema>;

export const cryptoTransferIdParams = idParams("ctr_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listCryptoTransfersQuery = listQuerySchema
  .extend({ status: z.enum(cryptoTransferStatuses).optional(), network: network.optional() })
  .strict();

export const createCryptoPaymentBody = z
  .object({
    customer: z.string().min(1).max(255).openapi({ example: "cus_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    network,
    asset,
    amount: z.string().max(80).openapi({
      description: 'The amount due in whole units ("25.5"), at most the asset\'s decimals.',
      example: "25.50",
    }),
    expires_in: z.number().int().min(60).max(604_800).optional().openapi({
      description: "Seconds until it expires (60 to 7 days); default 3600.",
    }),
    description: z.string().max(500).optional(),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("CreateCryptoPayment");

export type CreateCryptoPaymentInput = z.infer<typeof createCryptoPaymentBody>;

export const cryptoPaymentSchema = z
  .object({
    id: z.string().openapi({ example: "cpay_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("crypto_payment"),
    environment: environmentSchema,
    status: z.enum(cryptoPaymentStatuses),
    customer: z.string(),
    crypto_address: z.string().openapi({ description: "The customer's deposit address object (caddr_)." }),
    address: z.string().openapi({ description: "Where to pay: EIP-55 checksummed." }),
    network,
    chain: chainSchema,
    asset,
    contract: z.string().nullable(),
    decimals: z.number().int(),
    amount_due: z.string().openapi({ description: "Base units." }),
    amount_due_decimal: z.string(),
    amount_received: z.string().openapi({ description: "Base units of credited deposits counted so far." }),
    amount_remaining: z.string().openapi({ description: "Base units still due (0 once completed)." }),
    overpaid_amount: z.string().nullable().openapi({ description: "Base units beyond the amount due." }),
    fiat_amount: z.number().int().openapi({
      description:
        "The fiat value received: the sum of the counted deposits' fiat_amount, each fixed at its confirmation (minor units of fiat_currency).",
    }),
    fiat_currency: z.literal("USD"),
    deposits: z.array(z.string()).openapi({ description: "The credited deposits (cdep_) counted." }),
    payment_uri: z.string().openapi({ description: "EIP-681 request for the amount remaining." }),
    qr_data: z.string(),
    description: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    expires_at: timestamp,
    completed_at: timestamp.nullable(),
    expired_at: timestamp.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("CryptoPayment");

export type CryptoPayment = z.infer<typeof cryptoPaymentSchema>;

export const cryptoPaymentIdParams = idParams("cpay_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listCryptoPaymentsQuery = listQuerySchema
  .extend({
    customer: z.string().min(1).max(255).optional(),
    status: z.enum(cryptoPaymentStatuses).optional(),
  })
  .strict();
