ALTER TABLE "checkout_sessions" ADD COLUMN "promotion_code" jsonb;--> statement-breakpoint
ALTER TABLE "checkout_sessions" ADD COLUMN "amount_discount" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "checkout_sessions" ADD COLUMN "discount_id" text;