ALTER TABLE "payouts" ALTER COLUMN "rail" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "payouts" ALTER COLUMN "bank_account_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "payouts" ADD COLUMN "crypto_transfer_id" text;--> statement-breakpoint
ALTER TABLE "payouts" ADD COLUMN "crypto_network" text;--> statement-breakpoint
ALTER TABLE "payouts" ADD COLUMN "crypto_asset" text;--> statement-breakpoint
ALTER TABLE "payouts" ADD COLUMN "crypto_amount" text;--> statement-breakpoint
ALTER TABLE "payouts" ADD COLUMN "crypto_address" text;--> statement-breakpoint
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_one_destination" CHECK (("payouts"."bank_account_id" is null) <> ("payouts"."crypto_transfer_id" is null) and ("payouts"."bank_account_id" is null) = ("payouts"."rail" is null));