CREATE TABLE "crypto_hot_wallets" (
	"chain" text NOT NULL,
	"address" text NOT NULL,
	"next_nonce" bigint NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "crypto_hot_wallets_chain_address_pk" PRIMARY KEY("chain","address")
);
--> statement-breakpoint
CREATE TABLE "crypto_payments" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"customer_id" text NOT NULL,
	"address_id" text NOT NULL,
	"address" text NOT NULL,
	"network" text NOT NULL,
	"chain" text NOT NULL,
	"asset" text NOT NULL,
	"token_contract" text,
	"decimals" integer NOT NULL,
	"amount_due" numeric(78, 0) NOT NULL,
	"amount_received" numeric(78, 0) NOT NULL,
	"overpaid_amount" numeric(78, 0),
	"deposit_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text NOT NULL,
	"description" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	"expired_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "crypto_transfers" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"network" text NOT NULL,
	"chain" text NOT NULL,
	"asset" text NOT NULL,
	"token_contract" text,
	"decimals" integer NOT NULL,
	"amount" numeric(78, 0) NOT NULL,
	"from_address" text NOT NULL,
	"to_address" text NOT NULL,
	"fiat_amount" bigint NOT NULL,
	"fiat_currency" text NOT NULL,
	"rate" text NOT NULL,
	"nonce" bigint,
	"gas_limit" bigint NOT NULL,
	"max_fee_per_gas" numeric(78, 0) NOT NULL,
	"max_priority_fee_per_gas" numeric(78, 0) NOT NULL,
	"fee_cap_per_gas" numeric(78, 0) NOT NULL,
	"tx_hash" text,
	"attempts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text NOT NULL,
	"block_number" bigint,
	"gas_used" numeric(78, 0),
	"effective_gas_price" numeric(78, 0),
	"failure_reason" text,
	"source_type" text NOT NULL,
	"source_id" text,
	"description" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"broadcast_at" timestamp with time zone,
	"confirmed_at" timestamp with time zone,
	"failed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "crypto_payments_open_address_asset_key" ON "crypto_payments" USING btree ("address_id","asset") WHERE status in ('open', 'partially_paid');--> statement-breakpoint
CREATE INDEX "crypto_payments_merchant_created_idx" ON "crypto_payments" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "crypto_payments_chain_status_idx" ON "crypto_payments" USING btree ("chain","status");--> statement-breakpoint
CREATE UNIQUE INDEX "crypto_transfers_chain_wallet_nonce_key" ON "crypto_transfers" USING btree ("chain","from_address","nonce");--> statement-breakpoint
CREATE INDEX "crypto_transfers_merchant_created_idx" ON "crypto_transfers" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "crypto_transfers_chain_status_idx" ON "crypto_transfers" USING btree ("chain","status");