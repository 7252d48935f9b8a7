ALTER TABLE "crypto_payments" ADD COLUMN "fiat_amount" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "crypto_transfers" ADD COLUMN "block_hash" text;--> statement-breakpoint
ALTER TABLE "crypto_transfers" ADD COLUMN "network_fee_rate" text;--> statement-breakpoint
ALTER TABLE "crypto_transfers" ADD COLUMN "network_fee_reserved" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "crypto_transfers" ADD COLUMN "network_fee_charged" bigint;--> statement-breakpoint
ALTER TABLE "crypto_transfers" ADD COLUMN "finalized_at" timestamp with time zone;--> statement-breakpoint
-- Transfers confirmed before blocks were watched are taken as final: no block hash to compare.
UPDATE "crypto_transfers" SET "finalized_at" = "confirmed_at" WHERE "status" = 'confirmed';
