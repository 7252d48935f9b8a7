import { sql } from "drizzle-orm";
import {
  bigint,
  index,
  integer,
  jsonb,
  numeric,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";

export interface AssetRequest {
  asset: string;
  amount: string | null;
}

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * Derivation indexes m/44'/60'/0'/0/i for every deposit address, across merchants and environments:
 * one sequence, so an index (and so an address) is never handed out twice. BIP-32 caps unhardened
 * indexes at 2^31 - 1. A request that fails after taking a value leaves a gap, never a reuse.
 */
export const cryptoDerivationIndex = pgSequence("crypto_derivation_index", {
  startWith: 0,
  minValue: 0,
  maxValue: 2_147_483_647,
});

export const cryptoAddresses = pgTable(
  "crypto_addresses",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    customerId: text("customer_id").notNull(),
    network: text("network").notNull(),
    /** The chain the network maps to in this environment (the poller's key). */
    chain: text("chain").notNull(),
    /** EIP-55 checksummed. */
    address: text("address").notNull(),
    derivationIndex: bigint("derivation_index", { mode: "number" }).notNull(),
    /**
     * The assets the merchant asked for at this address, with the amount requested (base units) if
     * any: its payment URIs. Every supported asset is watched, whatever was asked.
     */
    assets: jsonb("assets").$type<AssetRequest[]>().notNull(),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (table) => [
    uniqueIndex("crypto_addresses_customer_network_key").on(
      table.merchantId,
      table.environment,
      table.customerId,
      table.network,
    ),
    uniqueIndex("crypto_addresses_derivation_index_key").on(table.derivationIndex),
    uniqueIndex("crypto_addresses_chain_address_key").on(table.chain, table.address),
    index("crypto_addresses_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
  ],
);

export type CryptoAddressRow = typeof cryptoAddresses.$inferSelect;

export const cryptoDepositStatuses = [
  "detected",
  "confirming",
  "confirmed",
  "credited",
  "dropped",
  "reversed",
] as const;
export type CryptoDepositStatus = (typeof cryptoDepositStatuses)[number];

export const cryptoDeposits = pgTable(
  "crypto_deposits",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    addressId: text("address_id").notNull(),
    customerId: text("customer_id").notNull(),
    network: text("network").notNull(),
    chain: text("chain").notNull(),
    asset: text("asset").notNull(),
    /** The ERC-20 contract; null for the native asset. */
    tokenContract: text("token_contract"),
    /** On-chain amount in the asset's base units (uint256 fits numeric(78, 0)). */
    amount: numeric("amount", { precision: 78, scale: 0 }).notNull(),
    decimals: integer("decimals").notNull(),
    fromAddress: text("from_address").notNull(),
    toAddress: text("to_address").notNull(),
    txHash: text("tx_hash").notNull(),
    /** The Transfer log's index in its block; -1 for a native transfer (one per transaction). */
    logIndex: integer("log_index").notNull(),
    blockNumber: bigint("block_number", { mode: "number" }).notNull(),
    blockHash: text("block_hash").notNull(),
    status: text("status").$type<CryptoDepositStatus>().notNull(),
    confirmations: integer("confirmations").notNull(),
    requiredConfirmations: integer("required_confirmations").notNull(),
    /** Ledger value, fixed at confirmation: minor units of fiatCurrency at `rate`. */
    fiatAmount: bigint("fiat_amount", { mode: "number" }),
    fiatCurrency: text("fiat_currency"),
    rate: text("rate"),
    confirmedAt: at("confirmed_at"),
    creditedAt: at("credited_at"),
    droppedAt: at("dropped_at"),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (table) => [
    uniqueIndex("crypto_deposits_onchain_key").on(table.chain, table.blockHash, table.txHash, table.logIndex),
    index("crypto_deposits_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
    index("crypto_deposits_chain_status_idx").on(table.chain, table.status),
  ],
);

export type CryptoDepositRow = typeof cryptoDeposits.$inferSelect;

/** Blocks the poller has read, for parentHash continuity and walking back after a reorg. */
export const cryptoBlocks = pgTable(
  "crypto_blocks",
  {
    chain: text("chain").notNull(),
    number: bigint("number", { mode: "number" }).notNull(),
    hash: text("hash").notNull(),
    parentHash: text("parent_hash").notNull(),
    readAt: at("read_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.chain, table.number] })],
);

export type CryptoBlockRow = typeof cryptoBlocks.$inferSelect;

/** A merchant's confirmation thresholds per network: the highest tier at or below a deposit's value applies. */
export const cryptoConfirmationTiers = pgTable(
  "crypto_confirmation_tiers",
  {
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    network: text("network").notNull(),
    /** The tier starts at this value, in USD cents. */
    minAmount: bigint("min_amount", { mode: "number" }).notNull(),
    confirmations: integer("confirmations").notNull(),
    createdAt: at("created_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.merchantId, table.environment, table.network, table.minAmount] })],
);

export type CryptoConfirmationTierRow = typeof cryptoConfirmationTiers.$inferSelect;

/**
 * The platform's sending address per chain and its next nonce. Every nonce is taken by one
 * statement that updates this row (its row lock serializes concurrent sends across isolates).
 */
export const cryptoHotWallets = pgTable(
  "crypto_hot_wallets",
  {
    chain: text("chain").notNull(),
    address: text("address").notNull(),
    nextNonce: bigint("next_nonce", { mode: "number" }).notNull(),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.chain, table.address] })],
);

export const cryptoTransferStatuses = ["pending", "broadcast", "confirmed", "failed"] as const;
export type CryptoTransferStatus = (typeof cryptoTransferStatuses)[number];

/** One signed version of a transfer: the first, then each replacement (same nonce, higher fees). */
export interface TransferAttempt {
  hash: string;
  maxFeePerGas: string;
  maxPriorityFeePerGas: string;
  at: string;
}

export const cryptoTransfers = pgTable(
  "crypto_transfers",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    network: text("network").notNull(),
    chain: text("chain").notNull(),
    asset: text("asset").notNull(),
    tokenContract: text("token_contract"),
    decimals: integer("decimals").notNull(),
    /** Base units. */
    amount: numeric("amount", { precision: 78, scale: 0 }).notNull(),
    fromAddress: text("from_address").notNull(),
    toAddress: text("to_address").notNull(),
    /** The reservation in the ledger, minor units of fiatCurrency at `rate`, rounded up. */
    fiatAmount: bigint("fiat_amount", { mode: "number" }).notNull(),
    fiatCurrency: text("fiat_currency").notNull(),
    rate: text("rate").notNull(),
    /** Assigned in the creation batch by the hot wallet row. */
    nonce: bigint("nonce", { mode: "number" }),
    gasLimit: bigint("gas_limit", { mode: "number" }).notNull(),
    /** The current attempt's EIP-1559 fees (wei). */
    maxFeePerGas: numeric("max_fee_per_gas", { precision: 78, scale: 0 }).notNull(),
    maxPriorityFeePerGas: numeric("max_priority_fee_per_gas", { precision: 78, scale: 0 }).notNull(),
    /** The merchant's cap on max_fee_per_gas: no attempt, replacements included, exceeds it. */
    feeCapPerGas: numeric("fee_cap_per_gas", { precision: 78, scale: 0 }).notNull(),
    /** The current attempt's hash, null until first broadcast. */
    txHash: text("tx_hash"),
    /** Every attempt, recorded before it is broadcast, so a mined replacement is always recognized. */
    attempts: jsonb("attempts").$type<TransferAttempt[]>().notNull().default([]),
    status: text("status").$type<CryptoTransferStatus>().notNull(),
    blockNumber: bigint("block_number", { mode: "number" }),
    /** The block of the receipt it was confirmed on: watched until final, a reorg undoes the confirmation. */
    blockHash: text("block_hash"),
    gasUsed: numeric("gas_used", { precision: 78, scale: 0 }),
    effectiveGasPrice: numeric("effective_gas_price", { precision: 78, scale: 0 }),
    /**
     * The native asset's fiat price at creation: the network fee's conversion rate. Null on transfers
     * made before fees were charged to the merchant (they reserved none and are charged none).
     */
    networkFeeRate: text("network_fee_rate"),
    /** Reserved at creation for the network fee: gas limit × fee cap at networkFeeRate, minor units, rounded up. */
    networkFeeReserved: bigint("network_fee_reserved", { mode: "number" }).notNull().default(0),
    /** Charged at confirmation: gas used × effective gas price at networkFeeRate, rounded up. */
    networkFeeCharged: bigint("network_fee_charged", { mode: "number" }),
    failureReason: text("failure_reason"),
    /** Who asked: `api` (a merchant withdrawal) or another module's object, e.g. a payout. */
    sourceType: text("source_type").notNull(),
    sourceId: text("source_id"),
    description: text("description"),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    broadcastAt: at("broadcast_at"),
    confirmedAt: at("confirmed_at"),
    /** When its confirmed block became final (the chain's finality rule); null while a reorg can still undo it. */
    finalizedAt: at("finalized_at"),
    failedAt: at("failed_at"),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (table) => [
    uniqueIndex("crypto_transfers_chain_wallet_nonce_key").on(table.chain, table.fromAddress, table.nonce),
    index("crypto_transfers_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
    index("crypto_transfers_chain_status_idx").on(table.chain, table.status),
  ],
);

export type CryptoTransferRow = typeof cryptoTransfers.$inferSelect;

export const cryptoPaymentStatuses = ["open", "partially_paid", "completed", "expired"] as const;
export type CryptoPaymentStatus = (typeof cryptoPaymentStatuses)[number];

/**
 * An amount due in an asset on a network, paid to the customer's deposit address before it expires.
 * At most one open payment per address and asset (partial unique index), so a deposit never has
 * to choose between two.
 */
export const cryptoPayments = pgTable(
  "crypto_payments",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    customerId: text("customer_id").notNull(),
    addressId: text("address_id").notNull(),
    address: text("address").notNull(),
    network: text("network").notNull(),
    chain: text("chain").notNull(),
    asset: text("asset").notNull(),
    tokenContract: text("token_contract"),
    decimals: integer("decimals").notNull(),
    /** Base units. */
    amountDue: numeric("amount_due", { precision: 78, scale: 0 }).notNull(),
    amountReceived: numeric("amount_received", { precision: 78, scale: 0 }).notNull(),
    /** What was received beyond the amount due, once completed. */
    overpaidAmount: numeric("overpaid_amount", { precision: 78, scale: 0 }),
    /** The counted deposits' fiat values (USD cents, each fixed at its confirmation), summed. */
    fiatAmount: bigint("fiat_amount", { mode: "number" }).notNull().default(0),
    /** The credited deposits counted towards it. */
    depositIds: jsonb("deposit_ids").$type<string[]>().notNull().default([]),
    status: text("status").$type<CryptoPaymentStatus>().notNull(),
    description: text("description"),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    expiresAt: at("expires_at").notNull(),
    completedAt: at("completed_at"),
    expiredAt: at("expired_at"),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (table) => [
    uniqueIndex("crypto_payments_open_address_asset_key")
      .on(table.addressId, table.asset)
      .where(sql`status in ('open', 'partially_paid')`),
    index("crypto_payments_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
    index("crypto_payments_chain_status_idx").on(table.chain, table.status),
  ],
);

export type CryptoPaymentRow = typeof cryptoPayments.$inferSelect;
