import { z } from "@hono/zod-openapi";
import { isAddress } from "viem";
import { listQuerySchema } from "../../core/pagination";
import { environmentSchema, idParams, timestamp } from "../../core/schemas";
import { assetCodes, networkNames } from "./networks";
import { cryptoDepositStatuses } from "./tables";

const network = z.enum(networkNames).openapi({ description: "The network; sandbox uses its testnet." });
const asset = z.enum(assetCodes).openapi({ description: "`native` (ETH, POL, BNB, AVAX) or a stablecoin." });

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
