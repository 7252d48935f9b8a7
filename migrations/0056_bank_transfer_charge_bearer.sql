ALTER TABLE "bank_transfers" ADD COLUMN "charge_bearer" text;--> statement-breakpoint
ALTER TABLE "bank_transfers" ADD COLUMN "correspondent_fee" bigint;