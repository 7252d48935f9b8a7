CREATE SEQUENCE "public"."crypto_derivation_index" INCREMENT BY 1 MINVALUE 0 MAXVALUE 2147483647 START WITH 0 CACHE 1;--> statement-breakpoint
CREATE TABLE "crypto_addresses" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"customer_id" text NOT NULL,
	"network" text NOT NULL,
	"chain" text NOT NULL,
	"address" text NOT NULL,
	"derivation_index" bigint NOT NULL,
	"assets" jsonb NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "crypto_blocks" (
	"chain" text NOT NULL,
	"number" bigint NOT NULL,
	"hash" text NOT NULL,
	"parent_hash" text NOT NULL,
	"read_at" timestamp with time zone NOT NULL,
	CONSTRAINT "crypto_blocks_chain_number_pk" PRIMARY KEY("chain","number")
);
--> statement-breakpoint
CREATE TABLE "crypto_confirmation_tiers" (
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"network" text NOT NULL,
	"min_amount" bigint NOT NULL,
	"confirmations" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "crypto_confirmation_tiers_merchant_id_environment_network_min_amount_pk" PRIMARY KEY("merchant_id","environment","network","min_amount")
);
--> statement-breakpoint
CREATE TABLE "crypto_deposits" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"address_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"network" text NOT NULL,
	"chain" text NOT NULL,
	"asset" text NOT NULL,
	"token_contract" text,
	"amount" numeric(78, 0) NOT NULL,
	"decimals" integer NOT NULL,
	"from_address" text NOT NULL,
	"to_address" text NOT NULL,
	"tx_hash" text NOT NULL,
	"log_index" integer NOT NULL,
	"block_number" bigint NOT NULL,
	"block_hash" text NOT NULL,
	"status" text NOT NULL,
	"confirmations" integer NOT NULL,
	"required_confirmations" integer NOT NULL,
	"fiat_amount" bigint,
	"fiat_currency" text,
	"rate" text,
	"confirmed_at" timestamp with time zone,
	"credited_at" timestamp with time zone,
	"dropped_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "crypto_addresses_customer_network_key" ON "crypto_addresses" USING btree ("merchant_id","environment","customer_id","network");--> statement-breakpoint
CREATE UNIQUE INDEX "crypto_addresses_derivation_index_key" ON "crypto_addresses" USING btree ("derivation_index");--> statement-breakpoint
CREATE UNIQUE INDEX "crypto_addresses_chain_address_key" ON "crypto_addresses" USING btree ("chain","address");--> statement-breakpoint
CREATE INDEX "crypto_addresses_merchant_created_idx" ON "crypto_addresses" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "crypto_deposits_onchain_key" ON "crypto_deposits" USING btree ("chain","block_hash","tx_hash","log_index");--> statement-breakpoint
CREATE INDEX "crypto_deposits_merchant_created_idx" ON "crypto_deposits" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "crypto_deposits_chain_status_idx" ON "crypto_deposits" USING btree ("chain","status");