ALTER TABLE "payouts" ADD COLUMN "rail_transfer_id" text;--> statement-breakpoint
ALTER TABLE "payouts" ADD COLUMN "rail_claimed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "payouts" ADD COLUMN "rail_checked_at" timestamp with time zone;